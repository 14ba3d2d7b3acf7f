from django.core.management.base import BaseCommand, CommandError

from audit.integrity import find_break
from audit.models import PendingSeal, Seal
from audit.types import describe_problem


class Command(BaseCommand):
    help = "Seal the audit events waiting, check the hash chain and report the first broken link, if any."

    def handle(self, *args, **options):
        broken = find_break()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event #{broken.event_id}: {describe_problem(broken.problem)}.")
        sealed, waiting = Seal.objects.count(), PendingSeal.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {sealed} events sealed, {waiting} awaiting their seal.")
        )
