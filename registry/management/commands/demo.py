from django.conf import settings
from django.core.management.base import BaseCommand

from registry.demo import build_demo


class Command(BaseCommand):
    help = "Build the demo town (county, two town offices, eight schools, classes, semesters, accounts). Idempotent."

    def handle(self, *args, **options):
        accounts = build_demo(settings.DEMO_PASSWORD)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Accounts (password from DEMO_PASSWORD):"))
        for account in accounts:
            self.stdout.write(f"  {account.username:<13} {account.role.label}  {account.full_name}")
