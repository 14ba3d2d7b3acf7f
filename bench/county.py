"""The benchmark county, built once on PostgreSQL with COPY and reused by every later run.

5 towns × 10 schools × 50 classes × 40 pupils = 100,000 pupils (each with two guardians and an open
enrolment spell), archive files for three pupils in five, 20,000 archive register lines, 200,000 audit events
spread over the schools and pupils, and in the first town 3,000 pending status changes with their waiting
approval steps (deadlines from two weeks overdue to four weeks ahead). One officer of the first town, one
registrar and one archivist of its first school.

Rows are made as model instances (so defaults and derived search keys are the models' own) and written with
PostgreSQL's COPY, primary keys reserved from each table's sequence first; no history rows are written for
them (no measured page reads a pupil's history). All of it is one transaction: a county is there whole or
not at all. `ensure_county(size=…)` builds a smaller county of the same shape for the smoke tests.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from archives.models import ArchiveFile, RegisterEntry
from audit.chain import event_digest
from audit.models import Event
from registry.models import Authority, School, SchoolClass, Semester
from registry.roles import Role
from registry.services import grant_role
from students.demo import IdNumbersFromDatabase, make_pupil
from students.models import EnrolmentSpell, Guardian, Student
from transfers.models import ApprovalStep, ChangeRequest

COUNTY_CODE = "999999"
SCHOOL_YEAR = 2026


@dataclass(frozen=True)
class Size:
    towns: int = 5
    schools_per_town: int = 10
    classes_per_school: int = 50
    per_class: int = 40
    events: int = 200_000
    register_lines: int = 20_000
    pending_requests: int = 3_000

    @property
    def pupils(self):
        return self.towns * self.schools_per_town * self.classes_per_school * self.per_class


FULL = Size()
TINY = Size(towns=2, schools_per_town=2, classes_per_school=2, per_class=5, events=200, register_lines=20,
            pending_requests=12)  # fmt: skip


@dataclass
class County:
    town: Authority
    school: School
    officer: object
    registrar: object
    archivist: object


def ensure_county(size=FULL, *, log=print) -> County:
    """The county of `size`, built now if this database does not hold it yet."""
    if not Authority.objects.filter(code=COUNTY_CODE).exists():
        started = time.perf_counter()
        with transaction.atomic():
            _build(size, log)
        with connection.cursor() as cursor:
            # Fresh planner statistics: before autovacuum gets to the new rows, the first import's duplicate
            # check took 169 s instead of 2 s on a plan made for empty tables.
            cursor.execute("ANALYZE")
        log(f"county built in {time.perf_counter() - started:.0f} s")
    Semester.objects.get_or_create(
        school_year=SCHOOL_YEAR, term=1, defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 1, 22)}
    )
    town = Authority.objects.filter(parent__code=COUNTY_CODE).order_by("code").first()
    school = town.schools.order_by("code").first()
    User = get_user_model()
    return County(
        town=town,
        school=school,
        officer=User.objects.get(username="bench_officer"),
        registrar=User.objects.get(username="bench_registrar"),
        archivist=User.objects.get(username="bench_archivist"),
    )


def copy_in(model, objects):
    """Write unsaved `objects` of `model` with COPY, primary keys reserved first (and set on the objects)."""
    objects = list(objects)
    if not objects:
        return objects
    table, pk = model._meta.db_table, model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objects)],
        )
        for obj, (value,) in zip(objects, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, value)
        fields = model._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
    return objects


def _build(size, log):
    User = get_user_model()
    rng = random.Random(2026)
    admin = User.objects.create(username="bench_admin", is_superuser=True, is_staff=True)
    officer, registrar, archivist = (
        User.objects.create(username=f"bench_{role}", full_name=name)
        for role, name in (("officer", "基准审核员"), ("registrar", "基准学籍员"), ("archivist", "基准档案员"))
    )
    for user in (admin, officer, registrar, archivist):
        user.set_password("bench-password-0")
        user.save(update_fields=["password"])
    county = Authority.objects.create(code=COUNTY_CODE, name="基准测试县教育局", level=Authority.Level.COUNTY)
    towns = copy_in(Authority, [
        Authority(code=f"{COUNTY_CODE}{101 + t}", name=f"基准{t + 1}镇教办", level=Authority.Level.TOWN, parent=county)
        for t in range(size.towns)
    ])  # fmt: skip
    schools = copy_in(School, [
        School(code=f"99{t:03d}{s:05d}", name=f"基准{t + 1}镇第{s + 1}小学", stage=School.Stage.PRIMARY, authority=town)
        for t, town in enumerate(towns) for s in range(size.schools_per_town)
    ])  # fmt: skip
    classes = copy_in(SchoolClass, [
        SchoolClass(school=school, grade=1 + n % 6, number=1 + n // 6, entry_year=SCHOOL_YEAR - n % 6)
        for school in schools for n in range(size.classes_per_school)
    ])  # fmt: skip
    by_pk = {school.pk: school for school in schools}
    for school_class in classes:
        school_class.school = by_pk[school_class.school_id]
    log(f"{len(towns)} towns, {len(schools)} schools, {len(classes)} classes")

    ids = IdNumbersFromDatabase()
    students, guardians, spells = [], [], []
    for school_class in classes:
        for _ in range(size.per_class):
            student, family = make_pupil(rng, ids, school_class, school_year=SCHOOL_YEAR)
            student.national_number = f"G{student.id_number}"
            students.append(student)
            spells.append(EnrolmentSpell(
                student=student, school=school_class.school, school_class=school_class, grade=school_class.grade,
                started_on=student.entry_date, entry_reason=EnrolmentSpell.EntryReason.REGISTRATION,
            ))  # fmt: skip
            for guardian in family:
                guardian.student = student
                guardians.append(guardian)
    copy_in(Student, students)
    for row in spells + guardians:
        row.student = row.student  # now saved: sets student_id and keeps the object
    copy_in(EnrolmentSpell, spells)
    copy_in(Guardian, guardians)
    log(f"{len(students)} pupils with {len(guardians)} guardians")

    archives = copy_in(ArchiveFile, [
        ArchiveFile(student_id=spell.student_id, school_id=spell.school_id, room="档案室", cabinet=f"{n % 40 + 1}")
        for n, spell in enumerate(spells) if n % 5 < 3
    ])  # fmt: skip
    now = timezone.now()
    copy_in(RegisterEntry, [
        RegisterEntry(archive=archive, school_id=archive.school_id, user=archivist, action=RegisterEntry.Action.PRINTED,
                      what="完整档案", why="基准测试", at=now - timedelta(minutes=n))
        for n, archive in enumerate(rng.sample(archives, min(size.register_lines, len(archives))))
    ])  # fmt: skip
    _requests(size, rng, towns[0], [spell for spell in spells if spell.school.authority_id == towns[0].pk], admin)
    _events(size, rng, spells, officer)
    grant_role(officer, Role.OFFICER, towns[0], actor=admin)
    grant_role(registrar, Role.REGISTRAR, schools[0], actor=admin)
    grant_role(archivist, Role.ARCHIVIST, schools[0], actor=admin)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _requests(size, rng, town, spells, admin):
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    chosen = rng.sample(spells, min(size.pending_requests, len(spells)))
    requests = copy_in(ChangeRequest, [
        ChangeRequest(kind=ChangeRequest.Kind.SUSPENSION, student_id=spell.student_id, school_id=spell.school_id,
                      initiated_by=admin, payload={"reason": "因病休养", "starts_on": today.isoformat()},
                      submitted_at=datetime.combine(today - timedelta(days=rng.randrange(30)), datetime.min.time(),
                                                    tzinfo=zone))
        for spell in chosen
    ])  # fmt: skip
    copy_in(ApprovalStep, [
        ApprovalStep(request=request, round=1, position=1, authority=town,
                     due_on=today + timedelta(days=rng.randrange(-14, 28)))
        for request in requests
    ])  # fmt: skip


def _events(size, rng, spells, actor):
    """Audit events over the county: views, reveals and edits of its pupils, oldest first."""
    actions = ["students.pupil.viewed", "students.id_number.revealed", "students.pupil.changed", "archives.read"]
    started = timezone.now() - timedelta(days=120)
    events = []
    for n in range(size.events):
        spell = spells[rng.randrange(len(spells))]
        event = Event(
            occurred_at=started + timedelta(seconds=n * 50), action=actions[n % len(actions)], actor=actor,
            actor_name=actor.username, target_type="students.student", target_id=str(spell.student_id),
            target_repr=spell.student.name, school_pk=spell.school_id, pupil_pk=spell.student_id,
            data={"bench": n}, nonce=f"{n:032x}",
        )  # fmt: skip
        event.digest = event_digest(event)  # left unsealed: the bench reads the log, it does not verify it
        events.append(event)
    copy_in(Event, events)
