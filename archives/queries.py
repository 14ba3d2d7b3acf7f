"""Read-only helpers of the archive pages (no writes): the lists of the archive page and the look-up of
another school's pupil for an access request. Which archive a user reads, and how, is the one rule of
archives.selectors; these lists are built on it."""

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from archives.models import AccessRequest, ArchiveFile
from archives.selectors import holding_schools
from registry.models import School
from registry.scoping import schools_where
from students.forms import PupilFilterForm
from students.models import EnrolmentSpell, Student


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
    schools = [row["pk"] for row in holding_schools(user)]
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
    schools = holding_schools(user)
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
    schools = [school.pk for school in schools_where(user, "archive.decide_access")]
    return (
        AccessRequest.objects.filter(state=AccessRequest.State.PENDING, archive__school__in=schools)
        .select_related("archive__student", "archive__school", "requesting_school", "requested_by")
        .order_by("requested_at", "pk")
    )


def requesting_schools(user):
    """The schools for which the user may ask to read another school's archive."""
    return schools_where(user, "archive.request_access")


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
