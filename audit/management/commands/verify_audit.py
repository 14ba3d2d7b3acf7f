from django.core.management.base import BaseCommand, CommandError

from audit.chain import first_broken_link
from audit.models import Event


class Command(BaseCommand):
    help = "Check the hash chain of the audit log and report the first broken link, if any."

    def handle(self, *args, **options):
        events = Event.objects.order_by("id").iterator(chunk_size=2000)
        broken = first_broken_link(events)
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {Event.objects.count()} events."))
            return
        if broken.problem == "edited":
            detail = "its content does not match its stored hash (the row was edited)"
        else:
            detail = "its link to the previous event does not match (a row before it was removed or replaced)"
        raise CommandError(f"Audit chain broken at event #{broken.event_id}: {detail}.")
