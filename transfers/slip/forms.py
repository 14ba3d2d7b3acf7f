"""The public check of a four-copy transfer form: what someone types or scans."""

from django import forms
from django.utils.translation import gettext_lazy as _

from transfers.slip.services import normalise_verification_code


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
