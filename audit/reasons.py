"""Why a record changed: history change reasons stored as a code (and its parameters), rendered in the
reader's language (issue 18 item 11, issue 21) — a reason is never stored as a sentence of the language of
whoever happened to cause the change.

Stored form: the code alone ("archives.paper.lent"), or the code, a space and its parameters as compact
JSON ("transfers.request.approved {"request":10}"), within history_change_reason's 100 characters.
Services pass the code to `acting_as(actor, reason=code, **params)` or `encode(code, **params)`. Rows
written before codes (English phrases such as "request #10 approved") are read through `_LEGACY`.
"""

import json
import re

from django.utils.translation import gettext_lazy as _

_REASONS = {
    "archives.print_job": _("print job #{job}"),
    "archives.request.filed": _("request #{request} filed"),
    "archives.document.added": _("archive document added"),
    "archives.document.superseded": _("archive document superseded"),
    "archives.paper.location": _("paper file's location"),
    "archives.paper.lent": _("paper file lent"),
    "archives.paper.returned": _("paper file returned"),
    "archives.paper.sent": _("paper file sent"),
    "archives.paper.received": _("paper file received"),
    "archives.access.requested": _("archive access requested"),
    "archives.access.decided": _("archive access decided"),
    "registry.demo": _("demo data"),
    "registry.benchmark": _("benchmark data"),
    "students.onboarding": _("onboarded from the national system's file {file} (job #{job})"),
    "students.problem.kept": _("problem record kept with evidence"),
    "students.pupil.removed": _("removed as entered in error"),
    "students.roll_check.started": _("roll reconciliation started"),
    "students.school_number.format": _("school number format"),
    "students.school_number.assigned": _("school numbers given to the pupils on the register"),
    "students.roll_check.headcount": _("headcount"),
    "students.roll_check.absent": _("registered but absent"),
    "students.roll_check.unregistered": _("present but unregistered"),
    "students.roll_check.explained": _("discrepancy explained"),
    "students.roll_check.removed": _("discrepancy removed"),
    "students.roll_check.submitted": _("roll reconciliation submitted"),
    "students.roll_check.signed": _("roll reconciliation signed"),
    "students.roll_check.returned": _("roll reconciliation returned"),
    "students.roll_check.received": _("roll reconciliation received"),
    "students.roll_check.reopened": _("roll reconciliation reopened"),
    "transfers.registration": _("new pupil's registration"),
    "transfers.request.submitted": _("{kind} submitted"),
    "transfers.request.amended": _("request #{request} amended"),
    "transfers.request.approved": _("request #{request} approved"),
    "transfers.request.rejected": _("request #{request} rejected"),
    "transfers.request.resubmitted": _("request #{request} resubmitted"),
    "transfers.request.withdrawn": _("request #{request} withdrawn"),
    "transfers.promotion": _("promotion to the next grade, {year} school year"),
    "transfers.information.edited": _("information changed directly by the school"),
    "transfers.information.policy": _("the town's list of fields needing approval"),
}

# Reasons stored before codes: a pattern over the whole text and its code ({step} from the group "step";
# the other named groups are the parameters).
_LEGACY = [
    (r"print job #(?P<job>\d+)", "archives.print_job"),
    (r"request #(?P<request>\d+) filed", "archives.request.filed"),
    (
        r"request #(?P<request>\d+) (?P<step>amended|approved|rejected|resubmitted|withdrawn)",
        "transfers.request.{step}",
    ),
    (r"paper location", "archives.paper.location"),
    (r"demo data", "registry.demo"),
    (r"benchmark( data)?", "registry.benchmark"),
    (r"new-student registration", "transfers.registration"),
    (r"promotion (?P<year>\S+)", "transfers.promotion"),
    (r"headcount", "students.roll_check.headcount"),
    (r"registered but absent", "students.roll_check.absent"),
    (r"present but unregistered", "students.roll_check.unregistered"),
    (r"discrepancy (?P<step>explained|removed)", "students.roll_check.{step}"),
    (
        r"roll reconciliation (?P<step>started|submitted|signed|returned|received|reopened)",
        "students.roll_check.{step}",
    ),
    (r"archive document (?P<step>added|superseded)", "archives.document.{step}"),
    (r"paper file (?P<step>lent|returned|sent|received)", "archives.paper.{step}"),
    (r"archive access (?P<step>requested|decided)", "archives.access.{step}"),
    (r"(?P<kind>\w+) submitted", "transfers.request.submitted"),
]


def encode(code: str, **params) -> str:
    """The stored form of a reason (see the module's docstring); the code must be registered."""
    if code not in _REASONS:
        raise ValueError(f"unregistered history reason {code!r}")
    if not params:
        return code
    return f"{code} {json.dumps(params, ensure_ascii=False, separators=(',', ':'), default=str)}"


def stored(reason, **params):
    """What `acting_as` stores: a registered code encoded with its parameters; any other text as it is."""
    if reason is None or reason not in _REASONS:
        return reason
    return encode(reason, **params)


def _decode(stored: str):
    code, _space, params = stored.partition(" ")
    if code in _REASONS:
        try:
            return code, json.loads(params) if params else {}
        except ValueError:
            return None
    for pattern, code in _LEGACY:
        if match := re.fullmatch(pattern, stored):
            params = match.groupdict()
            return code.format(step=params.pop("step", "")), params
    return None


def render(stored: str) -> str:
    """A stored reason in the current language ("" for none; text that is neither a code nor a known old
    phrase — typed by a person, say — is shown as it is)."""
    if not stored:
        return ""
    decoded = _decode(stored)
    if decoded is None or decoded[0] not in _REASONS:
        return stored
    code, params = decoded
    if code == "transfers.request.submitted":
        params = {**params, "kind": _kind_label(params.get("kind", ""))}
    try:
        return str(_REASONS[code]).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(_REASONS[code])


# What an app above audit calls a parameter's value in words ({"kind": code -> label}); audit imports no domain
# app (DESIGN §2), so the app that owns the codes registers their labels (transfers: the change kinds).
PARAMETER_LABELS = {}


def _kind_label(kind):
    label = PARAMETER_LABELS.get("kind")
    return label(kind) if label is not None else kind
