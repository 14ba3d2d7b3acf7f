"""Forms of the problem-records page: the filters, keeping a problem with evidence, removing a pupil."""

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.fields import SchoolChoiceField
from students.models import ProblemKind

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {"application/pdf": {"pdf"}, "image/jpeg": {"jpg", "jpeg"}, "image/png": {"png"}}


class ProblemFilterForm(forms.Form):
    """Which school and which kind of problem the list shows (a school outside the user's scope is a 404,
    answered by the view before the form)."""

    school = SchoolChoiceField(label=_("School"), queryset=None, required=False, empty_label=_("All schools"))
    kind = forms.ChoiceField(label=_("Kind of problem"), required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["kind"].choices = [("", _("All kinds")), *ProblemKind.choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class KeepProblemForm(forms.Form):
    """Keep the record as it stands: the proof (PDF, JPEG or PNG, checked by its content, at most 10 MB, the
    size the other evidence uploads take) and why the record is right."""

    evidence = forms.FileField(label=_("Evidence (佐证)"), help_text=_("PDF, JPEG or PNG, at most 10 MB."))
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs.update({"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"})
        self.fields["reason"].widget.attrs["class"] = "form-control"

    def clean_evidence(self):
        upload = self.cleaned_data["evidence"]
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(gettext("The file is larger than 10 MB."))
        kind = filetype.guess(upload.read(262))
        upload.seek(0)
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if kind is None or extension not in EVIDENCE_TYPES.get(kind.mime, ()):
            raise ValidationError(gettext("Only PDF, JPEG or PNG files are accepted; this file is something else."))
        return upload


class RemovePupilForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the pupil was entered in error"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"
