"""`manage.py send_reminders [--date YYYY-MM-DD]`: the daily reminders without celery beat (a laptop, cron)."""

from datetime import date

from django.core.management.base import BaseCommand

from registry.notifications.reminders import send_daily_reminders


class Command(BaseCommand):
    help = "Create today's deadline reminders and e-mail the morning digests (safe to run more than once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="The day to remind for (default: today).")

    def handle(self, *args, date=None, **options):
        result = send_daily_reminders(date)
        created, people, mailed = result["created"], result["recipients"], result["mailed"]
        self.stdout.write(f"{created} reminders created for {people} people; {mailed} digests mailed.")
