"""Forms of the staff pages: search, a new account, a role to grant, the staff import upload."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.roles import AUTHORITY_ROLE_PERMISSIONS, SCHOOL_ROLE_PERMISSIONS, Role

_CONTROL = {"class": "form-control"}


class StaffSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or user name"), required=False, max_length=150, widget=forms.TextInput(attrs=_CONTROL)
    )


class StaffCreateForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["full_name", "username", "phone", "email"]
        widgets = {
            "full_name": forms.TextInput(attrs=_CONTROL),
            "username": forms.TextInput(attrs={**_CONTROL, "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={**_CONTROL, "inputmode": "tel"}),
            "email": forms.EmailInput(attrs=_CONTROL),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["phone"].validators.append(_phone_validator)


def _phone_validator(value):
    if value and not value.replace("-", "").replace(" ", "").isdigit():
        raise ValidationError(_("Enter digits only (a hyphen may separate the area code)."))


class GrantForm(forms.Form):
    """A role and where it applies: "school:<pk>" or "authority:<pk>" (the view resolves it within the
    actor's reach, 404 outside); the administrator's role has no place."""

    role = forms.ChoiceField(label=_("Role"), widget=forms.Select(attrs={"class": "form-select"}))
    where = forms.ChoiceField(
        label=_("School or town office"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, schools, authorities, may_grant_administrator, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [*SCHOOL_ROLE_PERMISSIONS, *AUTHORITY_ROLE_PERMISSIONS]
        if may_grant_administrator:
            roles.append(Role.ADMINISTRATOR)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        self.fields["where"].choices = [
            ("", "—"),
            (_("Schools"), [(f"school:{school.pk}", f"{school.name}（{school.code}）") for school in schools]),
            (_("Town offices"), [(f"authority:{authority.pk}", authority.name) for authority in authorities]),
        ]

    def clean(self):
        data = super().clean()
        role, where = data.get("role"), data.get("where") or ""
        if role is None:
            return data
        kind = where.partition(":")[0]
        if role == Role.ADMINISTRATOR:
            if where:
                self.add_error("where", _("The administrator's role applies everywhere; leave this empty."))
        elif Role(role) in SCHOOL_ROLE_PERMISSIONS and kind != "school":
            self.add_error("where", _("This role is held at a school; choose a school."))
        elif Role(role) in AUTHORITY_ROLE_PERMISSIONS and kind != "authority":
            self.add_error("where", _("This role is held at a town office; choose a town office."))
        return data


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in staff template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={**_CONTROL, "accept": ".xlsx"}),
    )
