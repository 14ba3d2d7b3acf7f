"""Who may read which archive — the one visibility rule (DESIGN §4, DOMAIN Archives), always through
registry.scoping; archives.queries builds the archive page's lists on it:
- the holding school's side (its staff, its town's officers, administrators): the whole archive;
- a former school (it handed the archive over on a transfer, 办法 第九条: the old school keeps an electronic
  copy): a read-only copy — the archive as it stood at the hand-over, its documents added up to then;
- a user of another school with an approved, unexpired access request (查阅登记): read-only.
Anyone else does not find the archive at all (a 404). Write rights come from the capability table."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from archives.models import AccessRequest, ArchiveCopy, ArchiveDocument, ArchiveFile
from registry.scoping import can, schools_visible_to


def holding_schools(user):
    """The schools through which the user reads archives: the holding schools whose archives they read in
    full, and the former schools whose copies they read (the schools in their scope), as pk values."""
    return schools_visible_to(user).values("pk")


def _granted(user):
    return AccessRequest.objects.filter(
        requested_by=user.pk, state=AccessRequest.State.APPROVED, valid_until__gt=timezone.now()
    ).values("archive")


def archives_visible_to(user):
    schools = holding_schools(user)
    return ArchiveFile.objects.filter(
        Q(school__in=schools) | Q(copies__school__in=schools) | Q(pk__in=_granted(user))
    ).distinct()


def documents_visible_to(user):
    """Documents of the archives the user may read. A former school's read-only copy holds the documents as
    they were when the archive was handed over; what the new school adds later is not in it."""
    schools = holding_schools(user)
    copied = ArchiveCopy.objects.filter(
        archive=OuterRef("archive"), school__in=schools, since__gte=OuterRef("added_at")
    )
    return ArchiveDocument.objects.filter(
        Q(archive__school__in=schools) | Q(archive__in=_granted(user)) | Exists(copied)
    )


@dataclass(frozen=True)
class Reading:
    """How the user reads an archive: as the holder's side (its staff, its town's officers, administrators),
    from a read-only copy their school kept, or through an approved access request."""

    holder: bool
    copy: ArchiveCopy | None = None
    access: AccessRequest | None = None

    @property
    def read_only_since(self):
        return self.copy.since if self.copy else None

    @property
    def why(self):
        return self.access.reason if self.access else ""


def reading_of(user, archive) -> Reading:
    """The user's reading of a visible archive. Of several copies in their scope (a pupil who left two of
    their schools), the latest: what documents_visible_to lets them download."""
    schools = holding_schools(user)
    if schools.filter(pk=archive.school_id).exists():
        return Reading(holder=True)
    copy = archive.copies.filter(school__in=schools).select_related("school").order_by("-since", "-pk").first()
    if copy is not None:
        return Reading(holder=False, copy=copy)
    access = (
        AccessRequest.objects.filter(
            archive=archive, requested_by=user.pk, state=AccessRequest.State.APPROVED, valid_until__gt=timezone.now()
        )
        .order_by("-valid_until")
        .first()
    )
    return Reading(holder=False, access=access)


def documents_of(archive, reading):
    documents = archive.documents.select_related("superseded_by", "added_by")
    if reading.copy is not None:
        documents = documents.filter(added_at__lte=reading.copy.since)
    return documents


def hand_overs_of(archive, reading):
    """The hand-overs a reading shows: every one to the holder's side; to a former school, its own (the
    paper file it sends), not those of schools the pupil went to later."""
    hand_overs = archive.hand_overs.all()
    if reading.copy is not None:
        hand_overs = hand_overs.filter(from_school=reading.copy.school_id)
    return hand_overs


def can_manage(user, archive) -> bool:
    """Add documents, record the paper location and loans, send the paper file: the holding school's
    archivist (the named keeper) or registrar."""
    return can(user, "archive.manage", archive.school)


def can_print(user, archive) -> bool:
    """Print: an archivist of the holding school or of a former school keeping a copy."""
    if can(user, "archive.print", archive.school):
        return True
    return any(can(user, "archive.print", copy.school) for copy in archive.copies.select_related("school"))


def can_decide_access(user, archive) -> bool:
    """The holding school's registry head: its registrar or headteacher."""
    return can(user, "archive.decide_access", archive.school)
