"""The information change page's forms: every field of the 学生基本信息表 and of each family member, filled in
with today's values (a value left as it is changes nothing), the town's approval items marked; and the town
officer's list of those items.

Personal numbers (ID numbers, phones) are never sent back in full: their inputs start empty, the help text
shows the masked value, and an input left empty keeps it. The page remembers what it showed only as
fingerprints (`seen`), so a save can refuse a field someone else changed meanwhile."""

import json

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import Guardian, Student
from transfers.forms import DATE_INPUT
from transfers.kinds.forms import ChangeForm, evidence_field, reason_field
from transfers.kinds.information_change.fields import (
    GUARDIAN_FIELDS,
    MASKED,
    MEMBERS,
    PUPIL_FIELDS,
    Seen,
    as_text,
    fingerprint,
    guardian_item,
    items,
)
from transfers.kinds.information_change.plans import build_plan
from transfers.kinds.information_change.policy import approval_fields
from transfers.kinds.rules import open_spell
from transfers.models import Evidence

MODES = ("direct", "approval")


def _form_field(model, name, *, required):
    model_field = model._meta.get_field(name)
    field = model_field.formfield(**({"widget": DATE_INPUT} if isinstance(model_field, models.DateField) else {}))
    field.required = required and field.required
    return field


class InformationChangeForm(ChangeForm):
    """The fields of `student` (those in `fields`, and the family members when `family`), shown all or only those
    the school edits directly (`only="direct"`) or only those the town office decides (`only="approval"`).
    `asked`: a returned request's payload, whose new values fill the form in; `prefill`: values from the
    address (a page that starts a correction). Gives the service's inputs: `changes()`, `guardians()`,
    `expected()`; and, amending a request, its `payload()`."""

    reason = reason_field()
    identity_proof = evidence_field(
        gettext_lazy("Household register page or other proof of the new details (guardian's written application)"),
        required=False,
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    evidence_fields = {"identity_proof": Evidence.Kind.IDENTITY_PROOF}

    def __init__(self, *args, student, fields=PUPIL_FIELDS, family=True, only=None, asked=None, prefill=None,
                 approval_only=False, amending=False, **kwargs):  # fmt: skip
        super().__init__(*args, amending=amending, **kwargs)
        self.amending = amending  # a returned request keeps its evidence: a new upload only adds to it
        self.student = student
        spell = open_spell(student)
        self.approval = approval_fields(spell.school.authority) if spell else frozenset(item for item, _l in items())
        self.only = "approval" if approval_only else (only if only in MODES else None)
        self.guardian_rows = list(student.guardians.all()) if family else []
        self.pupil_names = [name for name in fields if self._shown(name)]
        self.members = family and self._shown(MEMBERS)
        self._build(asked, prefill or {})
        self.order_fields([*self._keys(), "reason", "identity_proof", "seen"])

    # the form's fields ------------------------------------------------------------------------------------

    def _shown(self, item):
        if self.only == "direct":
            return item not in self.approval
        if self.only == "approval":
            return item in self.approval
        return True

    def _keys(self):
        keys = list(self.pupil_names)
        for guardian in self.guardian_rows:
            keys += [key for key, _name in self._guardian_keys(guardian)]
            if self.members:
                keys.append(f"guardian-{guardian.pk}-remove")
        if self.members:
            keys += [f"guardian-new-{name}" for name in GUARDIAN_FIELDS]
        return keys

    def _guardian_keys(self, guardian):
        shown = [name for name in GUARDIAN_FIELDS if self._shown(guardian_item(name))]
        return [(f"guardian-{guardian.pk}-{name}", name) for name in shown]

    def _build(self, asked, prefill):
        asked_changes = dict(getattr(asked, "changes", {}) or {})
        asked_family = {op.get("guardian"): op for op in getattr(asked, "guardians", []) or []}
        seen = {}
        for name in self.pupil_names:
            current = getattr(self.student, name)
            seen[name] = fingerprint(current)
            self._add(name, Student, name, current, asked_changes.get(name), prefill.get(name))
        for guardian in self.guardian_rows:
            op = asked_family.get(guardian.pk, {})
            for key, name in self._guardian_keys(guardian):
                current = getattr(guardian, name)
                seen[key] = fingerprint(current)
                self._add(key, Guardian, name, current, (op.get("changes") or {}).get(name), prefill.get(key),
                          group=str(guardian))  # fmt: skip
            if self.members:
                self.fields[f"guardian-{guardian.pk}-remove"] = forms.BooleanField(
                    label=_("Remove %(member)s from the record") % {"member": guardian}, required=False,
                    initial=op.get("action") == "remove",
                )  # fmt: skip
        if self.members:
            new = next((op for op in asked_family.values() if op.get("action") == "add"), {})
            for name in GUARDIAN_FIELDS:
                field = _form_field(Guardian, name, required=False)
                field.label = _("New family member: %(field)s") % {"field": Guardian._meta.get_field(name).verbose_name}
                field.initial = prefill.get(f"guardian-new-{name}", (new.get("changes") or {}).get(name, ""))
                self.fields[f"guardian-new-{name}"] = field
        self.fields["seen"].initial = json.dumps(seen, separators=(",", ":"))
        if self.only == "direct":
            del self.fields["identity_proof"]
        if "reason" in prefill:
            self.fields["reason"].initial = prefill["reason"]
        elif asked is not None and getattr(asked, "reason", ""):
            self.fields["reason"].initial = asked.reason

    def _add(self, key, model, name, current, asked, prefilled, group=""):
        """One field: today's value as initial (a personal number: empty, its masked value in the help)."""
        item = guardian_item(name) if model is Guardian else name
        field = _form_field(model, name, required=name not in MASKED)
        if group:
            field.label = f"{group} · {model._meta.get_field(name).verbose_name}"
        notes = []
        if name in MASKED:
            if current:
                notes.append(_("Now %(masked)s. Leave empty to keep it; enter a new one to change it.")
                             % {"masked": MASKED[name](current)})  # fmt: skip
            field.initial = ""
            if asked:
                notes.append(_("The returned request asked for %(masked)s: enter it again to keep asking for it.")
                             % {"masked": MASKED[name](asked)})  # fmt: skip
        else:
            field.initial = asked if asked is not None else current
        if prefilled is not None:
            field.initial = prefilled
        if item in self.approval:
            notes.append(_("Needs the town office's approval."))
        field.help_text = " ".join(str(note) for note in notes)
        self.fields[key] = field

    # what was asked ---------------------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        touched = set(self.changes())
        for op in self.guardians():
            touched |= {guardian_item(name) for name in op.get("changes", {})} if op["action"] == "edit" else {MEMBERS}
        needs_proof = touched & self.approval
        if needs_proof and not data.get("identity_proof") and "identity_proof" in self.fields and not self.amending:
            self.add_error("identity_proof", _("Attach the proof of the new details: these changes go to the town "
                                               "office, which decides on the evidence."))  # fmt: skip
        return data

    def _value(self, key, name):
        value = self.cleaned_data.get(key)
        if name in MASKED and not value:
            return None  # left empty: kept
        return value

    def changes(self):
        """{pupil field: new value} of what differs from the record."""
        found = {}
        for name in self.pupil_names:
            value = self._value(name, name)
            if value is not None and as_text(value) != as_text(getattr(self.student, name)):
                found[name] = value
        return found

    def guardians(self):
        """The family members' changes, as the service takes them."""
        ops = []
        for guardian in self.guardian_rows:
            if self.members and self.cleaned_data.get(f"guardian-{guardian.pk}-remove"):
                ops.append({"action": "remove", "guardian": guardian.pk})
                continue
            edited = {}
            for key, name in self._guardian_keys(guardian):
                value = self._value(key, name)
                if value is not None and as_text(value) != as_text(getattr(guardian, name)):
                    edited[name] = value
            if edited:
                ops.append({"action": "edit", "guardian": guardian.pk, "changes": edited})
        if self.members:
            new = {name: self.cleaned_data.get(f"guardian-new-{name}") or "" for name in GUARDIAN_FIELDS}
            if any(as_text(value).strip() for value in new.values()):
                ops.append({"action": "add", "changes": new})
        return ops

    def refresh_seen(self):
        """After a save refused because a value changed meanwhile: remember the values as saved now, so that the
        user, told the new value, can save again deliberately."""
        self.student.refresh_from_db()
        seen = {name: fingerprint(getattr(self.student, name)) for name in self.pupil_names}
        for guardian in Guardian.objects.filter(pk__in=[row.pk for row in self.guardian_rows]):
            seen.update({key: fingerprint(getattr(guardian, name)) for key, name in self._guardian_keys(guardian)})
        self.data = self.data.copy()
        self.data["seen"] = json.dumps(seen, separators=(",", ":"))

    def expected(self):
        """{key: Seen fingerprint} of the values the page showed."""
        try:
            seen = json.loads(self.cleaned_data.get("seen") or "{}")
        except ValueError:
            return {}
        return {key: Seen(value) for key, value in seen.items() if isinstance(value, str)}

    def payload(self):
        """Amending a returned request: its new payload, worked out against the record (ChangeRefused if not)."""
        plan = build_plan(self.student, self.changes(), self.guardians(), expected=self.expected())
        return {"changes": plan.changes, "previous": plan.previous, "reason": self.cleaned_data["reason"],
                "guardians": [op.to_json() for op in plan.guardians]}  # fmt: skip

    def groups(self):
        """(title, bound fields) per part of the page: the pupil, each family member, a new family member."""
        parts = [(_("Basic information"), [self[name] for name in self.pupil_names])]
        for guardian in self.guardian_rows:
            keys = [key for key, _name in self._guardian_keys(guardian)]
            keys += [f"guardian-{guardian.pk}-remove"] if self.members else []
            parts.append((str(guardian), [self[key] for key in keys]))
        if self.members:
            parts.append((_("New family member"), [self[f"guardian-new-{name}"] for name in GUARDIAN_FIELDS]))
        return [(title, fields) for title, fields in parts if fields]
