"""What the status changes add to a pupil's page (students.record_parts): the pupil's requests, newest first,
and their timeline entries — up to the moment the reader's view stops (a former school sees none of the next
school's requests). A fixed number of queries however many requests there are."""

from students.record_parts import pupil_page_part
from transfers.models import ChangeRequest
from transfers.timeline import request_timeline, requests_for_timeline


@pupil_page_part
def change_requests(student_pk, as_of):
    requests = ChangeRequest.objects.filter(student_id=student_pk).order_by("-submitted_at")
    if as_of is not None:
        requests = requests.filter(submitted_at__lte=as_of)
    requests = list(requests_for_timeline(requests))
    return {"requests": requests}, request_timeline(requests)
