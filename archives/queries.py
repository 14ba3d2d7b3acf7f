"""Read-only helpers of the archive pages (no writes): the lists of the archive page and the look-up of
another school's pupil for an access request. Which archive a user reads, and how, is the one rule of
archives.selectors; these lists are built on it."""

from django.db.models import F, IntegerField, OuterRef, Q, Subquery
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


def matching_pupils(query):
    """Pupils whose name, pinyin, initials, national number or ID-number tail match (the pupil list's keys)."""
    return EnrolmentSpell.objects.filter(PupilFilterForm._search_condition(query)).values("student_id")


def held_archives(user, *, query="", school_class=None):
    """Pupils whose archive a school in the user's scope holds — the archive's school, or for a pupil whose
    file is not created yet, the school of their current or last spell. Annotated with `archive_pk` (None
    until the file is first opened), `last_spell` and `holding` (a School pk)."""
    pupils = Student.objects.annotate(
        archive_pk=F("archive__pk"),
        last_spell=_last_spell("pk"),
        holding=Coalesce(F("archive__school"), _last_spell("school"), output_field=IntegerField()),
    ).filter(holding__in=holding_schools(user))
    if query:
        pupils = pupils.filter(pk__in=matching_pupils(query))
    if school_class is not None:
        pupils = pupils.annotate(last_class=_last_spell("school_class")).filter(last_class=school_class.pk)
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
