"""The base of the kinds' forms: each turns what the registrar typed into its kind's payload and its
evidence; the kind's `validate` then checks the domain rules. Uploads are checked by content
(transfers.uploads) and a form keeps everything typed when something is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from transfers.uploads import check_evidence

EXCEPTION_HELP = _(
    "Needed only outside the semester's transfer windows: why the transfer cannot wait. The town office "
    "decides on the exception with the request."
)
REASON = _("Reason")


def reason_field(label=REASON):
    return forms.CharField(label=label, max_length=300, widget=forms.Textarea({"rows": 2}))


def evidence_field(label, required=True):
    return forms.FileField(label=label, required=required, help_text=_("PDF, JPEG or PNG, at most 10 MB."))


class ClassChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ChangeForm(forms.Form):
    """Base: subclasses declare their fields, `evidence_fields` ({field name: Evidence kind}) and
    `payload()` (the kind's Payload). Every evidence upload is content-checked in `clean`. When a returned
    request is amended (`amending=True`) its evidence is kept, so an upload is needed only to replace it."""

    evidence_fields: dict = {}

    def __init__(self, *args, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        if amending:
            for name in self.evidence_fields:
                self.fields[name].required = False

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

    def payload(self):
        raise NotImplementedError


def classes_of_grade(school, grade):
    return school.classes.filter(grade=grade).order_by("number")
