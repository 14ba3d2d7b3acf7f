"""批量审核: the town office approves selected registrations or graduations at once (issue 17). The preview
lists each pupil with what holds the row back — a duplicate suspicion as the registration review computes it
(DOMAIN Registration 5), any rule the kind's validate() would refuse, a further step still to come — and
what is only worth knowing (overdue, a registration submitted over a month after entry). Approving decides
each request on its own through the engine's approve_step (its own transaction, history and audit event), so
a row held back or decided meanwhile by another officer (reported with who decided it) never stops the rest."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from transfers import services
from transfers.kinds import ChangeRefused, kind_of
from transfers.models import ApprovalStep, ChangeRequest
from transfers.selectors import possible_duplicates, requests_awaiting, requests_visible_to

BULK_KINDS = (ChangeRequest.Kind.REGISTRATION, ChangeRequest.Kind.GRADUATION)
LATE_AFTER = timedelta(days=31)  # the record is created within one month of entry (办法)


@dataclass
class Row:
    """One selected request in the preview: `problems` hold it back, `notes` are shown only."""

    request: ChangeRequest
    step: ApprovalStep
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def line(self):
        """The preview's line for this pupil."""
        who = _("%(name)s (%(school)s, %(kind)s)") % {
            "name": self.request.student.name, "school": self.request.school.name,
            "kind": self.request.get_kind_display(),
        }  # fmt: skip
        if self.problems:
            return _("%(who)s: held back, not approved — %(problems)s") % {
                "who": who, "problems": "；".join(self.problems)
            }
        return f"{who}：{'；'.join(self.notes)}" if self.notes else who


def selected_ids(values):
    """The request ids of the submitted checkboxes (anything else is ignored)."""
    return list(dict.fromkeys(int(value) for value in values if str(value).isdigit()))


def preview(user, request_ids):
    """(rows, not_waiting): a Row for each selected request of a bulk kind whose step waits for this user, in
    the order selected; and the selected requests the user sees that wait for no decision of theirs any more,
    each with a sentence saying why (someone decided it, or it is not of a kind approved in bulk)."""
    steps = (
        requests_awaiting(user)
        .filter(request_id__in=request_ids)
        .select_related("request__student", "request__school")
    )
    by_request = {step.request_id: step for step in steps}
    rows, not_waiting = [], []
    for pk in request_ids:
        step = by_request.get(pk)
        if step is None:
            not_waiting.extend(_not_waiting(user, pk))
        elif step.request.kind not in BULK_KINDS:
            not_waiting.append((step.request, _("only registrations and graduations are approved in bulk")))
        else:
            rows.append(_checked(step))
    return rows, not_waiting


def _checked(step):
    request = step.request
    kind = kind_of(request)
    row = Row(request=request, step=step)
    if request.steps.filter(round=request.round, position__gt=step.position).exists():
        row.problems.append(_("a further step follows; approve it on its own page"))
    if kind.creates_pupil:
        student = request.student
        duplicates = possible_duplicates(
            name=student.name, birth_date=student.birth_date, sex=student.sex, exclude=student
        )
        if duplicates:
            row.problems.append(
                _("possible duplicate: a pupil with the same name, birth date and sex has a record at %(schools)s")
                % {"schools": "、".join(school.name for school in duplicates)}
            )
        if student.entry_date and request.submitted_at.date() > student.entry_date + LATE_AFTER:
            row.notes.append(_("submitted more than a month after entry"))
    try:
        kind.validate(request, attached=frozenset(request.evidence.values_list("kind", flat=True)))
    except ChangeRefused as refusal:
        row.problems.append(str(refusal))
    if step.due_on and step.due_on < timezone.localdate():
        row.notes.append(_("overdue since %(day)s") % {"day": step.due_on.isoformat()})
    return row


def _not_waiting(user, pk):
    request = requests_visible_to(user).filter(pk=pk).select_related("student").first()
    if request is None:
        return []  # outside the user's scope: not even named
    decided = (
        request.steps.filter(round=request.round).exclude(decision=ApprovalStep.Decision.PENDING)
        .select_related("decided_by").order_by("-decided_at").first()
    )  # fmt: skip
    if decided is not None:
        return [(request, str(services.AlreadyDecided(decided)))]
    return [(request, _("it does not wait for your decision"))]


@dataclass
class Outcome:
    approved: list = field(default_factory=list)  # requests
    held_back: list = field(default_factory=list)  # (request, reason)
    not_decided: list = field(default_factory=list)  # (request, reason): decided meanwhile, or not waiting


def approve_selected(user, request_ids, *, comment=""):
    """Approve every selected request that has no problem, one decision each through approve_step; the
    preview is computed again now, so what changed since it was shown is seen. Returns the Outcome."""
    rows, not_waiting = preview(user, request_ids)
    outcome = Outcome(not_decided=list(not_waiting))
    for row in rows:
        if row.problems:
            outcome.held_back.append((row.request, "；".join(row.problems)))
            continue
        try:
            services.approve_step(row.step, actor=user, comment=comment)
        except services.AlreadyDecided as decided:
            outcome.not_decided.append((row.request, str(decided)))
        except ChangeRefused as refusal:
            outcome.held_back.append((row.request, str(refusal)))
        else:
            outcome.approved.append(row.request)
    return outcome
