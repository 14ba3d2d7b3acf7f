"""Reading the semester roll reconciliations (学期会审) for the town office and for paper: the overview of
every school of an authority in one semester (a fixed number of queries however many schools), its Excel
export, and the PDF of a signed reconciliation, drawn from the signature's frozen snapshot only — a pupil
transferred after the signature changes nothing on it. Nothing here writes."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.conf import settings
from django.db.models import Count, DateField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from registry import pdf
from students.models import RollCheck, RollCheckClass, RollCheckSignature, RollDiscrepancy
from students.rollcheck.services import snapshot_intact
from students.selectors import on_register

PDF_TEMPLATE = "students/roll_check_pdf.html"
NOT_STARTED = "not_started"
DONE_STATES = (RollCheck.State.SIGNED, RollCheck.State.RECEIVED)


def default_semester(semesters, today=None):
    """Of `semesters` (any order): the one containing today, else the latest that has started, else the
    earliest still to come; None when there are none."""
    today = today or timezone.localdate()
    semesters = sorted(semesters, key=lambda semester: semester.starts_on)
    for semester in semesters:
        if semester.starts_on <= today <= semester.ends_on:
            return semester
    started = [semester for semester in semesters if semester.starts_on <= today]
    return started[-1] if started else (semesters[0] if semesters else None)


def register_day(semester, today=None):
    """The day a school that has not started its reconciliation is counted on: today, within the semester
    (what its check would count if it were started now)."""
    today = today or timezone.localdate()
    return min(max(today, semester.starts_on), semester.ends_on)


# --- the town office's overview ------------------------------------------------------------------------------


@dataclass
class SchoolRow:
    """One school of the overview. `state` is a RollCheck.State or NOT_STARTED; `registered` counts the open
    spells on the check date (on `register_day` when not started); `present` is the sum of the headcounts
    entered so far (None before any); `signed_registered` is the register total the headteacher signed."""

    school: object
    state: str
    check_pk: int | None
    check_date: date | None
    register_day: date
    registered: int
    present: int | None
    discrepancies: int
    signature: object | None = None
    signed_registered: int | None = None

    @property
    def state_label(self):
        return _("Not started") if self.state == NOT_STARTED else RollCheck.State(self.state).label

    @property
    def signed(self):
        return self.state in DONE_STATES and self.signature is not None

    @property
    def changed_since_signing(self):
        """The register as of the check date no longer matches what was signed (a back-dated change)."""
        return self.signed and self.signed_registered is not None and self.signed_registered != self.registered


@dataclass
class Overview:
    rows: list
    registered: int
    present: int
    discrepancies: int
    by_state: dict  # state → number of schools, every state present (0 when none)


def town_overview(schools, semester, today=None) -> Overview:
    """Every school of `schools` (a queryset, already scoped) in `semester`: two queries in all, one for the
    schools with their reconciliation's state, dates and totals as subqueries, one for the valid signatures."""
    checks = RollCheck.objects.filter(school=OuterRef("pk"), semester=semester)
    of_this_check = {"reconciliation__school": OuterRef("pk"), "reconciliation__semester": semester}
    present = (
        RollCheckClass.objects.filter(**of_this_check)
        .order_by()
        .values("reconciliation")
        .annotate(total=Sum("present"))
        .values("total")
    )
    discrepancies = (
        RollDiscrepancy.objects.filter(**of_this_check)
        .order_by()
        .values("reconciliation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    default_day = register_day(semester, today)
    schools = schools.annotate(
        check_pk=Subquery(checks.values("pk")[:1]),
        check_state=Subquery(checks.values("state")[:1]),
        check_day=Subquery(checks.values("check_date")[:1]),
        register_day=Coalesce(Subquery(checks.values("check_date")[:1]), Value(default_day), output_field=DateField()),
        present_total=Subquery(present, output_field=IntegerField()),
        discrepancy_count=Coalesce(Subquery(discrepancies, output_field=IntegerField()), 0),
    ).annotate(
        registered=Coalesce(
            Subquery(
                on_register(OuterRef("pk"), OuterRef("register_day"))
                .order_by()
                .values("school")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    )
    schools = list(schools.order_by("code"))
    signatures = {
        signature.reconciliation_id: signature
        for signature in RollCheckSignature.objects.filter(
            reconciliation__in=[school.check_pk for school in schools if school.check_pk],
            superseded_at__isnull=True,
        )
        .defer("snapshot")
        .annotate(signed_registered=Cast(KT("snapshot__registered"), IntegerField()))
        .select_related("signed_by")
    }
    rows = []
    for school in schools:
        signature = signatures.get(school.check_pk)
        rows.append(
            SchoolRow(
                school=school,
                state=school.check_state or NOT_STARTED,
                check_pk=school.check_pk,
                check_date=school.check_day,
                register_day=school.register_day,
                registered=school.registered,
                present=school.present_total,
                discrepancies=school.discrepancy_count,
                signature=signature,
                signed_registered=signature.signed_registered if signature else None,
            )
        )
    by_state = {NOT_STARTED: 0, **{state: 0 for state in RollCheck.State.values}}
    for row in rows:
        by_state[row.state] += 1
    return Overview(
        rows=rows,
        registered=sum(row.registered for row in rows),
        present=sum(row.present or 0 for row in rows),
        discrepancies=sum(row.discrepancies for row in rows),
        by_state=by_state,
    )


def state_summary(overview):
    """[(label, number of schools)] in the order of the workflow."""
    labels = {NOT_STARTED: _("Not started"), **dict(RollCheck.State.choices)}
    return [(labels[state], number) for state, number in overview.by_state.items()]


def overview_workbook(overview, *, authority, semester, exported_by) -> bytes:
    """The overview as .xlsx bytes: a header block saying whose list it is, which semester, when and who
    exported it, then one row per school and a totals row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Roll reconciliations"))
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append([_("Semester roll reconciliation"), _("town overview")])
    sheet.append([_("Scope"), authority.name])
    sheet.append([_("Semester"), str(semester)])
    sheet.append([_("Exported by"), str(exported_by), _("Exported at"), now])
    sheet.append([])
    sheet.append(
        [_("school code"), _("school"), _("state"), _("check date"), _("registered"), _("present"),
         _("discrepancies"), _("signed by"), _("signed at")]
    )  # fmt: skip
    for row in overview.rows:
        signature = row.signature
        sheet.append(
            [
                row.school.code,
                row.school.name,
                str(row.state_label),
                row.check_date or row.register_day,
                row.registered,
                row.present,
                row.discrepancies,
                str(signature.signed_by) if signature else "",
                timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M") if signature else "",
            ]
        )
    sheet.append(
        [_("Total"), len(overview.rows), "", "", overview.registered, overview.present, overview.discrepancies]
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the signed reconciliation on paper --------------------------------------------------------------------


def _numbered(found):
    """A discrepancy's name, with the pupil's school number (学号) when the snapshot holds one."""
    number = found.get("school_number")
    return f"{found['name']}（{number}）" if number else found["name"]


def signed_pdf_context(signature, *, printed_by):
    """What the PDF shows, all of it from the signature's snapshot (plus who signed, when, and the hash)."""
    snapshot = signature.snapshot
    classes, discrepancies = [], []
    kinds = (("absent", RollDiscrepancy.Kind.ABSENT.label), ("unregistered", RollDiscrepancy.Kind.UNREGISTERED.label))
    for entry in snapshot["classes"]:
        classes.append({
            "name": entry["class"],
            "registered": entry["registered"],
            "present": entry["present"],
            "absent": [_numbered(found) for found in entry["absent"]],
            "unregistered": [found["name"] for found in entry["unregistered"]],
        })  # fmt: skip
        for key, label in kinds:
            for found in entry[key]:
                discrepancies.append({"class": entry["class"], "kind": label, **found})
    return {
        "snapshot": snapshot,
        "check_date": date.fromisoformat(snapshot["check_date"]),
        "classes": classes,
        "discrepancies": discrepancies,
        "totals": {
            "registered": snapshot["registered"],
            "present": snapshot["present"],
            "absent": sum(len(entry["absent"]) for entry in classes),
            "unregistered": sum(len(entry["unregistered"]) for entry in classes),
        },
        "signature": signature,
        "snapshot_intact": snapshot_intact(signature),
        "signer": str(signature.signed_by),
        "printed_by": str(printed_by),
        "printed_at": timezone.now(),
    }


def signed_pdf(signature, *, printed_by) -> bytes:
    """The PDF of a signed reconciliation, in the site's language (an official paper)."""
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.render_pdf(PDF_TEMPLATE, signed_pdf_context(signature, printed_by=printed_by))


def signed_pdf_document(signature, *, printed_by):
    """The laid-out WeasyPrint Document (for counting pages)."""
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.layout(PDF_TEMPLATE, signed_pdf_context(signature, printed_by=printed_by))
