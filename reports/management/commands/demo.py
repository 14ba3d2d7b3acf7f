"""`manage.py demo`: the demo town, built from every app's demo module (organisation, pupils, pending
registrations). It lives in the top layer because it composes all the apps below."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.history import acting_as
from registry.demo import ACCOUNTS, CURRENT_SCHOOL_YEAR, build_organisation
from registry.models import SchoolClass
from registry.roles import Role
from students.demo import build_pupils
from students.school_numbers.services import number_the_register
from transfers.demo import build_pending_registrations

PUPILS_PER_CLASS = 40


class Command(BaseCommand):
    help = (
        "Build the demo town: a county, two town offices, eight schools with classes and about 3,000 pupils, "
        "semesters, one account per role, school numbers (学号), and pending registrations in each town's queue. "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Build the demo even under the production profile (its accounts share one known password).",
        )
        parser.add_argument(
            "--pupils-per-class",
            type=int,
            default=PUPILS_PER_CLASS,
            help=f"Registered pupils in each class (default {PUPILS_PER_CLASS}).",
        )

    def handle(self, *args, allow_production=False, pupils_per_class=PUPILS_PER_CLASS, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError("Refusing to create demo accounts under the production profile.")
        with transaction.atomic():
            admin = build_organisation(settings.DEMO_PASSWORD)
            classes = SchoolClass.objects.select_related("school__authority").order_by(
                "school__code", "grade", "number"
            )
            with acting_as(admin, reason="registry.demo"):
                pupils = build_pupils(classes, school_year=CURRENT_SCHOOL_YEAR, per_class=pupils_per_class, actor=admin)
            numbered = number_the_register(day=timezone.localdate(), actor=admin)  # 学号 in each school's format
            registrars = get_user_model().objects.filter(
                username__in=[account.username for account in ACCOUNTS if account.role == Role.REGISTRAR]
            )
            pending = build_pending_registrations(registrars, school_year=CURRENT_SCHOOL_YEAR)
        self.stdout.write(
            f"New pupils on the register: {pupils}; school numbers given: {numbered}; "
            f"new pending registrations: {pending}."
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Accounts, all with the password {settings.DEMO_PASSWORD}:")
        )
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<13} {account.role.label}  {account.full_name}")
