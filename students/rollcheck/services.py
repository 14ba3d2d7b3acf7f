"""The semester roll reconciliation (学期会审): counts from enrolment spells as of the check date, the
registrar's headcounts and named discrepancies, and each transition (submit, sign, receive, return,
reopen). Every function takes the acting user, runs in a transaction that locks the reconciliation, and
refuses with a message saying which rule (DOMAIN Semester roll reconciliation)."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from audit.history import acting_as
from registry.scoping import can
from students import events
from students.identity import mask_national_number
from students.models import RollCheck, RollCheckClass, RollCheckReturn, RollCheckSignature, RollDiscrepancy
from students.school_numbers.selectors import numbers_held_on, with_school_numbers
from students.selectors import on_register


class RollCheckRefused(Exception):
    """A rule of the reconciliation refuses the step; the message says which."""


@dataclass
class ClassRoll:
    """One class of a reconciliation: registered (from spells), present (headcount) and the differences."""

    headcount: RollCheckClass
    registered: int
    pupils: list = field(default_factory=list)  # spells, when asked for
    absent: list = field(default_factory=list)
    unregistered: list = field(default_factory=list)

    @property
    def school_class(self):
        return self.headcount.school_class

    @property
    def present(self):
        return self.headcount.present

    @property
    def expected_present(self):
        return self.registered - len(self.absent) + len(self.unregistered)

    @property
    def balanced(self):
        """Every difference between register and classroom is named."""
        return self.present is not None and self.present == self.expected_present


def class_rolls(check, *, with_pupils=False):
    """Every class of the reconciliation with its counts, in a fixed number of queries."""
    headcounts = list(check.classes.select_related("school_class"))
    register = on_register(check.school, check.check_date)
    counts = dict(register.values_list("school_class").annotate(n=Count("pk")).values_list("school_class", "n"))
    pupils = defaultdict(list)
    if with_pupils:
        numbered = with_school_numbers(register, as_of=check.check_date)
        for spell in numbered.select_related("student").order_by("student__name", "pk"):
            pupils[spell.school_class_id].append(spell)
    found = defaultdict(lambda: {"absent": [], "unregistered": []})
    number = numbers_held_on(check.check_date, school=check.school_id).values("number")[:1]
    for discrepancy in check.discrepancies.select_related("student").annotate(school_number=Subquery(number)):
        found[discrepancy.school_class_id][discrepancy.kind].append(discrepancy)
    return [
        ClassRoll(
            headcount=headcount,
            registered=counts.get(headcount.school_class_id, 0),
            pupils=pupils[headcount.school_class_id],
            absent=found[headcount.school_class_id]["absent"],
            unregistered=found[headcount.school_class_id]["unregistered"],
        )
        for headcount in headcounts
    ]


def can_prepare(user, school):
    return can(user, "rollcheck.prepare", school)


def can_sign(user, school):
    return can(user, "rollcheck.sign", school)


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _locked(check, *states):
    """The reconciliation row, locked for this transaction, refusing unless it is in one of `states`."""
    check = RollCheck.objects.select_for_update().select_related("school", "semester").get(pk=check.pk)
    if check.state not in states:
        raise RollCheckRefused(
            _("This reconciliation is %(state)s; that is not possible now.") % {"state": check.get_state_display()}
        )
    return check


def start_roll_check(school, semester, *, actor, check_date=None):
    """The registrar opens the semester's reconciliation (one per school and semester), with a headcount row
    for every class of the school; the check date defaults to today, within the semester."""
    _require(can_prepare(actor, school))
    day = check_date or min(max(timezone.localdate(), semester.starts_on), semester.ends_on)
    if not semester.starts_on <= day <= semester.ends_on:
        raise RollCheckRefused(_("The check date must fall within the semester."))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.started"):
        check, created = RollCheck.objects.get_or_create(school=school, semester=semester, defaults={"check_date": day})
        if created:
            RollCheckClass.objects.bulk_create(
                RollCheckClass(reconciliation=check, school_class=school_class)
                for school_class in school.classes.order_by("grade", "number")
            )
    return check


def set_headcounts(check, present_by_class, *, actor):
    """Record how many pupils were present in each class ({class id: number or None})."""
    _require(can_prepare(actor, check.school))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.headcount"):
        check = _locked(check, RollCheck.State.DRAFT)
        changed = []
        for headcount in check.classes.all():
            value = present_by_class.get(headcount.school_class_id, headcount.present)
            if value != headcount.present:
                headcount.present = value
                changed.append(headcount)
        if changed:
            bulk_update_with_history(
                changed, RollCheckClass, ["present"], default_user=actor,
                default_change_reason="students.roll_check.headcount",
            )  # fmt: skip


def mark_absent(check, spell, *, actor, reason="", action=""):
    """Name a pupil on the class's register who is not in the classroom (有籍无生)."""
    _require(can_prepare(actor, check.school))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.absent"):
        check = _locked(check, RollCheck.State.DRAFT)
        if not on_register(check.school, check.check_date).filter(pk=spell.pk).exists():
            raise RollCheckRefused(_("%(name)s is not on the register on the check date.") % {"name": spell.student})
        if check.discrepancies.filter(student=spell.student_id).exists():
            raise RollCheckRefused(_("%(name)s is already listed.") % {"name": spell.student})
        return RollDiscrepancy.objects.create(
            reconciliation=check, school_class=spell.school_class, kind=RollDiscrepancy.Kind.ABSENT,
            student=spell.student, name=spell.student.name, reason=reason, action=action,
        )  # fmt: skip


def add_unregistered(check, school_class, name, *, actor, reason="", action=""):
    """Name a child in the classroom who is on no register here (有生无籍)."""
    _require(can_prepare(actor, check.school))
    if not name.strip():
        raise RollCheckRefused(_("Enter the child's name."))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.unregistered"):
        check = _locked(check, RollCheck.State.DRAFT)
        return RollDiscrepancy.objects.create(
            reconciliation=check, school_class=school_class, kind=RollDiscrepancy.Kind.UNREGISTERED,
            name=name.strip(), reason=reason, action=action,
        )  # fmt: skip


def explain(discrepancy, *, actor, reason, action):
    """Give a discrepancy its reason and the action taken (an action that fits its kind): the registrar
    while preparing, or the headteacher on a submitted reconciliation before signing."""
    school = discrepancy.reconciliation.school
    if can_prepare(actor, school):
        state = RollCheck.State.DRAFT
    elif can_sign(actor, school):
        state = RollCheck.State.SUBMITTED
    else:
        raise PermissionDenied
    if action and action not in RollDiscrepancy.ACTIONS[discrepancy.kind]:
        raise RollCheckRefused(_("This action does not fit a %(kind)s.") % {"kind": discrepancy.get_kind_display()})
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.explained"):
        _locked(discrepancy.reconciliation, state)
        discrepancy.reason, discrepancy.action = reason.strip(), action
        discrepancy.save(update_fields=["reason", "action"])


def remove_discrepancy(discrepancy, *, actor):
    _require(can_prepare(actor, discrepancy.reconciliation.school))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.removed"):
        _locked(discrepancy.reconciliation, RollCheck.State.DRAFT)
        discrepancy.delete()


def submit_roll_check(check, *, actor):
    """The registrar sends the reconciliation to the headteacher: every class counted, every difference
    between register and headcount named (registered − absent + unregistered = present)."""
    _require(can_prepare(actor, check.school))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.submitted"):
        check = _locked(check, RollCheck.State.DRAFT)
        for roll in class_rolls(check):
            if roll.present is None:
                raise RollCheckRefused(_("Enter the number present in %(class)s.") % {"class": roll.school_class})
            if not roll.balanced:
                raise RollCheckRefused(
                    _(
                        "%(class)s: %(registered)s on the register, %(present)s present — name the %(missing)s "
                        "pupils who make the difference."
                    )
                    % {
                        "class": roll.school_class,
                        "registered": roll.registered,
                        "present": roll.present,
                        "missing": abs(roll.present - roll.expected_present),
                    }  # fmt: skip
                )
        check.state, check.submitted_at = RollCheck.State.SUBMITTED, timezone.now()
        check.save(update_fields=["state", "submitted_at"])
        events.roll_check_changed(check, actor=actor, step="submitted")
    return check


def snapshot_of(check):
    """Everything the headteacher signs: per class the register's names (with masked national numbers and
    school numbers), the counts and the differences."""
    classes = []
    for roll in class_rolls(check, with_pupils=True):
        classes.append({
            "class": str(roll.school_class),
            "registered": roll.registered,
            "present": roll.present,
            "pupils": [[s.student_id, s.student.name, mask_national_number(s.student.national_number or ""),
                        s.school_number or ""] for s in roll.pupils],
            "absent": [{"name": d.name, "school_number": d.school_number or "", "reason": d.reason,
                        "action": d.get_action_display()} for d in roll.absent],
            "unregistered": [{"name": d.name, "reason": d.reason, "action": d.get_action_display()}
                             for d in roll.unregistered],
        })  # fmt: skip
    return {
        "school": check.school.name,
        "school_code": check.school.code,
        "semester": str(check.semester),
        "check_date": check.check_date.isoformat(),
        "classes": classes,
        "registered": sum(c["registered"] for c in classes),
        "present": sum(c["present"] or 0 for c in classes),
    }


def snapshot_hash(snapshot):
    """SHA-256 of the snapshot as canonical JSON (keys sorted, no spaces): the same however the database
    stores and returns the keys (PostgreSQL jsonb reorders them)."""
    canonical = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign_roll_check(check, *, actor):
    """The headteacher signs (only the headteacher): refused while any difference lacks a reason; records
    who, when and the snapshot with its hash, and locks the reconciliation."""
    _require(can_sign(actor, check.school))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.signed"):
        check = _locked(check, RollCheck.State.SUBMITTED)
        unexplained = check.discrepancies.filter(Q(reason="") | Q(action="")).order_by("name")
        if unexplained.exists():
            raise RollCheckRefused(
                _("Not signed: give the reason and action for %(names)s first.")
                % {"names": "、".join(d.name for d in unexplained[:10])}
            )
        snapshot = snapshot_of(check)
        signature = RollCheckSignature.objects.create(
            reconciliation=check, signed_by=actor, signed_at=timezone.now(), snapshot=snapshot,
            snapshot_hash=snapshot_hash(snapshot),
        )  # fmt: skip
        check.state = RollCheck.State.SIGNED
        check.save(update_fields=["state"])
        events.roll_check_changed(check, actor=actor, step="signed")
    return signature


def return_roll_check(check, *, actor, reason):
    """The headteacher sends a submitted reconciliation back to the registrar with a reason."""
    _require(can_sign(actor, check.school))
    if not reason.strip():
        raise RollCheckRefused(_("Give the reason for sending it back."))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.returned"):
        check = _locked(check, RollCheck.State.SUBMITTED)
        check.state = RollCheck.State.DRAFT
        check.save(update_fields=["state"])
        RollCheckReturn.objects.create(
            reconciliation=check, returned_by=actor, returned_at=timezone.now(), reason=reason.strip()
        )
        events.roll_check_changed(check, actor=actor, step="returned", reason=reason.strip())
    return check


def receive_roll_check(check, *, actor):
    """The town office acknowledges the signed reconciliation."""
    _require(can(actor, "rollcheck.receive", check.school))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.received"):
        check = _locked(check, RollCheck.State.SIGNED)
        check.state, check.received_at = RollCheck.State.RECEIVED, timezone.now()
        check.save(update_fields=["state", "received_at"])
        events.roll_check_changed(check, actor=actor, step="received")
    return check


def reopen_roll_check(check, *, actor, reason):
    """Only the town office reopens a signed reconciliation, with a reason; the signed version is kept
    (its signature is marked superseded, never deleted) and the registrar can correct the draft."""
    _require(can(actor, "rollcheck.receive", check.school))
    if not reason.strip():
        raise RollCheckRefused(_("Give the reason for reopening."))
    with transaction.atomic(), acting_as(actor, reason="students.roll_check.reopened"):
        check = _locked(check, RollCheck.State.SIGNED, RollCheck.State.RECEIVED)
        signature = check.signatures.get(superseded_at__isnull=True)
        signature.superseded_at, signature.superseded_by = timezone.now(), actor
        signature.reopen_reason = reason.strip()
        signature.save(update_fields=["superseded_at", "superseded_by", "reopen_reason"])
        check.state, check.received_at = RollCheck.State.DRAFT, None
        check.save(update_fields=["state", "received_at"])
        events.roll_check_changed(check, actor=actor, step="reopened", reason=reason.strip())
    return check


def snapshot_intact(signature) -> bool:
    """Whether the stored snapshot still hashes to the hash recorded at signing: checked each time a signed
    reconciliation is shown or printed, so a snapshot edited in the database afterwards is said to be."""
    return snapshot_hash(signature.snapshot) == signature.snapshot_hash


def current_signature(check):
    return check.signatures.filter(superseded_at__isnull=True).select_related("signed_by").first()
