"""The pages of the families' confirmation forms: a class's forms for a semester (who returned what, the
print), the print's progress and download, and the registrar's record of one family's return. Thin: the
class or pupil is found among those the user sees (another school's is a 404), the capability is checked
at its school, one service is called."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.family_confirmations import scans, services
from archives.family_confirmations.forms import ClassScanForm, ReturnForm
from archives.family_confirmations.models import ClassScan, ConfirmationPrint, FamilyConfirmation
from archives.printing.services import class_pupils
from registry.models import Semester
from registry.scoping import classes_visible_to, schools_visible_to
from students.selectors import students_visible_to
from transfers.kinds import ChangeRefused


def _semester(request):
    """The semester asked for (`semester` in the query or form), else the current one."""
    pk = request.POST.get("semester") or request.GET.get("semester")
    if pk:
        return get_object_or_404(Semester, pk=pk) if str(pk).isdigit() else None
    semester = Semester.as_of(timezone.localdate())
    if semester is None:
        raise Http404
    return semester


def _class_page(school_class, semester):
    url = reverse("class_confirmations", args=[school_class.school.code, school_class.pk])
    return f"{url}?semester={semester.pk}"


def _managed_class(request, code, pk):
    school_class = get_object_or_404(
        classes_visible_to(request.user).select_related("school"), school__code=code, pk=pk
    )
    if not services.can_manage(request.user, school_class.school):
        raise PermissionDenied
    return school_class


@login_required
def class_confirmations(request, code, pk):
    """The class's pupils with the family's return for the semester, the counts, and the print."""
    school_class = _managed_class(request, code, pk)
    semester = _semester(request) or Semester.as_of(timezone.localdate())
    pupils = list(class_pupils(school_class))
    returns = {
        confirmation.student_id: confirmation
        for confirmation in FamilyConfirmation.objects.filter(semester=semester, student__in=pupils).select_related(
            "change_request", "recorded_by"
        )
    }
    for pupil in pupils:
        pupil.confirmation = returns.get(pupil.pk)
    _total, by_class = services.tally(school_class.school, semester)
    context = {
        "school_class": school_class,
        "school": school_class.school,
        "semester": semester,
        "semesters": Semester.objects.order_by("-starts_on")[:6],
        "pupils": pupils,
        "counts": by_class.get(school_class.pk, {"confirmed": 0, "corrected": 0, "outstanding": 0, "pupils": 0}),
        "prints": ConfirmationPrint.objects.filter(school_class=school_class, semester=semester)[:5],
        "scan_form": ClassScanForm(),
    }
    scan = ClassScan.objects.filter(school_class=school_class, semester=semester, pk=_number(request.GET.get("scan")))
    if scan.exists():
        context["scan"] = scan.get()
        context["scan_pages"] = scans.preview(context["scan"])
    return render(request, "archives/family_confirmations/class.html", context)


def _number(value):
    return int(value) if str(value or "").isdigit() else None


@login_required
@require_POST
def class_scan_new(request, code, pk):
    """Keep the class's scan of signed forms and show which page goes to which pupil."""
    school_class = _managed_class(request, code, pk)
    semester = _semester(request)
    if semester is None:
        raise Http404
    form = ClassScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the PDF of the class's signed forms."))
        return redirect(_class_page(school_class, semester))
    try:
        scan = scans.upload_class_scan(school_class, semester, actor=request.user, upload=form.cleaned_data["scan"])
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_class_page(school_class, semester))
    return redirect(f"{_class_page(school_class, semester)}&scan={scan.pk}#scan-preview")


def _scan(request, pk):
    visible = ClassScan.objects.filter(school_class__in=classes_visible_to(request.user).values("pk"))
    scan = get_object_or_404(visible.select_related("school_class__school", "semester"), pk=pk)
    if not services.can_manage(request.user, scan.school_class.school):
        raise PermissionDenied
    return scan


@login_required
def class_scan_page(request, pk, page):
    """One page of a class's scan, as a download, to check it is the pupil's."""
    scan = _scan(request, pk)
    try:
        upload = scans.page_upload(scan, page, name=f"confirmation-scan-{scan.pk}-{page}")
    except ChangeRefused as refusal:
        raise Http404 from refusal
    return FileResponse(upload, as_attachment=True, filename=upload.name, content_type="application/pdf")


@login_required
@require_POST
def print_new(request, code, pk):
    """Queue the class's forms for the semester; the print's page follows its progress."""
    school_class = _managed_class(request, code, pk)
    semester = _semester(request)
    if semester is None:
        raise Http404
    try:
        job = services.start_print(request.user, school_class=school_class, semester=semester)
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_class_page(school_class, semester))
    return redirect("confirmation_print", job.pk)


def _print(request, pk, **conditions):
    visible = ConfirmationPrint.objects.filter(school__in=schools_visible_to(request.user).values("pk"))
    job = get_object_or_404(visible.select_related("school", "school_class", "semester"), pk=pk, **conditions)
    if not services.can_manage(request.user, job.school):
        raise PermissionDenied
    return job


@login_required
def print_detail(request, pk):
    """The print's progress in pupils (polled by htmx while it runs), then the download."""
    job = _print(request, pk)
    services.requeue_if_stuck(job)
    context = {"job": job, "percent": services.progress_percent(job)}
    if request.htmx:
        return render(request, "archives/family_confirmations/partials/print_progress.html", context)
    return render(request, "archives/family_confirmations/print.html", context)


@login_required
def print_download(request, pk):
    job = _print(request, pk)
    if job.state != ConfirmationPrint.State.READY or not services.PRINTS.has_file(job):
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"confirmation-forms-{job.pk:06d}.pdf",
                        content_type="application/pdf")  # fmt: skip


@login_required
def record_return(request, pk):
    """Record the family's signed form: confirmed, or the corrections it asks (an information change with
    the scan as evidence); the scan goes into the pupil's archive."""
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spell = services.current_spell(student)  # with school and class
    if spell is None or not services.can_manage(request.user, spell.school):
        raise PermissionDenied
    semester = _semester(request)
    if semester is None:
        raise Http404
    earlier = FamilyConfirmation.objects.filter(student=student, semester=semester).first()
    guardians = list(student.guardians.order_by("pk"))
    scan, page = _scan_page(request, spell, semester)
    form = ReturnForm(request.POST or None, request.FILES or None, guardians=guardians, scan_page=page)
    if request.method == "POST" and earlier is None and form.is_valid():
        data = form.cleaned_data
        try:
            upload = data["scan"] or scans.page_upload(scan, page, name=f"confirmation-{student.pk}")
            confirmation = services.record_return(
                student, actor=request.user, semester=semester, scan=upload, changes=data["changes"],
                guardians=data["guardians"],
            )  # fmt: skip
        except ChangeRefused as refusal:
            form.add_error(getattr(refusal, "field", None) if _is_form_field(form, refusal) else None, str(refusal))
        else:
            messages.success(request, _success(confirmation))
            back = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect(_class_page(spell.school_class, semester))
    context = {
        "student": student,
        "spell": spell,
        "semester": semester,
        "earlier": earlier,
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "scan": scan,
        "page": page,
    }
    return render(request, "archives/family_confirmations/return.html", context)


def _scan_page(request, spell, semester):
    """(the class's scan, the page number) when the return takes its page from a scan of the pupil's class
    for the semester, else (None, None)."""
    scan_pk = _number(request.POST.get("class_scan") or request.GET.get("class_scan"))
    page = _number(request.POST.get("page") or request.GET.get("page"))
    if scan_pk is None or page is None:
        return None, None
    scan = ClassScan.objects.filter(pk=scan_pk, school_class=spell.school_class_id, semester=semester).first()
    if scan is None or not 1 <= page <= scan.pages:
        return None, None
    return scan, page


def _is_form_field(form, refusal):
    return getattr(refusal, "field", None) in form.fields


def _success(confirmation):
    if confirmation.outcome == FamilyConfirmation.Outcome.CONFIRMED:
        return _("The form of %(pupil)s was recorded as confirmed and filed in the archive.") % {
            "pupil": confirmation.student.name
        }
    if confirmation.change_request_id:
        return _("The corrections of %(pupil)s were sent to the town office as request #%(request)s.") % {
            "pupil": confirmation.student.name, "request": confirmation.change_request_id,
        }  # fmt: skip
    return _("The corrections of %(pupil)s were applied to the record.") % {"pupil": confirmation.student.name}
