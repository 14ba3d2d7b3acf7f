"""Forms of the change-request pages. They validate and say what is wrong and where; they do not act."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from students.identity import mask_id_number, mask_phone, normalise_id_number, parse_id_number
from students.models import Guardian, Student
from students.spreadsheet import MAX_UPLOAD_BYTES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class KeepsPersonalNumbers:
    """On the edit form of a saved record (a returned registration), the ID number and the phone are never
    sent back in full (DESIGN §4, 个人信息保护法 第二十八条): their inputs start empty, the help text shows the
    masked value, and an input left empty keeps the saved number."""

    personal_numbers = {"id_number": mask_id_number, "phone": mask_phone}
    # An ID number pasted from Word or WeChat may carry spaces and full-width digits around its 18 characters:
    # the input takes them all (a browser cuts what passes `maxlength` before anyone can clean it) and
    # clean_id_number normalises them; the record's own 18-character limit is checked after.
    PASTED_ID_NUMBER_LENGTH = 40

    def _hide_personal_numbers(self):
        if "id_number" in self.fields:
            field = self.fields["id_number"]
            field.max_length = self.PASTED_ID_NUMBER_LENGTH
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLengthValidator(self.PASTED_ID_NUMBER_LENGTH))
            field.widget.attrs["maxlength"] = str(self.PASTED_ID_NUMBER_LENGTH)
        self.kept = {}
        if not self.instance.pk:
            return
        for name, mask in self.personal_numbers.items():
            saved = getattr(self.instance, name, "")
            if not saved or name not in self.fields:
                continue
            self.kept[name] = saved
            self.initial[name] = ""
            self.fields[name].required = False
            self.fields[name].help_text = gettext(
                "Now %(masked)s. Leave empty to keep it; enter a new one to change it."
            ) % {"masked": mask(saved)}

    def clean_phone(self):
        return self.cleaned_data["phone"].strip() or self.kept.get("phone", "")


class GuardianForm(KeepsPersonalNumbers, forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["name", "relation", "id_number", "phone", "employer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hide_personal_numbers()

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data["id_number"]) or self.kept.get("id_number", "")
        if number:
            parse_id_number(number)
        return number


class BaseGuardianFormSet(BaseInlineFormSet):
    default_error_messages = {"too_few_forms": _("Fill in at least two family members or guardians.")}


GuardianFormSet = inlineformset_factory(
    Student, Guardian, form=GuardianForm, formset=BaseGuardianFormSet, extra=0, min_num=2, validate_min=True,
    can_delete=False,
)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Opinion"), max_length=500, required=False, widget=forms.Textarea({"rows": 2}))


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"), max_length=500, widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("Give the reason for the rejection; the school sees it.")},
    )  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in import template (.xlsx)"),
        error_messages={"required": _("Choose the filled-in template to upload.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(size)d MB; split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class LookupForm(forms.Form):
    """Find a pupil of another school by ID number or national student number (transfer in, guest study)."""

    number = forms.CharField(
        label=_("ID number or national student number"), max_length=25,
        help_text=_("You will see only the pupil's name, school and grade."),
    )  # fmt: skip


class WithdrawRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why the request is withdrawn"), max_length=300)
