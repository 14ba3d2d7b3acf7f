from django.core.management.base import BaseCommand
from django.utils import timezone

from students.school_numbers.services import number_the_register


class Command(BaseCommand):
    help = (
        "Give a school number (学号) to every pupil on a register who has none at their school — pupils entered "
        "before school numbers existed, or loaded as demo data. New pupils get theirs when they are approved."
    )

    def handle(self, *args, **options):
        count = number_the_register(day=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"{count} school number(s) assigned."))
