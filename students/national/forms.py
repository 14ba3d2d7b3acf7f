"""The onboarding upload form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from students.spreadsheet import MAX_UPLOAD_BYTES


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster in the national template (.xls or .xlsx)"),
        error_messages={"required": _("Choose the roster file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xls,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(size)d MB; split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
