"""Forms that start a status change (学籍异动). Each turns what the registrar typed into the request's
payload and its evidence; the kind (transfers.kinds) then checks the domain rules. Uploads are checked by
content (transfers.uploads) and a form keeps everything typed when something is wrong."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from students.codes import Ethnicity, Sex
from students.identity import mask_national_number, normalise_id_number, parse_id_number
from transfers.forms import DATE_INPUT, RegistrationForm
from transfers.kinds.leaving import WITHDRAWAL_REASONS
from transfers.kinds.rules import in_transfer_window
from transfers.models import Evidence
from transfers.uploads import check_evidence

EXCEPTION_HELP = _(
    "Needed only outside the semester's transfer windows: why the transfer cannot wait. The town office "
    "decides on the exception with the request."
)


REASON = _("Reason")


def _reason_field(label=REASON):
    return forms.CharField(label=label, max_length=300, widget=forms.Textarea({"rows": 2}))


class ChangeForm(forms.Form):
    """Base: subclasses declare their fields, `evidence_fields` ({field name: Evidence kind}) and
    `payload()`. Every evidence upload is content-checked in `clean`."""

    evidence_fields: dict = {}

    def clean(self):
        data = super().clean()
        self.checked = {}
        for name in self.evidence_fields:
            upload = data.get(name)
            if upload:
                try:
                    self.checked[name] = check_evidence(upload)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def evidence(self):
        return [
            (kind, self.cleaned_data[name], self.checked[name])
            for name, kind in self.evidence_fields.items()
            if self.cleaned_data.get(name) and name in self.checked
        ]

    def payload(self) -> dict:
        raise NotImplementedError


def _evidence_field(label, required=True):
    return forms.FileField(label=label, required=required, help_text=_("PDF, JPEG or PNG, at most 10 MB."))


class _ClassChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class TransferInForm(ChangeForm):
    """转入: the receiving class (same grade as now), the reason, and the exception reason outside windows."""

    school_class = _ClassChoice(label=_("Receiving class"), queryset=None)
    reason = _reason_field()
    exception_reason = forms.CharField(
        label=_("Reason for an exception"), max_length=300, required=False, help_text=EXCEPTION_HELP
    )
    proof = _evidence_field(_("Proof of the reason: household register, property certificate or job proof"), False)
    evidence_fields = {"proof": Evidence.Kind.HOUSEHOLD_PROOF}

    def __init__(self, *args, school, grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = school.classes.filter(grade=grade).order_by("number")
        self.outside_window = not in_transfer_window(timezone.localdate())

    def payload(self):
        data = self.cleaned_data
        return {
            "school_class": data["school_class"].pk,
            "grade": data["school_class"].grade,
            "reason": data["reason"],
            "exception_reason": data["exception_reason"],
        }


class TransferOutExternalForm(ChangeForm):
    """转出 to a school outside the system, with the receiving side's stamped four-copy form."""

    destination_school = forms.CharField(label=_("School transferring to"), max_length=100)
    destination_authority = forms.CharField(label=_("Its education bureau"), max_length=100)
    reason = _reason_field()
    exception_reason = forms.CharField(
        label=_("Reason for an exception"), max_length=300, required=False, help_text=EXCEPTION_HELP
    )
    transfer_form_scan = _evidence_field(_("Stamped four-copy transfer form (scan)"))
    evidence_fields = {"transfer_form_scan": Evidence.Kind.TRANSFER_FORM_SCAN}

    def payload(self):
        data = self.cleaned_data
        return {key: data[key] for key in ("destination_school", "destination_authority", "reason", "exception_reason")}


class TransferInExternalForm(RegistrationForm):
    """转入 from outside the system: the new pupil's basic information, the national number they already
    have, where they come from, and the stamped four-copy form."""

    transfer_national_number = forms.CharField(
        label=_("National student number (学籍号)"), max_length=19,
        help_text=_("From the four-copy form: a letter G, J or L and 18 characters."),
    )  # fmt: skip
    origin_school = forms.CharField(label=_("School coming from"), max_length=100)
    origin_authority = forms.CharField(label=_("Its education bureau"), max_length=100)
    transfer_reason = _reason_field(_("Reason for the transfer"))
    transfer_form_scan = _evidence_field(_("Stamped four-copy transfer form (scan)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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

    def evidence(self):
        found = super().evidence()
        if getattr(self, "scan_check", None):
            found.append((Evidence.Kind.TRANSFER_FORM_SCAN, self.cleaned_data["transfer_form_scan"], self.scan_check))
        return found

    def payload(self):
        data = self.cleaned_data
        return {
            "national_number": data["transfer_national_number"],
            "origin_school": data["origin_school"],
            "origin_authority": data["origin_authority"],
            "reason": data["transfer_reason"],
        }


class GuestStudyForm(ChangeForm):
    """借读 at this school: the class the pupil joins, until when, why, and the household or job proof."""

    school_class = _ClassChoice(label=_("Class"), queryset=None)
    ends_on = forms.DateField(label=_("Planned end"), required=False, widget=DATE_INPUT)
    reason = _reason_field()
    proof = _evidence_field(_("Household register or proof of the parent's job here"))
    evidence_fields = {"proof": Evidence.Kind.HOUSEHOLD_PROOF}

    def __init__(self, *args, school, grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = school.classes.filter(grade=grade).order_by("number")

    def payload(self):
        data = self.cleaned_data
        return {
            "school_class": data["school_class"].pk,
            "grade": data["school_class"].grade,
            "ends_on": data["ends_on"].isoformat() if data["ends_on"] else "",
            "reason": data["reason"],
        }


class SuspensionForm(ChangeForm):
    """休学 (or its extension): dates, reason, the hospital certificate."""

    starts_on = forms.DateField(label=_("First day of the suspension"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Planned last day"), widget=DATE_INPUT, help_text=_("At most one year."))
    reason = _reason_field()
    exception_reason = forms.CharField(
        label=_("Reason for an exception"), max_length=300, required=False,
        help_text=_("Needed only when consecutive suspension would pass two years."),
    )  # fmt: skip
    medical_certificate = _evidence_field(_("Hospital certificate (county level or above) and case notes"))
    evidence_fields = {"medical_certificate": Evidence.Kind.MEDICAL_CERTIFICATE}

    def __init__(self, *args, suspension=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suspension = suspension
        if suspension is not None:
            self.fields["starts_on"].initial = suspension.started_on
            self.fields["starts_on"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", gettext("The last day must be after the first day."))
        return data

    def payload(self):
        data = self.cleaned_data
        return {
            "starts_on": data["starts_on"].isoformat(),
            "ends_on": data["ends_on"].isoformat(),
            "reason": data["reason"],
            "exception_reason": data["exception_reason"],
            "extends": self.suspension.pk if self.suspension else None,
        }


class ResumptionForm(ChangeForm):
    """复学: the class the pupil returns to, and the recovery certificate."""

    school_class = _ClassChoice(
        label=_("Class"), queryset=None,
        help_text=_("Normally the next cohort: the grade the pupil left, as their classmates have moved up."),
    )  # fmt: skip
    reason = _reason_field(_("Remarks"))
    recovery_certificate = _evidence_field(_("Recovery certificate"))
    evidence_fields = {"recovery_certificate": Evidence.Kind.RECOVERY_CERTIFICATE}

    def __init__(self, *args, spell, **kwargs):
        super().__init__(*args, **kwargs)
        classes = spell.school.classes.filter(grade__in=(spell.grade, spell.grade + 1)).order_by("grade", "number")
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].initial = spell.school_class_id

    def payload(self):
        data = self.cleaned_data
        return {"school_class": data["school_class"].pk, "grade": data["school_class"].grade, "reason": data["reason"]}


class WithdrawalForm(ChangeForm):
    """退学: the reason from the fixed list, the explanation, the guardian's written application."""

    reason_code = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *WITHDRAWAL_REASONS.items()])
    reason = _reason_field(_("Explanation"))
    application = _evidence_field(_("Guardian's written application"))
    evidence_fields = {"application": Evidence.Kind.APPLICATION}

    def payload(self):
        return {"reason_code": self.cleaned_data["reason_code"], "reason": self.cleaned_data["reason"]}


class DeathForm(ChangeForm):
    """死亡: the date and the certificate."""

    died_on = forms.DateField(label=_("Date of death"), widget=DATE_INPUT)
    death_certificate = _evidence_field(_("Death certificate"))
    evidence_fields = {"death_certificate": Evidence.Kind.DEATH_CERTIFICATE}

    def payload(self):
        return {"died_on": self.cleaned_data["died_on"].isoformat()}


class KeyChangeForm(ChangeForm):
    """关键信息变更: the five key fields, pre-filled with today's values; only what differs is requested."""

    name = forms.CharField(label=_("full name"), max_length=50)
    sex = forms.ChoiceField(label=_("sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("birth date"), widget=DATE_INPUT)
    id_number = forms.CharField(label=_("ID number"), max_length=25, required=False)
    ethnicity = forms.ChoiceField(label=_("ethnicity"), choices=Ethnicity.choices)
    reason = _reason_field()
    identity_proof = _evidence_field(_("Household register page or other proof of the new details"))
    evidence_fields = {"identity_proof": Evidence.Kind.IDENTITY_PROOF}

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.student = student
        for field in ("name", "sex", "birth_date", "ethnicity"):
            self.fields[field].initial = getattr(student, field)
        self.fields["id_number"].help_text = _("Leave empty to keep the ID number; enter the new one to change it.")

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data["id_number"])
        if number:
            parse_id_number(number)
        return number

    def changes(self):
        data, student = self.cleaned_data, self.student
        new = {
            "name": data["name"].strip(),
            "sex": data["sex"],
            "birth_date": data["birth_date"].isoformat(),
            "ethnicity": data["ethnicity"],
        }
        if data["id_number"]:
            new["id_number"] = data["id_number"]
        return {field: value for field, value in new.items() if str(getattr(student, field)) != value}

    def payload(self):
        changes = self.changes()
        return {
            "changes": changes,
            "previous": {field: str(getattr(self.student, field)) for field in changes},
            "reason": self.cleaned_data["reason"],
        }


class LookupForm(forms.Form):
    """Find a pupil of another school by ID number or national student number (transfer in, guest study)."""

    number = forms.CharField(
        label=_("ID number or national student number"), max_length=25,
        help_text=_("You will see only the pupil's name, school and grade."),
    )  # fmt: skip


class WithdrawRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why the request is withdrawn"), max_length=300)
