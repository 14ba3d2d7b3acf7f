"""The information change's state changes: the direct edit, the entry point that also opens the request, and
the town's list of what needs approval.

`edit_directly`: the school's registrar changes fields the town does not list — refused for any listed item,
whatever the page showed. `change_information`: applies the unlisted part directly and opens one request of
kind `information_change` for the listed part (evidence attached), all or nothing in one transaction.

Both lock the pupil's row first, so two saves of the same pupil run one after the other and each works out
its changes against the record as the other left it (and an `expected` value that no longer holds is
refused instead of silently overwritten). History names the actor; the direct part writes an audit event."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.history import acting_as
from registry.scoping import can
from students.models import Student
from transfers import services as engine
from transfers.information import events
from transfers.kinds.base import ChangeRefused
from transfers.kinds.information_change.fields import ALWAYS_APPROVED, items
from transfers.kinds.information_change.plans import apply_plan, build_plan
from transfers.kinds.information_change.policy import approval_fields
from transfers.kinds.information_change.rows import rows_of
from transfers.kinds.rules import enrolled_spell
from transfers.models import ChangeRequest, Evidence, InformationPolicy
from transfers.uploads import check_evidence

KIND = "information_change"


@dataclass
class InformationChangeOutcome:
    """What `change_information` did: the changes applied directly, as (label, old, new) with personal numbers
    masked, and the request opened for the town office (None when nothing needed approval)."""

    applied: list = field(default_factory=list)
    request: ChangeRequest | None = None

    @property
    def nothing_changed(self):
        return not self.applied and self.request is None


def _locked_pupil(student, actor):
    """The pupil's row, locked, and their school — where `actor` must be the registrar."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    spell = enrolled_spell(student)
    if not engine.can_initiate(actor, spell.school):
        raise PermissionDenied
    return student, spell.school


def _refuse_empty_reason(reason):
    if not (reason or "").strip():
        raise ChangeRefused(_("Give the reason for the change (e.g. the guardian's written application)."),
                            field="reason")  # fmt: skip


def edit_directly(student, *, actor, changes=None, guardians=(), reason, expected=None):
    """Apply `changes` and `guardians` (see plans.build_plan) at once, as the pupil's registrar. Refused — with
    nothing changed — when any of them is on the town's list (it needs a request), a value is not valid, or a
    value the user saw was changed meanwhile. Returns the applied changes as (label, old, new)."""
    _refuse_empty_reason(reason)
    with transaction.atomic():
        student, school = _locked_pupil(student, actor)
        plan = build_plan(student, changes, guardians, expected=expected)
        listed = plan.items() & approval_fields(school.authority)
        if listed:
            raise ChangeRefused(
                _("%(fields)s needs the approval of %(town)s: request a change instead.")
                % {"fields": "、".join(_item_label(item) for item in sorted(listed)), "town": school.authority},
                field=sorted(listed)[0],
            )
        return _apply_directly(student, school, plan, actor=actor, reason=reason.strip())


def _apply_directly(student, school, plan, *, actor, reason):
    if plan.empty:
        return []
    applied = rows_of(plan)
    with acting_as(actor, reason="transfers.information.edited"):
        apply_plan(student, plan)
        events.edited(student, actor=actor, school=school, items=plan.items(), reason=reason)
    return applied


def change_information(student, *, actor, changes=None, guardians=(), reason, evidence=None, expected=None):
    """The entry point (docs/information-change-interface.md): what the town does not list is applied directly,
    what it lists becomes one `information_change` request for the town office with `evidence` (an upload,
    content-checked; required then). One transaction: a refusal changes nothing. Returns an
    InformationChangeOutcome."""
    _refuse_empty_reason(reason)
    checked = None
    if evidence is not None:
        try:
            checked = check_evidence(evidence)
        except ValidationError as error:
            raise ChangeRefused(" ".join(error.messages), field="evidence") from error
    with transaction.atomic():
        student, school = _locked_pupil(student, actor)
        plan = build_plan(student, changes, guardians, expected=expected)
        direct, decided = plan.split(approval_fields(school.authority))
        outcome = InformationChangeOutcome()
        outcome.applied = _apply_directly(student, school, direct, actor=actor, reason=reason.strip())
        if not decided.empty:
            payload = {"changes": decided.changes, "previous": decided.previous, "reason": reason.strip(),
                       "guardians": [op.to_json() for op in decided.guardians]}  # fmt: skip
            proof = [(Evidence.Kind.IDENTITY_PROOF, evidence, checked)] if checked is not None else []
            outcome.request = engine.submit_request(
                kind=KIND, student=student, school=school, payload=payload, actor=actor, evidence=proof
            )
    return outcome


def _item_label(item):
    return str(dict(items()).get(item, item))


def set_approval_fields(authority, chosen, *, actor):
    """Save the town's list: the chosen items (unknown ones ignored) plus the key fields. Only a town officer of
    `authority` (or above) or an administrator; in one transaction with history and an audit event."""
    if not can(actor, "information.configure", authority):
        raise PermissionDenied
    known = [item for item, _label in items()]
    listed = [item for item in known if item in set(chosen) | set(ALWAYS_APPROVED)]
    with transaction.atomic(), acting_as(actor, reason="transfers.information.policy"):
        policy, _created = InformationPolicy.objects.select_for_update().get_or_create(authority=authority)
        policy.approval_items = listed
        policy.save()
        events.policy_changed(policy, actor=actor)
    return frozenset(listed)
