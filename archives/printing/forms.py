"""Forms of printing for the archivist: what to print, why, and (for those who may) why full ID numbers;
and the print register's filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.models import RegisterEntry

REASON_HELP = _("Written in the print register with your name and the time.")
REVEAL_HELP = _(
    "Leave empty to print ID numbers and phones masked. A reason prints them in full, and the reveal is logged."
)


class _PrintReasons(forms.Form):
    reason = forms.CharField(
        label=_("Purpose of the print"),
        max_length=300,
        help_text=REASON_HELP,
        error_messages={"required": _("Say what the print is for; it is written in the print register.")},
    )
    reveal_reason = forms.CharField(
        label=_("Reason for showing full ID numbers"), max_length=300, required=False, help_text=REVEAL_HELP
    )

    def __init__(self, *args, may_reveal=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_reveal:
            del self.fields["reveal_reason"]


class PrintForm(_PrintReasons):
    """One pupil's archive: the full bundle or chosen documents."""

    FULL, DOCUMENTS = "full", "documents"

    what = forms.ChoiceField(
        label=_("What to print"),
        choices=[(FULL, _("The full archive bundle")), (DOCUMENTS, _("Only the documents chosen below"))],
        widget=forms.RadioSelect,
        initial=FULL,
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["what", "documents", "reason", "reveal_reason"]

    def __init__(self, *args, archive, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        field.queryset = archive.documents.order_by("document_date", "type", "pk")
        field.label_from_instance = _document_label

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("what") == self.DOCUMENTS and not cleaned.get("documents"):
            self.add_error("documents", _("Choose at least one document, or print the full bundle."))
        return cleaned

    @property
    def chosen_documents(self):
        if self.cleaned_data["what"] == self.DOCUMENTS:
            return list(self.cleaned_data["documents"])
        return []


def _document_label(document):
    label = f"{document.get_type_display()} · {document.title} · {document.document_date:%Y-%m-%d}"
    return f"{label} · {_('superseded')}" if document.superseded_by_id else label


class ClassPrintForm(_PrintReasons):
    """A class batch: every pupil's full bundle."""


class RegisterFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All actions")), *RegisterEntry.Action.choices], required=False
    )
