from django.conf import settings
from django.core.management.base import BaseCommand

from registry.accounts.idle import disable_idle_accounts, idle_accounts


class Command(BaseCommand):
    help = (
        "List the accounts with no login for ACCOUNT_IDLE_DAYS days (default 180); with --commit, disable them "
        "and record an audit event for each. The celery beat task disable_idle_accounts_task does the same daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="Disable the accounts (default: only list them).")

    def handle(self, *args, commit=False, **options):
        if not commit:
            users = list(idle_accounts())
            for user in users:
                self.stdout.write(f"{user.get_username()}\t{user.last_login or user.date_joined:%Y-%m-%d}")
            self.stdout.write(
                f"{len(users)} account(s) idle for {settings.ACCOUNT_IDLE_DAYS} days; --commit disables them."
            )
            return
        users = disable_idle_accounts(by="command")
        for user in users:
            self.stdout.write(user.get_username())
        self.stdout.write(self.style.SUCCESS(f"{len(users)} idle account(s) disabled."))
