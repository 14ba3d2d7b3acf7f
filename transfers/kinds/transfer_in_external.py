"""转入 from outside the system: a pupil coming from a school outside it keeps the national number they
already have (DOMAIN Status changes; 校制度 第十一条)."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from students.identity import mask_national_number
from students.models import EnrolmentSpell, Student
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import evidence_field, reason_field
from transfers.kinds.registration import RegistrationForm
from transfers.kinds.transfer import transfer_details
from transfers.models import Evidence
from transfers.uploads import check_evidence


@dataclass
class TransferInExternalPayload(Payload):
    school_class: int | None = None  # id, looked up again on approval
    grade: int | None = None
    national_number: str = ""
    origin_school: str = ""
    origin_authority: str = ""
    reason: str = ""
    exception_reason: str = ""


class TransferInExternalForm(RegistrationForm):
    """转入 from outside the system: the new pupil's basic information, the national number they already
    have, where they come from, and the stamped four-copy form (kept when a returned request is amended)."""

    transfer_national_number = forms.CharField(
        label=_("National student number (学籍号)"), max_length=19,
        help_text=_("From the four-copy form: a letter G, J or L and 18 characters."),
    )  # fmt: skip
    origin_school = forms.CharField(label=_("School coming from"), max_length=100)
    origin_authority = forms.CharField(label=_("Its education bureau"), max_length=100)
    transfer_reason = reason_field(_("Reason for the transfer"))
    transfer_form_scan = evidence_field(_("Stamped four-copy transfer form (scan)"))

    def __init__(self, *args, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        if amending:
            self.fields["transfer_form_scan"].required = False
        saved = self.initial.get("transfer_national_number")
        if self.instance.pk and saved:  # amending: the number is kept, never sent back in full
            self.kept["transfer_national_number"] = saved
            self.initial["transfer_national_number"] = ""
            field = self.fields["transfer_national_number"]
            field.required = False
            field.help_text = gettext("Now %(masked)s. Leave empty to keep it; enter a new one to change it.") % {
                "masked": mask_national_number(saved)
            }

    def clean_transfer_national_number(self):
        number = self.cleaned_data["transfer_national_number"].strip().upper()
        return number or self.kept.get("transfer_national_number", "")

    def clean_transfer_form_scan(self):
        scan = self.cleaned_data.get("transfer_form_scan")
        if scan:
            self.scan_check = check_evidence(scan)
        return scan

    def _check_with_kind(self, data, school_class):
        """The grade-1 age rule is the registration's; a pupil transferring in is already at school."""

    def evidence(self):
        found = super().evidence()
        if getattr(self, "scan_check", None):
            found.append((Evidence.Kind.TRANSFER_FORM_SCAN, self.cleaned_data["transfer_form_scan"], self.scan_check))
        return found

    def payload(self):
        data = self.cleaned_data
        return TransferInExternalPayload(
            school_class=data["school_class"].pk, grade=data["school_class"].grade,
            national_number=data["transfer_national_number"], origin_school=data["origin_school"],
            origin_authority=data["origin_authority"], reason=data["transfer_reason"],
        )  # fmt: skip


@register
class TransferInExternal(ChangeKind):
    """A pupil coming from a school outside the system: the receiving school enters the pupil's basic
    information with the national number they already have and the stamped four-copy form; its town office
    approves. Effect: the pupil keeps that national number and is enrolled in the chosen class."""

    code = "transfer_in_external"
    change_type_code = "22"
    label = _("Transfer in from outside the system")
    position = 30
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.TRANSFER_FORM_SCAN,)
    Payload = TransferInExternalPayload
    starts_from = "new_pupil"
    form_class = TransferInExternalForm
    creates_pupil = True

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        payload = self.data(request)
        number = payload.national_number
        if not number or number[0] not in "GJL" or len(number) != 19:
            raise ChangeRefused(
                gettext("Enter the pupil's national student number: a letter G, J or L and 18 characters.")
            )
        if Student.objects.filter(national_number=number).exclude(pk=request.student_id).exists():
            raise ChangeRefused(
                gettext("The national student number %(number)s is already in use.") % {"number": number}
            )
        if request.student.pk and request.student.spells.filter(ended_on__isnull=True).exists():
            raise ChangeRefused(gettext("This pupil is already on a school's register."))
        rules.refuse_full_class(rules.school_class(payload.school_class, request.school))
        rules.refuse_outside_window(payload.exception_reason, request.submitted_at)

    def apply(self, request, *, actor):
        student = request.student
        student.national_number = self.data(request).national_number
        student.save(update_fields=["national_number"])
        school_class = rules.school_class(self.data(request).school_class, request.school)
        EnrolmentSpell.objects.create(
            student=student, school=request.school, school_class=school_class, grade=school_class.grade,
            started_on=timezone.localdate(), entry_reason=EnrolmentSpell.EntryReason.TRANSFER_IN,
        )  # fmt: skip

    def details(self, request):
        payload = self.data(request)
        return [
            (gettext("Coming from"), payload.origin_school),
            (gettext("Its education bureau"), payload.origin_authority),
            (gettext("National student number"), payload.national_number),
            *transfer_details(payload),
        ]

    def form_kwargs(self, *, school=None, **context):
        return {"school": school}

    def amend_initial(self, request):
        payload = self.data(request)
        return {"school_class": payload.school_class, "transfer_national_number": payload.national_number,
                "transfer_reason": payload.reason, "origin_school": payload.origin_school,
                "origin_authority": payload.origin_authority}  # fmt: skip
