"""Forms of the change-request pages. They validate and say what is wrong and where; they do not act."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from students.codes import IdType
from students.identity import mask_id_number, mask_phone, normalise_id_number, parse_id_number
from students.models import Guardian, Student
from students.spreadsheet import MAX_UPLOAD_BYTES
from transfers.models import Evidence
from transfers.selectors import id_number_holder, possible_duplicates
from transfers.transfer_forms import normalise_verification_code
from transfers.uploads import check_evidence

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class KeepsPersonalNumbers:
    """On the edit form of a saved record (a returned registration), the ID number and the phone are never
    sent back in full (DESIGN §4, 个人信息保护法 第二十八条): their inputs start empty, the help text shows the
    masked value, and an input left empty keeps the saved number."""

    personal_numbers = {"id_number": mask_id_number, "phone": mask_phone}

    def _hide_personal_numbers(self):
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


class RegistrationForm(KeepsPersonalNumbers, forms.ModelForm):
    """The 学生基本信息表 of a new pupil, with the class they enter. Checks the ID number (GB 11643), its
    agreement with birth date and sex, the grade-1 age rule and the duplicate rules (DOMAIN Registration)."""

    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None)
    commitment_letter = forms.FileField(
        label=_("Parents' signed commitment letter (承诺书), for a grade 1 child under 6 (PDF, JPEG or PNG)"),
        required=False,
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is not the same child as the pupil named above"), required=False
    )

    class Meta:
        model = Student
        fields = [
            "name", "former_name", "sex", "birth_date", "id_type", "id_number", "ethnicity", "nationality",
            "overseas_status", "birthplace", "native_place", "household_place", "household_type", "home_address",
            "phone", "health", "only_child", "left_behind", "migrant_worker_child", "orphan", "disabled",
            "inclusive_education", "preschool", "entry_date", "entry_method", "boarding",
        ]  # fmt: skip
        widgets = {"birth_date": DATE_INPUT, "entry_date": DATE_INPUT}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["school_class"].queryset = school.classes.all()
        self.fields["id_number"].help_text = _(
            "Required for a resident ID card (居民身份证); a pupil without one gets a J national number."
        )
        self.duplicate_schools = []
        self._hide_personal_numbers()

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data["id_number"]) or self.kept.get("id_number", "")
        if self.cleaned_data.get("id_type") == IdType.RESIDENT:
            if not number:
                raise ValidationError(gettext("Enter the number of the resident ID card (居民身份证)."))
            self.id_info = parse_id_number(number)
        if not number:
            return number
        holder = id_number_holder(number, exclude=self.instance if self.instance.pk else None)
        if holder is not None:
            raise ValidationError(
                gettext("This ID number already has a record at %(school)s; one pupil has one record (一人一籍).")
                % {"school": holder.name}
            )
        return number

    def clean_commitment_letter(self):
        letter = self.cleaned_data.get("commitment_letter")
        if letter:
            self.commitment_check = check_evidence(letter)
        return letter

    def evidence(self):
        """The checked uploads to attach to the request, as (kind, upload, check) triples."""
        letter = self.cleaned_data.get("commitment_letter")
        if not letter:
            return []
        return [(Evidence.Kind.COMMITMENT_LETTER, letter, self.commitment_check)]

    def clean(self):
        data = super().clean()
        info = getattr(self, "id_info", None)
        if info is not None and data.get("birth_date") and data["birth_date"] != info.birth_date:
            self.add_error(
                "birth_date",
                gettext("The birth date does not match the ID number, which gives %(date)s.")
                % {"date": info.birth_date.isoformat()},
            )
        if info is not None and data.get("sex") and data["sex"] != info.sex:
            self.add_error("sex", gettext("The sex does not match the ID number (its 17th digit)."))
        school_class = data.get("school_class")
        if school_class and school_class.grade == 1 and data.get("birth_date") and data.get("entry_date"):
            cutoff = date(data["entry_date"].year - 6, 8, 31)
            if data["birth_date"] > cutoff and not data.get("commitment_letter"):
                self.add_error(
                    "commitment_letter",
                    gettext(
                        "A grade 1 pupil must be 6 by 31 August of the entry year (born on or before %(cutoff)s). "
                        "For a younger child, upload the parents' signed commitment letter (承诺书)."
                    )
                    % {"cutoff": cutoff.isoformat()},
                )
        if data.get("name") and data.get("birth_date") and data.get("sex"):
            self.duplicate_schools = possible_duplicates(
                name=data["name"],
                birth_date=data["birth_date"],
                sex=data["sex"],
                exclude=self.instance if self.instance.pk else None,
            )
            if self.duplicate_schools and not data.get("confirm_not_duplicate"):
                self.add_error(
                    "confirm_not_duplicate",
                    gettext(
                        "A pupil with the same name, birth date and sex has a record at %(schools)s. "
                        "Tick the box if this is a different child."
                    )
                    % {"schools": "、".join(school.name for school in self.duplicate_schools)},
                )
        return data


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


class VerificationForm(forms.Form):
    """The public check of a four-copy transfer form: the code printed beside its QR code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 12 letters and digits printed beside the QR code, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        return normalise_verification_code(self.cleaned_data["code"])
