"""What an information change may touch and how its values are read, checked and shown.

Every field of the 学生基本信息表 (`PUPIL_FIELDS`, the template's order; the national number is derived, the
class and grade change through their own kinds) and every field of a family member (`GUARDIAN_FIELDS`).
Values travel as text (dates ISO, booleans "1"/"0", choices by code), the form a request's payload keeps;
`clean` turns a raw value into the field's value with the model field's own rules plus GB 11643 for ID
numbers, refusing with a message that names the field. Personal numbers are shown masked (`display`)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.identity import mask_id_number, mask_phone, normalise_id_number, parse_id_number
from students.models import Guardian, Student
from transfers.kinds.base import ChangeRefused

PUPIL_FIELDS = (
    "name", "former_name", "sex", "birth_date", "id_type", "id_number", "ethnicity", "nationality",
    "overseas_status", "birthplace", "native_place", "household_place", "household_type", "home_address", "phone",
    "health", "only_child", "left_behind", "migrant_worker_child", "orphan", "disabled", "inclusive_education",
    "preschool", "entry_date", "entry_method", "boarding",
)  # fmt: skip
GUARDIAN_FIELDS = ("name", "relation", "id_number", "phone", "employer")

# 关键信息 (DOMAIN Key fields): always decided by the town office, whatever the town's list says; a change that
# touches only these is the strict case, the former key-information change (transfers.kinds.key_change).
KEY_FIELDS = ("name", "sex", "birth_date", "id_number", "ethnicity")
ALWAYS_APPROVED = (*KEY_FIELDS, "id_type")

MEMBERS = "guardian.members"  # adding or removing a family member
MASKED = {"id_number": mask_id_number, "phone": mask_phone}


def guardian_item(name):
    """The town-list item of a family member's field ("guardian.phone")."""
    return f"guardian.{name}"


def items():
    """Every item a town may list, in the form's order: (item, label)."""
    pupil = [(name, Student._meta.get_field(name).verbose_name) for name in PUPIL_FIELDS]
    family = [
        (guardian_item(name), _("Family member's %(field)s") % {"field": Guardian._meta.get_field(name).verbose_name})
        for name in GUARDIAN_FIELDS
    ]
    return [*pupil, *family, (MEMBERS, gettext_lazy("Adding or removing a family member"))]


def label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def as_text(value) -> str:
    """A field's value in the payload's form."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def fingerprint(text) -> str:
    """A short keyed digest of a value as text: what a page keeps of the values it showed (never the value
    itself, which may be a personal number; keyed with SECRET_KEY, since an ID number has few enough possible
    values to be guessed back from a plain hash), so that a save can tell a field changed meanwhile."""
    return salted_hmac("transfers.information.seen", as_text(text)).hexdigest()[:16]


class Seen(str):
    """An `expected` value given as its `fingerprint` rather than the value itself."""


def matches(current, expected) -> bool:
    if isinstance(expected, Seen):
        return fingerprint(current) == expected
    return as_text(current) == as_text(expected)


def clean(model, name, raw, *, field_key=None):
    """`raw` (text or the field's type) as the value of `model`'s field `name`, checked by the model field's
    rules (length, choices, required) and, for an ID number, GB 11643. Raises ChangeRefused naming the field."""
    model_field = model._meta.get_field(name)
    key = field_key or name
    if isinstance(model_field, models.BooleanField):
        if raw in (True, False):
            return raw
        if str(raw).strip().lower() in ("1", "true", "on", "yes"):
            return True
        if str(raw).strip().lower() in ("0", "false", "off", "no", ""):
            return False
        raise ChangeRefused(_("%(field)s: choose yes or no.") % {"field": model_field.verbose_name}, field=key)
    if isinstance(raw, str):
        raw = normalise_id_number(raw) if name == "id_number" else raw.strip()
    try:
        value = model_field.clean(raw, None)
        if name == "id_number" and value and model is Guardian:  # a pupil's: by ID type, in plans.py
            parse_id_number(value)
    except ValidationError as error:
        raise ChangeRefused(
            _("%(field)s: %(error)s") % {"field": model_field.verbose_name, "error": " ".join(error.messages)},
            field=key,
        ) from error
    return value


def display(model, name, text) -> str:
    """A value as people read it: a choice's label, yes/no, a personal number masked."""
    if name in MASKED:
        return MASKED[name](text or "")
    model_field = model._meta.get_field(name)
    if isinstance(model_field, models.BooleanField):
        return _("yes") if text in ("1", True) else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(text, text))
    return text or ""
