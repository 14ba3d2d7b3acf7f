"""Who manages whom (issue 15): an administrator every staff account and every school and authority; a town
officer the schools and offices of their town (and those below it), and the accounts whose every role lies
there — never an administrator, nor someone who also works elsewhere. An account with no role yet is
anyone's to manage (it has just been created, or its roles were all revoked)."""

from django.contrib.auth import get_user_model
from guardian.models import UserObjectPermission

from audit.history import SYSTEM_USERNAME
from registry.models import Authority, School
from registry.roles import AUTHORITY_ROLE_PERMISSIONS, SCHOOL_ROLE_PERMISSIONS
from registry.scoping import can_anywhere, officer_authorities


def is_administrator(user) -> bool:
    return can_anywhere(user, "staff.grant_administrator")


def schools_managed_by(user):
    """The schools at which `user` may grant and revoke school roles."""
    if is_administrator(user):
        return School.objects.all()
    return School.objects.filter(authority__in=officer_authorities(user))


def authorities_managed_by(user):
    """The authorities at which `user` may grant and revoke the town officer's role."""
    if is_administrator(user):
        return Authority.objects.all()
    return Authority.objects.filter(pk__in=officer_authorities(user))


def _roles_outside(schools, authorities):
    school_pks = [str(pk) for pk in schools.values_list("pk", flat=True)]
    authority_pks = [str(pk) for pk in authorities.values_list("pk", flat=True)]
    at_schools = UserObjectPermission.objects.filter(
        permission__codename__in=SCHOOL_ROLE_PERMISSIONS.values(), permission__content_type__model="school"
    ).exclude(object_pk__in=school_pks)
    at_authorities = UserObjectPermission.objects.filter(
        permission__codename__in=AUTHORITY_ROLE_PERMISSIONS.values(), permission__content_type__model="authority"
    ).exclude(object_pk__in=authority_pks)
    return at_schools.values("user_id").union(at_authorities.values("user_id"))


def staff_managed_by(user):
    """The staff accounts `user` may see and change on the staff pages (the system account never)."""
    accounts = get_user_model().objects.exclude(username=SYSTEM_USERNAME)
    if is_administrator(user):
        return accounts
    if not can_anywhere(user, "staff.manage"):
        return accounts.none()
    outside = _roles_outside(schools_managed_by(user), authorities_managed_by(user))
    return accounts.filter(is_superuser=False).exclude(pk__in=[row["user_id"] for row in outside])
