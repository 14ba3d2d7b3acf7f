"""Read-only helpers of the archive pages (no writes): the lists of the archive page, how a viewer reads an
archive (holder, former school's read-only copy, approved access), and the look-up of another school's
pupil for an access request. Visibility itself stays in archives.selectors."""

from dataclasses import dataclass

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from archives.models import AccessRequest, ArchiveCopy, ArchiveDocument, ArchiveFile
from registry.models import School
from registry.roles import Role
from registry.scoping import grants_of, schools_visible_to
from students.forms import PupilFilterForm
from students.models import EnrolmentSpell, Student

DECIDERS = {Role.REGISTRAR, Role.HEADTEACHER}
REQUESTERS = {Role.ARCHIVIST, Role.REGISTRAR, Role.HEADTEACHER}


def _last_spell(field):
    """The pupil's current or last enrolment spell's `field` (the spell ensure_archive holds the file at)."""
    spells = EnrolmentSpell.objects.filter(student=OuterRef("pk")).order_by("-started_on", "-pk")
    return Subquery(spells.values(field)[:1])


def _last_spells():
    """Spells that are their pupil's current or last one (no later spell: the order of _last_spell), as an
    anti-join on the spells already filtered, so it costs what those spells cost. (An open spell is always
    its pupil's last: spells do not overlap.)"""
    later = EnrolmentSpell.objects.filter(student=OuterRef("student")).filter(
        Q(started_on__gt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__gt=OuterRef("pk"))
    )
    return EnrolmentSpell.objects.exclude(Exists(later))


def matching_pupils(query):
    """Pupils whose name, pinyin, initials, national number or ID-number tail match (the pupil list's keys)."""
    return EnrolmentSpell.objects.filter(PupilFilterForm._search_condition(query)).values("student_id")


def held_archives(user, *, query="", school_class=None):
    """Pupils whose archive a school in the user's scope holds — the archive's school, or for a pupil whose
    file is not created yet, the school of their current or last spell. Annotated with `archive_pk` (None
    until the file is first opened), `last_spell` and `holding` (a School pk).

    The scope comes first: the user's school ids are read, then the candidates are the pupils filed at those
    schools, those on their registers and those whose last spell, closed, was there (less those filed at
    another school), so the cost grows with
    the schools, not with the county; the annotations are then computed for those pupils only."""
    schools = list(schools_visible_to(user).values_list("pk", flat=True))
    filed = ArchiveFile.objects.filter(school__in=schools).order_by().values("student")
    on_register = EnrolmentSpell.objects.filter(school__in=schools, ended_on__isnull=True).order_by().values("student")
    left = _last_spells().filter(school__in=schools, ended_on__isnull=False).order_by().values("student")
    pupils = (
        Student.objects.filter(pk__in=filed.union(on_register, left, all=True))
        .filter(Q(archive__isnull=True) | Q(archive__school__in=schools))  # not those filed at another school
        .annotate(
            archive_pk=F("archive__pk"),
            last_spell=_last_spell("pk"),
            holding=Coalesce(F("archive__school"), _last_spell("school"), output_field=IntegerField()),
        )
    )
    if query:
        pupils = pupils.filter(pk__in=matching_pupils(query))
    if school_class is not None:
        pupils = pupils.filter(pk__in=_last_spells().filter(school_class=school_class).values("student"))
    return pupils.order_by("holding", "name", "pk")


def with_spells_and_schools(rows):
    """Attach `spell` (with school and class) and `holding_school` to a page of held_archives rows: two
    queries whatever the page size."""
    rows = list(rows)
    spells = EnrolmentSpell.objects.select_related("school_class").in_bulk([row.last_spell for row in rows])
    schools = School.objects.in_bulk({row.holding for row in rows})
    for row in rows:
        row.spell = spells.get(row.last_spell)
        row.holding_school = schools.get(row.holding)
    return rows


def copies_visible_to(user, *, query=""):
    """Archives a school in the user's scope handed over and keeps a read-only copy of."""
    schools = schools_visible_to(user).values("pk")
    archives = (
        ArchiveFile.objects.filter(copies__school__in=schools)
        .exclude(school__in=schools)
        .select_related("student", "school")
        .distinct()
    )
    if query:
        archives = archives.filter(student__in=matching_pupils(query))
    return archives.order_by("student__name", "pk")


def own_access_requests(user):
    return AccessRequest.objects.filter(requested_by=user.pk).select_related(
        "archive__student", "archive__school", "requesting_school"
    )


def access_requests_to_decide(user):
    """Pending access requests to archives held by a school where the user is registrar or headteacher."""
    schools = {grant.school.pk for grant in grants_of(user) if grant.role in DECIDERS and grant.school}
    return (
        AccessRequest.objects.filter(state=AccessRequest.State.PENDING, archive__school__in=schools)
        .select_related("archive__student", "archive__school", "requesting_school", "requested_by")
        .order_by("requested_at", "pk")
    )


def requesting_schools(user):
    """The schools for which the user may ask to read another school's archive."""
    schools = []
    for grant in grants_of(user):
        if grant.role in REQUESTERS and grant.school is not None and grant.school not in schools:
            schools.append(grant.school)
    return schools


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
    schools = schools_visible_to(user)
    if schools.filter(pk=archive.school_id).exists():
        return Reading(holder=True)
    copy = archive.copies.filter(school__in=schools.values("pk")).select_related("school").first()
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


def documents_visible_to(user):
    """Documents of the archives the user may read. A former school's read-only copy holds the documents as
    they were when the archive was handed over; what the new school adds later is not in it."""
    schools = schools_visible_to(user).values("pk")
    granted = AccessRequest.objects.filter(
        requested_by=user.pk, state=AccessRequest.State.APPROVED, valid_until__gt=timezone.now()
    ).values("archive")
    copied = ArchiveCopy.objects.filter(
        archive=OuterRef("archive"), school__in=schools, since__gte=OuterRef("added_at")
    )
    return ArchiveDocument.objects.filter(Q(archive__school__in=schools) | Q(archive__in=granted) | Exists(copied))


def documents_of(archive, reading):
    documents = archive.documents.select_related("superseded_by", "added_by")
    if reading.copy is not None:
        documents = documents.filter(added_at__lte=reading.copy.since)
    return documents


def pupil_for_access(number, *, own_schools):
    """The pupil with this ID number or national number whose archive is held by a school other than
    `own_schools`, with that school — or (None, None). The requester sees only the name and the holding
    school (DESIGN §4)."""
    number = number.strip().upper()
    if not number:
        return None, None
    student = (
        Student.objects.filter(Q(id_number=number) | Q(national_number=number))
        .annotate(holding=Coalesce(F("archive__school"), _last_spell("school"), output_field=IntegerField()))
        .first()
    )
    if student is None or student.holding is None or student.holding in {school.pk for school in own_schools}:
        return None, None
    return student, School.objects.get(pk=student.holding)
