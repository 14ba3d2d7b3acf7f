"""Archives react to the change requests' approvals (transfers.signals), inside the same transaction."""

from django.dispatch import receiver

from archives.services import file_request
from transfers.signals import request_approved


@receiver(request_approved)
def file_approved_request(sender, request, actor, **kwargs):
    file_request(request, actor=actor)
