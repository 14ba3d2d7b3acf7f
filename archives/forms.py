"""Forms of the archive pages. An upload is checked by its content (transfers.uploads.check_evidence) before
anything is stored; every form keeps what was typed when something is wrong."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

from archives.models import ArchiveDocument
from registry.models import School
from transfers.forms import DATE_INPUT
from transfers.uploads import check_evidence


def pdf_pages(upload) -> int:
    """The page count of an uploaded PDF, read with pypdf; 1 when the file cannot be parsed (it has already
    passed the content check)."""
    try:
        pages = len(PdfReader(upload).pages)
    except Exception:  # noqa: BLE001 - any parse failure: count it as one page, the bytes are a PDF
        pages = 1
    finally:
        upload.seek(0)
    return max(1, min(pages, 32767))


class ArchiveFilterForm(forms.Form):
    """The archive list's search: name (or pinyin, initials, national number, ID-number tail) and class."""

    q = forms.CharField(
        label=_("Name, pinyin or initials, national number, or last digits of the ID number"),
        required=False,
        max_length=50,
    )
    school_class = forms.ModelChoiceField(label=_("Class"), required=False, queryset=None, empty_label=_("All classes"))

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes.select_related("school").order_by(
            "school__code", "grade", "number"
        )
        self.fields["school_class"].label_from_instance = lambda c: f"{c.school.name} · {c}"

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


class DocumentUploadForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=[("", "---------"), *ArchiveDocument.Type.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    document_date = forms.DateField(label=_("Date of the document"), widget=DATE_INPUT)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, at most 10 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = check_evidence(upload)
        self.pages = pdf_pages(upload) if self.checked.content_type == "application/pdf" else 1
        return upload


class SupersedeForm(forms.Form):
    """Mark a document superseded by another of the same archive (the choices), with the reason."""

    replacement = forms.TypedChoiceField(label=_("Replaced by"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, document, documents, **kwargs):
        kwargs.setdefault("auto_id", f"id_supersede_{document.pk}_%s")
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["replacement"].choices = [("", "---------")] + [
            (other.pk, f"{other.document_date:%Y-%m-%d} · {other.title}")
            for other in documents
            if other.pk != document.pk
        ]


class LocationForm(forms.Form):
    room = forms.CharField(label=_("Room"), max_length=50, required=False)
    cabinet = forms.CharField(label=_("Cabinet"), max_length=50, required=False)
    box = forms.CharField(label=_("Box"), max_length=50, required=False)
    volume = forms.CharField(label=_("Volume number"), max_length=50, required=False)


class LoanForm(forms.Form):
    borrower = forms.CharField(label=_("Borrower"), max_length=50)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    taken_on = forms.DateField(label=_("Taken on"), widget=DATE_INPUT, initial=timezone.localdate)
    due_on = forms.DateField(label=_("Due back on"), widget=DATE_INPUT, required=False)

    def clean(self):
        data = super().clean()
        if data.get("taken_on") and data.get("due_on") and data["due_on"] < data["taken_on"]:
            self.add_error("due_on", gettext("The due date is before the day it is taken."))
        return data


class LoanReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Returned on"), widget=DATE_INPUT, required=False, help_text=_("Leave empty for today.")
    )

    def __init__(self, *args, loan, **kwargs):
        kwargs.setdefault("auto_id", f"id_return_{loan.pk}_%s")
        super().__init__(*args, **kwargs)


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])


class AccessLookupForm(forms.Form):
    """Find another school's pupil by ID number or national number (POST: the number stays out of logs)."""

    number = forms.CharField(
        label=_("ID number or national student number"),
        max_length=25,
        help_text=_("You will see only the pupil's name and the school holding the archive."),
    )


class AccessRequestForm(forms.Form):
    school = forms.ModelChoiceField(label=_("Requesting school"), queryset=None, empty_label=None)
    reason = forms.CharField(
        label=_("Why you need to read the archive"), max_length=300, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(pk__in=[school.pk for school in schools])
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
            self.fields["school"].widget = forms.HiddenInput()
