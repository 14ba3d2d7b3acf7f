"""The staff roles, the guardian permission that carries each, and the capability table (DESIGN §4).

A registrar, headteacher or archivist acts for one school (a permission on that School row); a town
officer for one authority and so for all its schools (a permission on that Authority row); a system
administrator is a Django superuser.

CAPABILITIES is the one place a role rule is written: which roles hold each right. Services and views ask
`registry.scoping.can(user, capability, scope)`, templates `{% can %}` (registry.templatetags.capabilities),
and the permission matrix (tests/permission_matrix.py) derives its expected answers from it.
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


# Every right that depends on a role. A right is held at a scope (registry.scoping.can): at a school, by the
# roles the user holds there (its staff's roles; OFFICER for its town's officers and those above;
# ADMINISTRATOR anywhere); at an authority, by OFFICER for its officers and those above it (and
# ADMINISTRATOR); for a page without a scope (registry.scoping.can_anywhere), by any role held anywhere.
CAPABILITIES: dict[str, frozenset[Role]] = {
    # 学籍异动: the school enters and submits, amends, withdraws; graduation and promotion (镇制度 三, 四)
    "request.initiate": frozenset({Role.REGISTRAR}),
    # a step whose party is a school (the sending school of a transfer): its registry head decides
    "request.decide_as_school": frozenset({Role.REGISTRAR, Role.HEADTEACHER}),
    # a step whose party is an authority (at the authority; at a school: the school's town office decides)
    "request.decide_as_authority": frozenset({Role.OFFICER}),
    # full ID numbers on screen (个人信息保护法 第二十八条: least privilege; the reveal is audited)
    "id_number.reveal": frozenset({Role.REGISTRAR, Role.OFFICER, Role.ADMINISTRATOR}),
    # full ID numbers on a print: the archivist too, always with a reason (issue 6)
    "id_number.print": frozenset({Role.ARCHIVIST, Role.REGISTRAR, Role.OFFICER, Role.ADMINISTRATOR}),
    # the semester roll reconciliation (校制度 学期会审): the registrar prepares, the headteacher signs,
    # the town office receives or reopens
    "rollcheck.prepare": frozenset({Role.REGISTRAR}),
    # which fields of an information change need the town office's approval (镇制度 五(三)): the town office
    "information.configure": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    # the format of the school's own pupil numbers (学号办法): the school's registrar
    "school_number.configure": frozenset({Role.REGISTRAR}),
    "rollcheck.sign": frozenset({Role.HEADTEACHER}),
    "rollcheck.receive": frozenset({Role.OFFICER}),
    # the archive (镇制度 六): documents, paper location, loans, the paper hand-over — its named keeper or the
    # registrar; printing — the archivist; access requests — asked by a school's staff, decided by the
    # holding school's registry head; the archive register — anyone of the school's side
    "archive.manage": frozenset({Role.ARCHIVIST, Role.REGISTRAR}),
    "archive.print": frozenset({Role.ARCHIVIST}),
    "archive.request_access": frozenset({Role.ARCHIVIST, Role.REGISTRAR, Role.HEADTEACHER}),
    "archive.decide_access": frozenset({Role.REGISTRAR, Role.HEADTEACHER}),
    "archive.read_register": frozenset(
        {Role.REGISTRAR, Role.HEADTEACHER, Role.ARCHIVIST, Role.OFFICER, Role.ADMINISTRATOR}
    ),
    # the audit search and its export: the town office (its schools' events) and administrators
    "audit.search": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    # problem records (问题学籍, issue 15): the town office (its schools) and administrators (the county) list
    # them and keep one with evidence; only an administrator removes a pupil entered in error
    "problems.review": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    "problems.remove": frozenset({Role.ADMINISTRATOR}),
    # staff accounts and their roles (用户与角色管理, issue 15): the town office for its town's schools and
    # itself, administrators for the county; only an administrator makes or unmakes an administrator
    "staff.manage": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    "staff.grant_administrator": frozenset({Role.ADMINISTRATOR}),
    # 建档导入: a school's pupils already registered in the national system, onboarded from its roster (issue 15)
    "pupil.onboard": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    # exports in the national template, for upload to the national system (issue 15)
    "pupil.export_national": frozenset({Role.REGISTRAR, Role.OFFICER, Role.ADMINISTRATOR}),
}


def holds(role, capability) -> bool:
    """Whether `role` carries `capability` (a KeyError for a capability the table does not name)."""
    return role in CAPABILITIES[capability]
