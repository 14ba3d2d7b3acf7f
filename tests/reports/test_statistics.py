"""The statistics figures (reports.statistics.figures) against direct counts: pupils on the register by school, grade
and sex for every day around a mid-semester transfer, the national flags, oversized classes, status changes by
kind and outcome with their approval times and late steps, pending registrations, the reconciliation's state as
of a day; a fixed number of queries whatever the size; and the scope of the pages."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registry.models import School
from registry.roles import Role
from registry.services import grant_role
from reports.statistics import figures as statistics
from reports.statistics import tables as statistics_tables
from students import codes
from students.models import EnrolmentSpell, RollCheck
from tests.conftest import client_for
from tests.factories import (
    EnrolmentSpellFactory,
    SchoolClassFactory,
    SchoolFactory,
    SemesterFactory,
    StudentFactory,
    TownFactory,
    UserFactory,
)
from transfers.models import ApprovalStep, ChangeRequest

SHANGHAI = ZoneInfo("Asia/Shanghai")
TRANSFER_DAY = date(2026, 10, 15)
DAYS = [date(2026, 8, 31), date(2026, 9, 1), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 14),
        TRANSFER_DAY, date(2026, 10, 16), date(2026, 11, 1), date(2026, 11, 20)]  # fmt: skip


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


class Town:
    """One town with two schools: X (primary, class-size cap 3) and Y (nine-year); and a school Z of another
    town. Pupil `moved` transfers from X to Y on 15 October; `left` withdraws from X on 10 October; `late`
    joins Y on 1 November."""

    def __init__(self):
        self.spring = SemesterFactory(school_year=2025, term=2, starts_on=date(2026, 3, 2), ends_on=date(2026, 7, 10))
        self.autumn = SemesterFactory(school_year=2026)  # 2026-09-01 – 2027-01-22
        self.town = TownFactory(name="东湖镇教办")
        self.x = SchoolFactory(name="甲小学", authority=self.town, class_size_cap=3)
        self.y = SchoolFactory(name="乙学校", authority=self.town, stage=School.Stage.NINE_YEAR)
        self.z = SchoolFactory(name="丙小学", authority=TownFactory(parent=self.town.parent))
        self.x1 = SchoolClassFactory(school=self.x, grade=1, number=1)
        self.x2 = SchoolClassFactory(school=self.x, grade=2, number=1)
        self.y1 = SchoolClassFactory(school=self.y, grade=1, number=1)
        self.y7 = SchoolClassFactory(school=self.y, grade=7, number=1)
        self.z1 = SchoolClassFactory(school=self.z, grade=1, number=1)
        self.officer = UserFactory(username="officer_stats")
        grant_role(self.officer, Role.OFFICER, self.town, actor=self.officer)
        female = codes.Sex.FEMALE
        self.pupils = {
            "x_boy": self._enrol(self.x1, StudentFactory(left_behind=codes.LeftBehind.ONE_PARENT)),
            "x_girl": self._enrol(self.x1, StudentFactory(sex=female, migrant_worker_child=True)),
            "x_girl2": self._enrol(self.x1, StudentFactory(sex=female, ethnicity="03")),
            "x2_boy": self._enrol(self.x2, StudentFactory(disabled=True, inclusive_education=True)),
            "y_girl": self._enrol(self.y1, StudentFactory(sex=female, left_behind=codes.LeftBehind.BOTH_PARENTS)),
            "y7_boy": self._enrol(self.y7, StudentFactory(ethnicity="08")),
            "z_boy": self._enrol(self.z1, StudentFactory(left_behind=codes.LeftBehind.ONE_PARENT)),
        }
        self.moved = self._enrol(self.x1, StudentFactory(migrant_worker_child=True))
        EnrolmentSpell.objects.filter(student=self.moved).update(ended_on=TRANSFER_DAY, exit_reason="transferred_out")
        EnrolmentSpellFactory(student=self.moved, school_class=self.y1, started_on=TRANSFER_DAY,
                              entry_reason=EnrolmentSpell.EntryReason.TRANSFER_IN)  # fmt: skip
        self.left = self._enrol(self.x2, StudentFactory(sex=female, left_behind=codes.LeftBehind.ONE_PARENT))
        EnrolmentSpell.objects.filter(student=self.left).update(ended_on=date(2026, 10, 10), exit_reason="withdrawn")
        self.late = self._enrol(self.y1, StudentFactory(), started_on=date(2026, 11, 1))

    def _enrol(self, school_class, student, started_on=date(2026, 9, 1)):
        EnrolmentSpellFactory(student=student, school_class=school_class, started_on=started_on)
        return student

    def schools(self):
        return statistics.authority_schools(School.objects.all(), self.town)


@pytest.fixture
def town(db):
    return Town()


def direct_counts(school, day):
    """Counted in Python from every spell: {(grade, sex): pupils} on `school`'s register on `day`."""
    counts = {}
    for spell in EnrolmentSpell.objects.select_related("student"):
        if (
            spell.school_id == school.pk
            and spell.started_on <= day
            and (spell.ended_on is None or spell.ended_on > day)
        ):
            key = (spell.grade, spell.student.sex)
            counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("day", DAYS)
def test_pupils_agree_with_a_direct_count_on_every_day(town, day):
    figures = statistics.figures(town.schools(), day)
    assert [school.code for school in figures.schools] == sorted([town.x.code, town.y.code])
    total = 0
    for school in (town.x, town.y):
        direct = direct_counts(school, day)
        counted = figures.by_school.get(school.pk, statistics.Counts())
        assert counted.pupils == sum(direct.values())
        assert counted.male == sum(n for (_grade, sex), n in direct.items() if sex == codes.Sex.MALE)
        assert counted.female == sum(n for (_grade, sex), n in direct.items() if sex == codes.Sex.FEMALE)
        for grade in {grade for grade, _sex in direct}:
            by_grade = figures.by_school_grade[(school.pk, grade)]
            assert by_grade.pupils == sum(n for (g, _sex), n in direct.items() if g == grade)
        total += sum(direct.values())
    assert figures.total.pupils == total
    assert sum(counts.pupils for counts in figures.by_grade.values()) == total
    grades = statistics_tables.tables(figures, town=True)["grades"]
    assert grades.total[-1] == total
    assert sum(row.cells[-1] for row in grades.rows) == total


def test_a_pupil_transferred_mid_semester_is_counted_at_the_right_school_each_day(town):
    def where(day):
        figures = statistics.figures(town.schools(), day)
        return figures.by_school_grade.get((town.x.pk, 1)), figures.by_school_grade.get((town.y.pk, 1))

    at_x, at_y = where(TRANSFER_DAY - timedelta(days=1))
    assert (at_x.pupils, at_y.pupils) == (4, 1)  # three of X's own and the pupil about to move; Y's girl
    at_x, at_y = where(TRANSFER_DAY)
    assert (at_x.pupils, at_y.pupils) == (3, 2)
    at_x, at_y = where(date(2026, 11, 1))
    assert (at_x.pupils, at_y.pupils) == (3, 3)  # and the late joiner
    before = statistics.figures(town.schools(), TRANSFER_DAY - timedelta(days=1))
    after = statistics.figures(town.schools(), TRANSFER_DAY)
    assert before.total.pupils == after.total.pupils  # moved within the town: counted once, never twice


def test_a_school_scope_counts_only_that_school(town):
    figures = statistics.figures(School.objects.filter(pk=town.y.pk), TRANSFER_DAY)
    assert figures.total.pupils == sum(direct_counts(town.y, TRANSFER_DAY).values()) == 3
    assert figures.grades == list(range(1, 10))  # a nine-year school
    tables = statistics_tables.tables(figures, town=False)
    assert "schools" not in tables
    assert [row.cells[1] for row in tables["flags"].rows] == [2, 0, 0, 0, 0, 0, 1, 0, 0]  # pupils by grade


def test_a_county_counts_the_schools_of_every_one_of_its_towns(town):
    county = town.town.parent
    figures = statistics.figures(statistics.authority_schools(School.objects.all(), county), TRANSFER_DAY)
    assert [school.code for school in figures.schools] == sorted([town.x.code, town.y.code, town.z.code])
    assert figures.total.pupils == sum(sum(direct_counts(s, TRANSFER_DAY).values()) for s in (town.x, town.y, town.z))
    assert figures.by_school[town.z.pk].pupils == 1  # the other town's school


def test_national_flags(town):
    flags = statistics.figures(town.schools(), date(2026, 10, 1)).total.flags
    # left behind: x_boy, y_girl, left (still there on 1 October); migrant: x_girl, moved; minorities: x_girl2, y7_boy
    assert flags == {"left_behind": 3, "migrant": 2, "disabled": 1, "inclusive": 1, "minority": 2}
    later = statistics.figures(town.schools(), date(2026, 11, 1)).total.flags
    assert later["left_behind"] == 2  # the withdrawn pupil no longer counts; the other town's never did
    by_school = statistics.figures(town.schools(), date(2026, 11, 1)).by_school
    assert by_school[town.y.pk].flags["migrant"] == 1  # the moved pupil, now at Y
    flags_table = statistics_tables.tables(statistics.figures(town.schools(), date(2026, 11, 1)), town=True)["flags"]
    assert flags_table.total[1:] == [8, 2, 2, 1, 1, 2]


def test_oversized_classes_as_of_the_day(town):
    before = statistics.figures(town.schools(), TRANSFER_DAY - timedelta(days=1))
    assert [(row["school"], row["grade"], row["pupils"]) for row in before.oversized] == [(town.x, 1, 4)]
    table = statistics_tables.tables(before, town=True)["classes"]
    assert [(row.cells[0], row.cells[2], row.cells[3], row.cells[4], row.flagged) for row in table.rows] == [
        ("甲小学", 4, 3, 1, True)
    ]
    schools = statistics_tables.tables(before, town=True)["schools"]
    x_row = next(row for row in schools.rows if row.cells[0] == town.x.code)
    assert x_row.flagged and x_row.cells[7:9] == [4, 1]  # largest class, oversized classes
    after = statistics.figures(town.schools(), TRANSFER_DAY)
    assert after.oversized == []
    every_class = statistics_tables.tables(statistics.figures(School.objects.filter(pk=town.x.pk), date(2026, 10, 1)),
                                    town=False)["classes"]  # fmt: skip
    assert [(row.cells[2], row.flagged) for row in every_class.rows] == [(4, True), (2, False)]


@pytest.fixture
def requests(town):
    """Requests of the town's schools, made with the ORM with explicit times, and their approval steps."""
    user = town.officer

    def request(kind, school, *, submitted, closed=None, state="pending", counterpart=None, steps=()):
        made = ChangeRequest.objects.create(
            kind=kind, student=StudentFactory(), school=school, counterpart_school=counterpart, state=state,
            initiated_by=user, submitted_at=submitted, closed_at=closed,
        )  # fmt: skip
        for position, (due_on, decided_at) in enumerate(steps, start=1):
            ApprovalStep.objects.create(
                request=made, round=1, position=position, authority=town.town, due_on=due_on,
                decision="approved" if decided_at else "pending", decided_by=user if decided_at else None,
                decided_at=decided_at,
            )  # fmt: skip
        return made

    return {
        "transfer": request("transfer", town.y, counterpart=town.x, submitted=at(2026, 10, 8, 9),
                            closed=at(2026, 10, 15, 9), state="approved",
                            steps=[(date(2026, 10, 10), at(2026, 10, 14, 16))]),  # 7 days; decided late
        "suspension": request("suspension", town.x, submitted=at(2026, 10, 1, 9), closed=at(2026, 10, 3, 9),
                              state="approved", steps=[(date(2026, 10, 15), at(2026, 10, 3, 9))]),  # 2 days
        "withdrawal": request("withdrawal", town.x, submitted=at(2026, 10, 5, 9), closed=at(2026, 10, 6, 9),
                              state="withdrawn", steps=[(date(2026, 10, 19), None)]),
        "registration": request("registration", town.x, submitted=at(2026, 10, 10, 9),
                                steps=[(date(2026, 10, 20), None)]),  # pending, overdue from 21 October
        "registered": request("registration", town.y, submitted=at(2026, 9, 20, 9), closed=at(2026, 10, 20, 9),
                              state="approved", steps=[(date(2026, 10, 12), at(2026, 10, 20, 9))]),
        "key_change": request("key_change", town.x, submitted=at(2026, 10, 12, 9), closed=at(2026, 11, 20, 9),
                              state="approved", steps=[(date(2026, 10, 26), at(2026, 11, 20, 9))]),
        "spring": request("suspension", town.x, submitted=at(2026, 6, 1, 9), closed=at(2026, 6, 3, 9),
                          state="approved", steps=[(date(2026, 6, 15), at(2026, 6, 3, 9))]),
        "elsewhere": request("suspension", town.z, submitted=at(2026, 10, 8, 9)),
    }  # fmt: skip


def _by_kind(figures):
    return {f.kind: f for f in figures.changes}


def test_changes_by_kind_and_outcome_as_of_a_day(town, requests):
    figures = statistics.figures(town.schools(), date(2026, 10, 31))
    assert figures.period == (date(2026, 9, 1), date(2026, 10, 31))
    changes = _by_kind(figures)
    assert list(changes) == ["registration", "transfer", "suspension", "withdrawal", "key_change"]
    summary = {kind: (f.submitted, f.approved, f.open, f.withdrawn) for kind, f in changes.items()}
    assert summary == {
        "registration": (2, 1, 1, 0),
        "transfer": (1, 1, 0, 0),
        "suspension": (1, 1, 0, 0),  # not the spring one, nor the other town's
        "withdrawal": (1, 0, 0, 1),
        "key_change": (1, 0, 1, 0),  # approved only on 20 November
    }
    assert changes["transfer"].average_days == pytest.approx(7)
    assert changes["suspension"].average_days == pytest.approx(2)
    assert changes["registration"].average_days == pytest.approx(30)
    assert changes["key_change"].average_days is None
    assert figures.changes_total.average_days == pytest.approx((7 + 2 + 30) / 3)
    assert changes["transfer"].buckets == [0, 0, 1, 0, 0]
    assert changes["registration"].buckets == [0, 0, 0, 0, 1]
    # late decisions: the transfer (due 10 Oct, decided 14 Oct) and the registration (due 12 Oct, decided 20 Oct)
    assert (changes["transfer"].steps_late, changes["registration"].steps_late) == (1, 1)
    assert changes["suspension"].steps_late == 0
    # still waiting past the due date on 31 October: the pending registration (due 20 Oct) and the key change
    # (due 26 Oct, decided only on 20 Nov); never the withdrawn request's step
    assert (changes["registration"].steps_waiting_late, changes["key_change"].steps_waiting_late) == (1, 1)
    assert changes["withdrawal"].steps_waiting_late == 0
    months = dict(figures.months)
    assert list(months) == [date(2026, 9, 1), date(2026, 10, 1)]
    assert months[date(2026, 9, 1)] == {"registration": 1}
    assert sum(months[date(2026, 10, 1)].values()) == 5


def test_outcomes_change_with_the_day_and_not_afterwards(town, requests):
    early = _by_kind(statistics.figures(town.schools(), date(2026, 10, 12)))
    assert (early["transfer"].approved, early["transfer"].open) == (0, 1)  # approved on 15 October
    assert early["transfer"].steps_late == 0 and early["transfer"].steps_waiting_late == 1
    assert "key_change" in early and early["key_change"].submitted == 1
    november = _by_kind(statistics.figures(town.schools(), date(2026, 11, 25)))
    assert november["key_change"].approved == 1 and november["key_change"].average_days == pytest.approx(39)
    assert november["key_change"].buckets == [0, 0, 0, 0, 1]
    spring = statistics.figures(town.schools(), date(2026, 8, 15))  # summer holiday: the spring term
    assert spring.semester == town.spring and spring.period == (date(2026, 3, 2), date(2026, 7, 10))
    assert {f.kind: f.approved for f in spring.changes} == {"suspension": 1}


def test_registrations_pending_as_of_a_day(town, requests):
    def pending(day):
        figures = statistics.figures(town.schools(), day)
        return {school.name: school.pending_registrations for school in figures.schools}

    assert pending(date(2026, 9, 19)) == {"甲小学": 0, "乙学校": 0}
    assert pending(date(2026, 10, 9)) == {"甲小学": 0, "乙学校": 1}
    assert pending(date(2026, 10, 19)) == {"甲小学": 1, "乙学校": 1}
    assert pending(date(2026, 10, 20)) == {"甲小学": 1, "乙学校": 0}  # approved that morning


def test_the_reconciliation_state_is_the_one_it_had_on_the_day(town):
    with time_machine.travel(at(2026, 10, 16, 10)):
        check = RollCheck.objects.create(school=town.x, semester=town.autumn, check_date=TRANSFER_DAY)
    with time_machine.travel(at(2026, 10, 20, 10)):
        check.state = RollCheck.State.SUBMITTED
        check.save()

    def state(day):
        figures = statistics.figures(town.schools(), day)
        return {school.name: (school.check_state, school.check_day, school.check_registered)
                for school in figures.schools}  # fmt: skip

    assert state(date(2026, 10, 15)) == {"甲小学": ("not_started", None, None), "乙学校": ("not_started", None, None)}
    assert state(date(2026, 10, 16))["甲小学"] == ("draft", TRANSFER_DAY, 4)  # on the register on the check date
    assert state(date(2026, 10, 25))["甲小学"] == ("submitted", TRANSFER_DAY, 4)
    table = statistics_tables.tables(statistics.figures(town.schools(), date(2026, 10, 25)), town=True)[
        "reconciliation"
    ]
    assert [row.flagged for row in table.rows] == [False, True]  # Y has not started


def _grow(town, schools=3, classes=4, pupils=6):
    """More of everything: schools with classes and pupils, requests with steps, reconciliations."""
    for n in range(schools):
        school = SchoolFactory(authority=town.town)
        RollCheck.objects.create(school=school, semester=town.autumn, check_date=date(2026, 10, 1))
        for grade in range(1, classes + 1):
            school_class = SchoolClassFactory(school=school, grade=grade)
            for _ in range(pupils):
                student = EnrolmentSpellFactory(school_class=school_class, started_on=date(2026, 9, 1)).student
            request = ChangeRequest.objects.create(
                kind=["suspension", "transfer", "registration", "withdrawal"][(n + grade) % 4], student=student,
                school=school, initiated_by=town.officer, submitted_at=at(2026, 10, grade, 9),
                closed_at=at(2026, 10, grade + 3, 9), state="approved",
            )  # fmt: skip
            ApprovalStep.objects.create(
                request=request, round=1, position=1, authority=town.town, due_on=date(2026, 10, grade + 1),
                decision="approved", decided_by=town.officer, decided_at=at(2026, 10, grade + 3, 9),
            )  # fmt: skip


def test_a_fixed_number_of_queries_whatever_the_size(town, requests):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            figures = statistics.figures(town.schools(), date(2026, 10, 31))
            statistics_tables.charts(figures, statistics_tables.tables(figures, town=True))
        return len(captured.captured_queries), figures

    small, figures = queries()
    assert small == 6
    pupils_before = figures.total.pupils
    _grow(town)
    larger, figures = queries()
    assert larger == small
    assert figures.total.pupils == pupils_before + 3 * 4 * 6
    assert len(figures.schools) == 5


def test_the_town_page_answers_in_the_same_number_of_queries(client, town, requests):
    client.force_login(town.officer)
    url = reverse("authority_statistics", args=[town.town.pk]) + "?on=2026-10-31"
    client.get(url)  # warm caches (content types, sessions)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    small = count()
    _grow(town, schools=4, classes=5, pupils=8)
    assert count() == small


# --- scope ---------------------------------------------------------------------------------------------------


def test_another_towns_officer_gets_404_for_the_authority_page(client, world):
    client = client_for(client, world, "officer")
    assert client.get(reverse("authority_statistics", args=[world.town1.pk])).status_code == 200
    assert client.get(reverse("authority_statistics", args=[world.town2.pk])).status_code == 404
    assert client.get(reverse("authority_statistics_export", args=[world.town2.pk, "all"])).status_code == 404
    assert client.get(reverse("authority_statistics_pdf", args=[world.town2.pk])).status_code == 404
    assert client.get(reverse("school_statistics", args=[world.school_c.code])).status_code == 404


def test_a_registrar_sees_only_their_school(client, world):
    client = client_for(client, world, "registrar")
    assert client.get(reverse("school_statistics", args=[world.school_a.code])).status_code == 200
    assert client.get(reverse("school_statistics", args=[world.school_b.code])).status_code == 404
    assert client.get(reverse("school_statistics_export", args=[world.school_b.code, "all"])).status_code == 404
    assert client.get(reverse("authority_statistics", args=[world.town1.pk])).status_code == 404
    response = client.get(reverse("statistics"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "school_statistics", args=[world.school_a.code]
    )


def test_the_officers_town_page_counts_only_their_towns_schools(client, world):
    response = client_for(client, world, "officer").get(reverse("authority_statistics", args=[world.town1.pk]))
    codes_shown = [school.code for school in response.context["figures"].schools]
    assert codes_shown == sorted([world.school_a.code, world.school_b.code])
    assert response.context["figures"].total.pupils == 2  # the world's "own" and "sibling" pupils


# --- the figures a town office reads, cell by cell ------------------------------------------------------------


def test_a_kind_approved_in_two_months_averages_and_buckets_over_both(town, requests):
    """The registrations are counted by kind and month in one query: the September one (approved in 30 days)
    and an October one approved in 4 days average 17 days, one in each bucket, and each month keeps its own."""
    ChangeRequest.objects.create(
        kind="registration", student=StudentFactory(), school=town.x, state="approved", initiated_by=town.officer,
        submitted_at=at(2026, 10, 2, 9), closed_at=at(2026, 10, 6, 9),
    )  # fmt: skip
    figures = statistics.figures(town.schools(), date(2026, 10, 31))
    registration = _by_kind(figures)["registration"]
    assert (registration.submitted, registration.approved, registration.open) == (3, 2, 1)
    assert registration.average_days == pytest.approx(17)
    assert registration.buckets == [0, 1, 0, 0, 1]
    months = dict(figures.months)
    assert (months[date(2026, 9, 1)]["registration"], months[date(2026, 10, 1)]["registration"]) == (1, 2)


def test_a_request_counts_as_withdrawn_only_from_the_day_it_was_withdrawn(town, requests):
    """The withdrawal request was submitted on 5 October and withdrawn on 6 October at nine: on the 5th it is
    still open."""
    on_the_5th = _by_kind(statistics.figures(town.schools(), date(2026, 10, 5)))["withdrawal"]
    assert (on_the_5th.submitted, on_the_5th.withdrawn, on_the_5th.open) == (1, 0, 1)
    on_the_6th = _by_kind(statistics.figures(town.schools(), date(2026, 10, 6)))["withdrawal"]
    assert (on_the_6th.submitted, on_the_6th.withdrawn, on_the_6th.open) == (1, 1, 0)


def test_approval_times_fall_in_their_buckets_and_only_steps_decided_by_the_day_count_as_decided(town, requests):
    """A second suspension approved the next morning (within 1 day) beside the one approved in 2 days: one in
    each of the first two buckets. Steps decided: only those decided by the end of the day."""
    quick = ChangeRequest.objects.create(
        kind="suspension", student=StudentFactory(), school=town.x, state="approved", initiated_by=town.officer,
        submitted_at=at(2026, 10, 20, 9), closed_at=at(2026, 10, 21, 8),
    )  # fmt: skip
    ApprovalStep.objects.create(
        request=quick, round=1, position=1, authority=town.town, due_on=date(2026, 10, 30), decision="approved",
        decided_by=town.officer, decided_at=at(2026, 10, 21, 8),
    )  # fmt: skip
    figures = statistics.figures(town.schools(), date(2026, 10, 31))
    changes = _by_kind(figures)
    assert changes["suspension"].buckets == [1, 1, 0, 0, 0]
    assert changes["suspension"].average_days == pytest.approx((2 + 23 / 24) / 2)
    decided = {kind: f.steps_decided for kind, f in changes.items()}
    # registration: the approved one's step, not the pending one's; key change: decided only on 20 November
    assert decided == {"registration": 1, "transfer": 1, "suspension": 2, "withdrawal": 0, "key_change": 0}
    total = figures.changes_total
    assert (total.submitted, total.approved, total.open, total.withdrawn) == (7, 4, 2, 1)
    assert (total.steps_decided, total.steps_late, total.steps_waiting_late, total.buckets) == (
        4, 2, 2, [1, 1, 1, 0, 1]
    )  # fmt: skip


def test_the_months_run_up_to_the_day_even_when_it_is_the_first_of_a_month(town, requests):
    months = statistics.figures(town.schools(), date(2026, 11, 1)).months
    assert [month for month, _counts in months] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert months[2][1] == {}  # nothing submitted on 1 November


def test_the_class_table_lists_classes_by_school_then_grade_then_number(town):
    """A class made later with a smaller number comes first in its grade; X's classes before Y's."""
    second = SchoolClassFactory(school=town.x, grade=1, number=2)
    town.x1.number = 3
    town.x1.save()
    figures = statistics.figures(town.schools(), TRANSFER_DAY)
    listed = [(row["school"], row["grade"], row["number"]) for row in figures.classes]
    assert listed == [(town.x, 1, 2), (town.x, 1, 3), (town.x, 2, 1), (town.y, 1, 1), (town.y, 7, 1)]
    assert [row["pk"] for row in figures.classes][:2] == [second.pk, town.x1.pk]
    school = statistics.figures(School.objects.filter(pk=town.x.pk), TRANSFER_DAY)
    table = statistics_tables.tables(school, town=False)["classes"]
    assert [row.cells[2] for row in table.rows] == [0, 3, 1]  # pupils of 1 (2), 1 (3) and 2 (1)


def test_the_printed_summary_is_dated_the_day_counted(town, requests):
    from reports.statistics.exports import summary_context

    figures = statistics.figures(town.schools(), date(2026, 10, 31))
    context = summary_context(figures, authority=town.town, printed_by=town.officer)
    assert (context["day"], figures.day) == (date(2026, 10, 31), date(2026, 10, 31))


def test_only_this_semesters_reconciliation_counts_and_its_last_change_of_an_instant_wins(town):
    """Last spring's submitted reconciliation says nothing about the autumn's: X has not started. A check made
    and submitted within one instant (the clock standing still) shows as submitted."""
    with time_machine.travel(at(2026, 6, 20, 10)):
        RollCheck.objects.create(school=town.x, semester=town.spring, check_date=date(2026, 6, 19),
                                 state=RollCheck.State.SUBMITTED)  # fmt: skip
    with time_machine.travel(at(2026, 10, 16, 10), tick=False):
        check = RollCheck.objects.create(school=town.y, semester=town.autumn, check_date=TRANSFER_DAY)
        check.state = RollCheck.State.SUBMITTED
        check.save()
    schools = {school.name: school for school in statistics.figures(town.schools(), date(2026, 10, 20)).schools}
    assert (schools["甲小学"].check_state, schools["甲小学"].check_day) == ("not_started", None)
    assert (schools["乙学校"].check_state, schools["乙学校"].check_day) == ("submitted", TRANSFER_DAY)


def test_the_reconciliation_table_names_each_state_and_a_deleted_check_is_not_started(town):
    """X's draft was deleted on 18 October: from then on X has not started (the row stands out); Y's check was
    submitted to the headteacher on 20 October."""
    with time_machine.travel(at(2026, 10, 16, 10)):
        deleted = RollCheck.objects.create(school=town.x, semester=town.autumn, check_date=TRANSFER_DAY)
        check = RollCheck.objects.create(school=town.y, semester=town.autumn, check_date=TRANSFER_DAY)
    with time_machine.travel(at(2026, 10, 18, 10)):
        deleted.delete()
    with time_machine.travel(at(2026, 10, 20, 10)):
        check.state = RollCheck.State.SUBMITTED
        check.save()

    def rows(day):
        with translation.override("en"):
            table = statistics_tables.tables(statistics.figures(town.schools(), day), town=True)["reconciliation"]
            return [(*row.cells, row.flagged) for row in table.rows]

    assert rows(date(2026, 10, 17)) == [
        (town.x.code, "甲小学", "Draft", TRANSFER_DAY, 4, False),
        (town.y.code, "乙学校", "Draft", TRANSFER_DAY, 3, False),
    ]
    assert rows(date(2026, 10, 25)) == [
        (town.x.code, "甲小学", "Not started", None, None, True),
        (town.y.code, "乙学校", "Submitted to the headteacher", TRANSFER_DAY, 3, False),
    ]
