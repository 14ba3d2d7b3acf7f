"""Statistics of a school or a town (数据统计, the national system's 统计报表): the pupils on the register by grade
and sex, by school and by stage, the national flags, class sizes against the cap, the status changes of the
semester by kind and outcome with their approval times, the registrations pending and each school's roll
reconciliation — all as of one chosen day.

Everything is counted from the records as they stood that day, never from stored counters, so a past day
gives the same figures later: a pupil is on a school's register when an enrolment spell of that school had
started and not yet ended (students.selectors.on_register); a request's outcome is the one it had
by the end of the day (closed_at); a reconciliation's state is read from its history. The pupil's own
attributes (sex, flags, ethnicity) are the record's current values.

`figures(schools, day)` reads in six queries whatever the number of pupils, classes, schools or requests
(aggregation in the database: conditional counts, values() + annotate); reports.statistics.tables turns them
into the tables and charts that pages, workbooks and the PDF show. Nothing here writes.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import SchoolClass, Semester
from students import codes
from students.models import RollCheck
from students.selectors import on_register, on_register_q, spells_on_register
from transfers.models import ApprovalStep, ChangeRequest

NOT_STARTED = "not_started"
# The national flags, counted on the pupils on the register: (key, label, condition on the pupil).
FLAGS = [
    ("left_behind", gettext_lazy("Left-behind"), ~Q(student__left_behind=codes.LeftBehind.NO)),
    ("migrant", gettext_lazy("Migrant worker's children"), Q(student__migrant_worker_child=True)),
    ("disabled", gettext_lazy("Disability"), Q(student__disabled=True)),
    ("inclusive", gettext_lazy("Learning in a regular class"), Q(student__inclusive_education=True)),
    ("minority", gettext_lazy("Ethnic minorities"), ~Q(student__ethnicity="01")),
]
# Approval time from submission to approval, in calendar days: (upper bound in days or None, label).
APPROVAL_BUCKETS = [
    (1, gettext_lazy("Within 1 day")),
    (5, gettext_lazy("2–5 days")),
    (10, gettext_lazy("6–10 days")),
    (15, gettext_lazy("11–15 days")),
    (None, gettext_lazy("Over 15 days")),
]
SEXES = (codes.Sex.MALE, codes.Sex.FEMALE)


def end_of(day):
    """The first instant after `day`, in the site's time zone: 'as of the day' means before this."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def authority_schools(schools, authority):
    """Of `schools` (already scoped), those of `authority`: a town office's own, or every town's of a county."""
    return schools.filter(Q(authority=authority) | Q(authority__parent=authority))


@dataclass
class Counts:
    """Pupils on the register, with each national flag (FLAGS keys)."""

    pupils: int = 0
    male: int = 0
    female: int = 0
    flags: dict = field(default_factory=lambda: {key: 0 for key, _label, _q in FLAGS})

    def add(self, row):
        self.pupils += row["pupils"]
        if row["student__sex"] == codes.Sex.MALE:
            self.male += row["pupils"]
        elif row["student__sex"] == codes.Sex.FEMALE:
            self.female += row["pupils"]
        for key in self.flags:
            self.flags[key] += row[key]


@dataclass
class KindFigures:
    """The requests of one kind submitted in the period and what had become of them by the day."""

    kind: str
    submitted: int = 0
    approved: int = 0
    open: int = 0  # under review or returned for amendment
    withdrawn: int = 0
    average_days: float | None = None  # submission to approval, of those approved
    buckets: list = field(default_factory=lambda: [0] * len(APPROVAL_BUCKETS))
    steps_decided: int = 0
    steps_late: int = 0  # decided after their due date
    steps_waiting_late: int = 0  # still undecided on the day, past their due date

    @property
    def label(self):
        return ChangeRequest.Kind(self.kind).label

    @property
    def change_type_code(self):
        """The kind's change-type code (JY/T 1001 学籍异动类别码), "" when the standard has none."""
        return ChangeRequest.Kind(self.kind).change_type_code


@dataclass
class Figures:
    day: date
    semester: Semester | None
    period: tuple | None  # (first day, last day) of the semester counted up to the day
    schools: list  # School rows with check_state, check_day, check_registered, pending_registrations
    grades: list  # the grades taught by these schools (and any with pupils)
    total: Counts
    by_grade: dict  # grade → Counts
    by_school: dict  # school pk → Counts
    by_school_grade: dict  # (school pk, grade) → Counts
    classes: list  # dicts: school, grade, number, pupils, cap, oversized
    changes: list  # KindFigures, in the order of ChangeRequest.Kind, only kinds with requests
    months: list  # (first day of month, {kind: number})

    @property
    def oversized(self):
        return [row for row in self.classes if row["oversized"]]

    @property
    def pending_registrations(self):
        return sum(school.pending_registrations for school in self.schools)

    @property
    def changes_total(self):
        total = KindFigures(kind="")
        for figures in self.changes:
            for name in ("submitted", "approved", "open", "withdrawn", "steps_decided", "steps_late",
                         "steps_waiting_late"):  # fmt: skip
                setattr(total, name, getattr(total, name) + getattr(figures, name))
            total.buckets = [a + b for a, b in zip(total.buckets, figures.buckets, strict=True)]
        weighted = [(f.average_days, f.approved) for f in self.changes if f.average_days is not None]
        if weighted:
            total.average_days = sum(days * n for days, n in weighted) / sum(n for _days, n in weighted)
        return total


def figures(schools, day) -> Figures:
    """The figures of `schools` (a queryset, already scoped) as of `day`, in six queries."""
    end = end_of(day)
    semester = Semester.as_of(day)
    school_rows = _schools(schools, semester, day, end)
    ids = [school.pk for school in school_rows]  # read once, not a subquery of the scope in every query
    by_grade, by_school, by_school_grade = defaultdict(Counts), defaultdict(Counts), defaultdict(Counts)
    total = Counts()
    spells = (
        spells_on_register(day)
        .filter(school__in=ids)
        .order_by()
        .values("school", "grade", "student__sex")
        .annotate(pupils=Count("pk"), **{key: Count("pk", filter=condition) for key, _label, condition in FLAGS})
    )
    for row in spells:
        for counts in (total, by_grade[row["grade"]], by_school[row["school"]],
                       by_school_grade[(row["school"], row["grade"])]):  # fmt: skip
            counts.add(row)
    by_pk = {school.pk: school for school in school_rows}
    classes = []
    for row in (
        SchoolClass.objects.filter(school__in=ids)
        .order_by("school__code", "grade", "number")
        .values("pk", "school", "grade", "number", "school__class_size_cap")
        .annotate(pupils=Count("spells", filter=on_register_q(day, "spells__")))
    ):
        cap = row["school__class_size_cap"]
        classes.append({"pk": row["pk"], "school": by_pk.get(row["school"]), "grade": row["grade"],
                        "number": row["number"], "pupils": row["pupils"], "cap": cap,
                        "oversized": row["pupils"] > cap})  # fmt: skip
    grades = sorted({grade for school in school_rows for grade in school.grades} | set(by_grade))
    period = None
    changes, months = [], []
    if semester is not None:
        period = (semester.starts_on, min(day, semester.ends_on))
        changes, months = _changes(ids, period, day, end)
    return Figures(
        day=day, semester=semester, period=period, schools=school_rows, grades=grades, total=total,
        by_grade=dict(by_grade), by_school=dict(by_school), by_school_grade=dict(by_school_grade), classes=classes,
        changes=changes, months=months,
    )  # fmt: skip


def _schools(schools, semester, day, end):
    """The schools (one query) with the registrations pending on the day and, for the semester, the state
    their roll reconciliation had by the end of the day (from its history), its check date and the pupils on
    the register that date."""
    pending = (
        ChangeRequest.objects.filter(kind=ChangeRequest.Kind.REGISTRATION, school=OuterRef("pk"), submitted_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .order_by()
        .values("school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    schools = schools.annotate(
        pending_registrations=Coalesce(Subquery(pending, output_field=IntegerField()), 0)
    )
    if semester is not None:
        history = RollCheck.history.model.objects.filter(
            school=OuterRef("pk"), semester=semester, history_date__lt=end
        ).order_by("-history_date", "-history_id")
        schools = schools.annotate(
            check_state=Subquery(history.values("state")[:1]),
            check_history_type=Subquery(history.values("history_type")[:1]),
            check_day=Subquery(history.values("check_date")[:1]),
        ).annotate(
            check_registered=Subquery(
                on_register(OuterRef("pk"), OuterRef("check_day"))
                .order_by()
                .values("school")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
    rows = list(schools.order_by("code"))
    for school in rows:
        if semester is None or school.check_state is None or school.check_history_type == "-":
            school.check_state, school.check_day, school.check_registered = NOT_STARTED, None, None
        school.check_state_label = (
            _("Not started") if school.check_state == NOT_STARTED else RollCheck.State(school.check_state).label
        )
    return rows


def _kind_figures(kind, sums):
    """A kind's figures from its requests' counts summed over the months (`waited`: microseconds from submission
    to approval, of those approved)."""
    figures = KindFigures(kind=kind, submitted=sums["submitted"], approved=sums["approved"],
                          withdrawn=sums["withdrawn"])  # fmt: skip
    figures.open = figures.submitted - figures.approved - figures.withdrawn
    if figures.approved:
        figures.average_days = sums["waited"] / figures.approved / 1e6 / 86400
    cumulative = [sums[f"within_{days}"] for days, _label in APPROVAL_BUCKETS if days is not None]
    cumulative.append(figures.approved)
    figures.buckets = [cumulative[0]] + [b - a for a, b in zip(cumulative, cumulative[1:], strict=False)]
    return figures


def _changes(ids, period, day, end):
    """The requests of the schools (initiated by one, or naming one as the other school) submitted in the
    period, by kind and month of submission (one query), and their steps' timeliness (one query)."""
    requests = ChangeRequest.objects.filter(Q(school__in=ids) | Q(counterpart_school__in=ids)).filter(
        submitted_at__gte=start_of(period[0]), submitted_at__lt=end_of(period[1])
    )
    approved = Q(state=ChangeRequest.State.APPROVED, closed_at__lt=end)
    withdrawn = Q(state=ChangeRequest.State.WITHDRAWN, closed_at__lt=end)
    within = {
        f"within_{days}": Count("pk", filter=approved & Q(closed_at__lte=F("submitted_at") + timedelta(days=days)))
        for days, _label in APPROVAL_BUCKETS
        if days is not None
    }
    sums, counted = defaultdict(Counter), defaultdict(dict)
    for row in (
        requests.annotate(month=TruncMonth("submitted_at"))
        .order_by()
        .values("kind", "month")
        .annotate(
            submitted=Count("pk"),
            approved=Count("pk", filter=approved),
            withdrawn=Count("pk", filter=withdrawn),
            waited=Sum(F("closed_at") - F("submitted_at"), filter=approved),
            **within,
        )
    ):
        kind, month, waited = row.pop("kind"), row.pop("month"), row.pop("waited")
        month = timezone.localtime(month).date() if isinstance(month, datetime) else month
        counted[month.replace(day=1)][kind] = row["submitted"]
        sums[kind].update(row)
        if waited is not None:  # some back ends give microseconds
            sums[kind]["waited"] += waited // timedelta(microseconds=1) if isinstance(waited, timedelta) else waited
    by_kind = {kind: _kind_figures(kind, counts) for kind, counts in sums.items()}
    still_open = Q(request__closed_at__isnull=True) | Q(request__closed_at__gte=end)
    undecided = Q(decided_at__isnull=True) | Q(decided_at__gte=end)
    for row in (
        ApprovalStep.objects.filter(request__in=requests.values("pk"))
        .order_by()
        .values("request__kind")
        .annotate(
            decided=Count("pk", filter=Q(decided_at__lt=end)),
            late=Count("pk", filter=Q(decided_at__lt=end, decided_at__date__gt=F("due_on"))),
            waiting_late=Count("pk", filter=Q(due_on__lt=day) & undecided & still_open),
        )
    ):
        figures = by_kind.get(row["request__kind"])
        if figures is not None:
            figures.steps_decided, figures.steps_late = row["decided"], row["late"]
            figures.steps_waiting_late = row["waiting_late"]
    months = []
    month = period[0].replace(day=1)
    while month <= period[1]:
        months.append((month, counted.get(month, {})))
        month = (month + timedelta(days=32)).replace(day=1)
    changes = [by_kind[kind] for kind in ChangeRequest.Kind.values if kind in by_kind]
    return changes, months
