from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.demo import build_demo


class Command(BaseCommand):
    help = "Build the demo town (county, two town offices, eight schools, classes, semesters, accounts). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Build the demo even under the production profile (its accounts share one known password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError("Refusing to create demo accounts under the production profile.")
        accounts = build_demo(settings.DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Accounts, all with the password {settings.DEMO_PASSWORD}:")
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<13} {account.role.label}  {account.full_name}")
