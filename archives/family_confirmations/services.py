"""Every change of the families' confirmation forms (学籍基础信息确认表): print a class's forms (a render job,
a few pupils at a time, so its page shows the progress) and record a family's return — confirmed as is, or with
corrections that go through the information change (transfers.information: applied directly or sent for
approval as the town's list says) with the scanned form as evidence; either way the scan is filed in the
pupil's archive. Each checks the capability at the school, runs in a transaction, writes history and an
audit event."""

import logging
import tempfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archives.family_confirmations import events
from archives.family_confirmations.models import ConfirmationPrint, FamilyConfirmation
from archives.family_confirmations.paper import pupil_form
from archives.models import ArchiveDocument
from archives.printing.services import class_pupils
from archives.services import ArchiveRefused, add_document, ensure_archive
from audit.history import acting_as
from registry import pdf
from registry.render_jobs import RenderJobs
from registry.scoping import can
from students.models import EnrolmentSpell, Guardian, Student
from transfers.uploads import check_evidence

logger = logging.getLogger(__name__)


def can_manage(user, school) -> bool:
    return can(user, "family_confirmation.manage", school)


# --- printing ---------------------------------------------------------------------------------------------


def start_print(user, *, school_class, semester):
    """Queue the confirmation forms of the class's pupils on its register (after the transaction commits)."""
    if not can_manage(user, school_class.school):
        raise PermissionDenied
    total = class_pupils(school_class).count()
    if not total:
        raise ArchiveRefused(_("%(class)s has no pupils on its register.") % {"class": school_class})
    with transaction.atomic():
        job = ConfirmationPrint.objects.create(
            school=school_class.school, school_class=school_class, semester=semester, requested_by=user, total=total
        )
        PRINTS.queue_after_commit(job.pk)
    return job


def progress_percent(job) -> int:
    if job.state == ConfirmationPrint.State.READY:
        return 100
    return min(int(100 * job.done / job.total), 99) if job.total else 0


def file_name(job):
    return f"confirmations/{job.created_at:%Y}/confirmation-forms-{job.pk:06d}.pdf"


PUPILS_PER_PART = 8  # pupils laid out in one WeasyPrint document: the progress steps, fonts embedded once each


def _part_pdf(job, pupils, printed_at):
    forms = [pupil_form(student, school_class=job.school_class, semester=job.semester) for student in pupils]
    context = {"forms": forms, "printed_at": printed_at, "school": job.school}
    return pdf.layout_html(render_to_string("archives/print/confirmation_form.html", context)).write_pdf()


class ConfirmationRenders(RenderJobs):
    """Confirmation-form prints as render jobs: the pupils are laid out a few at a time (PUPILS_PER_PART; `done`
    counts up for the progress bar, and each font is embedded once per part rather than once per pupil), then
    pypdf merges the parts; the first run to finish marks the job ready and writes the audit event, so a re-run
    rewrites the same file and nothing else."""

    model = ConfirmationPrint
    task_name = "archives.tasks.render_confirmation_print_task"
    waiting_states = (ConfirmationPrint.State.QUEUED,)

    def fetch(self, pk):
        return ConfirmationPrint.objects.select_related("requested_by", "school", "school_class", "semester").get(pk=pk)

    def produce(self, job):
        from pypdf import PdfWriter

        ConfirmationPrint.objects.filter(pk=job.pk).exclude(state=ConfirmationPrint.State.READY).update(
            state=ConfirmationPrint.State.RENDERING, done=0
        )
        try:
            pupils = list(
                class_pupils(job.school_class).prefetch_related(
                    Prefetch("guardians", queryset=Guardian.objects.order_by("pk"))
                )
            )
            ConfirmationPrint.objects.filter(pk=job.pk).update(total=len(pupils))
            printed_at = timezone.localtime(job.created_at).strftime("%Y-%m-%d")
            writer = PdfWriter()
            with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryDirectory() as folder:
                for start in range(0, len(pupils), PUPILS_PER_PART):
                    part = Path(folder) / f"{start:04d}.pdf"
                    part.write_bytes(_part_pdf(job, pupils[start : start + PUPILS_PER_PART], printed_at))
                    writer.append(part)
                    done = min(start + PUPILS_PER_PART, len(pupils))
                    ConfirmationPrint.objects.filter(pk=job.pk).update(done=done)
                out = BytesIO()
                writer.write(out)
            name = file_name(job)
            pdf.write_replacing(ConfirmationPrint._meta.get_field("file").storage, name, out.getvalue())
            self._finish(job, name, pages=len(writer.pages), pupils=len(pupils))
        except Exception:
            ConfirmationPrint.objects.filter(pk=job.pk, finished_at__isnull=True).update(
                state=ConfirmationPrint.State.FAILED
            )
            logger.exception("confirmation forms print %s failed", job.pk)
            raise

    @staticmethod
    def _finish(job, name, *, pages, pupils):
        first = ConfirmationPrint.objects.filter(pk=job.pk, finished_at__isnull=True).update(
            state=ConfirmationPrint.State.READY, file=name, pages=pages, done=pupils, total=pupils,
            finished_at=timezone.now(),
        )  # fmt: skip
        if not first:
            ConfirmationPrint.objects.filter(pk=job.pk).update(state=ConfirmationPrint.State.READY, file=name)
            return
        job.pages = pages
        events.forms_printed(job, pupils=pupils)

    def progress(self, job) -> int:
        return progress_percent(job)


PRINTS = ConfirmationRenders()
render_confirmation_print = PRINTS.render
requeue_if_stuck = PRINTS.requeue_if_stuck


# --- returns ----------------------------------------------------------------------------------------------


def current_spell(student):
    """The pupil's open enrolment spell (their school and class now), or None."""
    spells = EnrolmentSpell.objects.select_related("school", "school_class")
    return spells.filter(student=student, ended_on__isnull=True).first()


def record_return(student, *, actor, semester, scan, changes=None, guardians=()):
    """Record the family's signed form for `semester`: confirmed as is (no `changes` nor `guardians`), or
    with corrections, which open the information change with the scan as its evidence. The scan is filed in
    the pupil's archive either way. All or nothing; one return per pupil and semester."""
    changes, guardians = dict(changes or {}), list(guardians)
    spell = current_spell(student)
    if spell is None or not can_manage(actor, spell.school):
        raise PermissionDenied
    try:
        checked = check_evidence(scan)
    except ValidationError as error:
        raise ArchiveRefused(" ".join(error.messages)) from error
    corrected = bool(changes or guardians)
    try:
        with transaction.atomic(), acting_as(actor, reason="archives.family_confirmation.returned"):
            earlier = FamilyConfirmation.objects.filter(student=student, semester=semester).first()
            if earlier is not None:
                raise ArchiveRefused(
                    _("The form of %(pupil)s for %(semester)s was already recorded by %(who)s.")
                    % {"pupil": student.name, "semester": semester, "who": earlier.recorded_by}
                )
            request = _correct(student, actor, semester, scan, changes, guardians) if corrected else None
            scan.seek(0)
            document = add_document(
                ensure_archive(student), actor=actor, type=ArchiveDocument.Type.FAMILY_CONFIRMATION,
                title=_("Family confirmation form, %(semester)s") % {"semester": semester},
                document_date=timezone.localdate(), upload=scan, checked=checked,
            )  # fmt: skip
            confirmation = FamilyConfirmation.objects.create(
                student=student, school=spell.school, school_class=spell.school_class, semester=semester,
                outcome=FamilyConfirmation.Outcome.CORRECTED if corrected else FamilyConfirmation.Outcome.CONFIRMED,
                corrections=correction_labels(changes, guardians),
                change_request=request, document=document, recorded_by=actor,
            )  # fmt: skip
            events.returned(confirmation, actor=actor)
    except IntegrityError as clash:  # another click recorded it in between
        raise ArchiveRefused(_("The form of %(pupil)s was already recorded.") % {"pupil": student.name}) from clash
    return confirmation


def _correct(student, actor, semester, scan, changes, guardians):
    """The corrections through the information change (applied, or one request for the town office)."""
    from transfers.information.services import change_information

    outcome = change_information(
        student, actor=actor, changes=changes, guardians=guardians, evidence=scan,
        reason=_("Correction asked on the family confirmation form (学籍基础信息确认表) of %(semester)s")
        % {"semester": semester},
    )  # fmt: skip
    if outcome.nothing_changed:
        raise ArchiveRefused(_("The corrections are the same as the record; record the form as confirmed."))
    return outcome.request


def correction_labels(changes, guardians):
    """What the family asked to correct, as field names in the site's language (the values stay in the
    record's history and the request, where numbers are masked)."""
    labels = [str(Student._meta.get_field(name).verbose_name) for name in changes]
    for entry in guardians:
        for name in entry.get("changes", {}):
            labels.append(f"{_('Guardian')}: {Guardian._meta.get_field(name).verbose_name}")
    return labels


# --- figures ----------------------------------------------------------------------------------------------


def tally(school, semester):
    """({confirmed, corrected, outstanding, pupils} of the school's pupils on the register now, {class pk: the
    same for the class}), in two queries."""
    spells = list(
        EnrolmentSpell.objects.filter(school=school, ended_on__isnull=True).values_list("student", "school_class")
    )
    outcomes = dict(
        FamilyConfirmation.objects.filter(
            semester=semester, student__in=[student for student, _class in spells]
        ).values_list("student", "outcome")
    )
    total, by_class = _counts(), {}
    for student, school_class in spells:
        for counts in (total, by_class.setdefault(school_class, _counts())):
            counts["pupils"] += 1
            counts[outcomes.get(student, "outstanding")] += 1
    return total, by_class


def _counts():
    return {"confirmed": 0, "corrected": 0, "outstanding": 0, "pupils": 0}
