"""The staff roles and the guardian permission that carries each (DESIGN §4).

A registrar, headteacher or archivist acts for one school (a permission on that School row); a town
officer for one authority and so for all its schools (a permission on that Authority row); a system
administrator is a Django superuser.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")
    HEADTEACHER = "headteacher", _("Headteacher")
    ARCHIVIST = "archivist", _("Archivist")
    OFFICER = "officer", _("Town officer")
    ADMINISTRATOR = "administrator", _("System administrator")


SCHOOL_ROLE_PERMISSIONS = {
    Role.REGISTRAR: "act_as_registrar",
    Role.HEADTEACHER: "act_as_headteacher",
    Role.ARCHIVIST: "act_as_archivist",
}
AUTHORITY_ROLE_PERMISSIONS = {Role.OFFICER: "act_as_officer"}
ROLE_BY_CODENAME = {
    codename: role for role, codename in {**SCHOOL_ROLE_PERMISSIONS, **AUTHORITY_ROLE_PERMISSIONS}.items()
}


@dataclass(frozen=True)
class Grant:
    """One role a user holds, with its scope: a school, an authority, or nothing (administrator)."""

    role: Role
    school: object = None
    authority: object = None

    @property
    def scope(self):
        return self.school or self.authority
