"""Who may read which archive (DESIGN §4, DOMAIN Archives), always through registry.scoping:
- the holding school's staff, its town's officers and administrators: the archive (`holder` / `read`);
- a former school (it handed the archive over on a transfer): a read-only copy;
- a user of another school with an approved, unexpired access request (查阅登记): read-only.
Anyone else does not find the archive at all (a 404)."""

from django.db.models import Q
from django.utils import timezone

from archives.models import AccessRequest, ArchiveFile
from registry.roles import Role
from registry.scoping import roles_at, schools_visible_to

MANAGERS = {Role.ARCHIVIST, Role.REGISTRAR}


def archives_visible_to(user):
    schools = schools_visible_to(user).values("pk")
    granted = AccessRequest.objects.filter(
        requested_by=user.pk, state=AccessRequest.State.APPROVED, valid_until__gt=timezone.now()
    ).values("archive")
    return ArchiveFile.objects.filter(
        Q(school__in=schools) | Q(copies__school__in=schools) | Q(pk__in=granted)
    ).distinct()


def can_manage(user, archive) -> bool:
    """Add documents, record the paper location and loans, send the paper file: the holding school's
    archivist (the named keeper) or registrar."""
    return bool(roles_at(user, archive.school) & MANAGERS)


def can_print(user, archive) -> bool:
    """Print: an archivist of the holding school or of a former school keeping a copy."""
    if Role.ARCHIVIST in roles_at(user, archive.school):
        return True
    return any(Role.ARCHIVIST in roles_at(user, copy.school) for copy in archive.copies.select_related("school"))


def can_decide_access(user, archive) -> bool:
    """The holding school's registry head: its registrar or headteacher."""
    return bool(roles_at(user, archive.school) & {Role.REGISTRAR, Role.HEADTEACHER})
