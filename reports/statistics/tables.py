"""The statistics as tables and charts: reports.statistics.figures' figures turned into the tables a page shows, exports
to Excel and prints (one definition, so page, workbook and paper show the same numbers), the headline numbers,
and the data of the charts drawn beside their tables. Nothing here reads the database."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.functional import Promise
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _

from registry.models import School
from reports.statistics.figures import APPROVAL_BUCKETS, FLAGS, NOT_STARTED, Counts
from students import codes
from transfers.models import ChangeRequest


@dataclass
class Row:
    cells: list
    flagged: bool = False  # stands out (an oversized class, a late step, a reconciliation not started)
    links: dict = field(default_factory=dict)  # cell index → address (set by the views)


@dataclass
class Table:
    slug: str
    title: str
    columns: list  # (label, numeric)
    rows: list  # Row
    total: list | None = None
    note: str = ""
    flag_label: str = ""  # said beside a flagged row, so it is not told by colour alone

    def __post_init__(self):
        """Labels as plain strings (gettext_lazy ones are not fit for Excel or JSON)."""
        self.title, self.note, self.flag_label = str(self.title), str(self.note), str(self.flag_label)
        self.columns = [(str(label), numeric) for label, numeric in self.columns]
        for row in self.rows:
            row.cells = [_plain(value) for value in row.cells]
        if self.total:
            self.total = [_plain(value) for value in self.total]

    def __len__(self):
        return len(self.rows)

    def display_rows(self):
        """[(row, [(shown, numeric, link)])] for the PDF's template, which cannot zip; each value as `shown()`
        gives it (the page's cells are built by reports' statistics_cells tags)."""
        numeric = [is_numeric for _label, is_numeric in self.columns]
        return [(row, [(shown(value), numeric[index], row.links.get(index)) for index, value in enumerate(row.cells)])
                for row in self.rows]  # fmt: skip

    def display_total(self):
        numeric = [is_numeric for _label, is_numeric in self.columns]
        return [(shown(value), numeric[index]) for index, value in enumerate(self.total or [])]


NOTHING = "—"


def shown(value):
    """A cell as a page or paper shows it: nothing counted as a dash, a day as YYYY-MM-DD, anything else as it is
    (the template localises numbers). Done here once per cell rather than by template tests per cell, which cost
    a page of a town's tables more than its queries."""
    if value is None:
        return NOTHING
    if isinstance(value, datetime):
        return localtime(value).strftime("%Y-%m-%d") if is_aware(value) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def _days(value):
    return round(value, 1) if value is not None else None


def _grade_label(grade):
    return _("Grade %(grade)s") % {"grade": grade}


def _flag_columns():
    return [(str(label), True) for _key, label, _q in FLAGS]


def tables(figures, *, town) -> dict:
    """The tables of the figures by slug, in page order: a town's (with its per-school breakdown, stages and
    only the oversized classes) or a school's (flags by grade, every class)."""
    result = {}

    def add(table):
        result[table.slug] = table

    total = figures.total
    add(Table(
        "grades", _("Pupils on the register by grade and sex"),
        [(_("Grade"), False), (codes.Sex.MALE.label, True), (codes.Sex.FEMALE.label, True), (_("Total"), True)],
        [Row([_grade_label(grade), figures.by_grade.get(grade, Counts()).male,
              figures.by_grade.get(grade, Counts()).female, figures.by_grade.get(grade, Counts()).pupils])
         for grade in figures.grades],
        total=[_("Total"), total.male, total.female, total.pupils],
    ))  # fmt: skip
    classes_of = defaultdict(list)
    for row in figures.classes:
        classes_of[row["school"].pk if row["school"] else None].append(row)
    if town:
        rows = []
        for school in figures.schools:
            counts = figures.by_school.get(school.pk, Counts())
            own = classes_of[school.pk]
            rows.append(Row([
                school.code, school.name, school.get_stage_display(), len(own), counts.pupils, counts.male,
                counts.female, max((c["pupils"] for c in own), default=0), sum(1 for c in own if c["oversized"]),
                school.pending_registrations, str(school.check_state_label),
            ], flagged=any(c["oversized"] for c in own)))  # fmt: skip
        add(Table(
            "schools", _("Pupils on the register by school"),
            [(_("School code"), False), (_("School"), False), (_("Stage"), False), (_("Classes"), True),
             (_("Pupils"), True), (codes.Sex.MALE.label, True), (codes.Sex.FEMALE.label, True),
             (_("Largest class"), True), (_("Oversized classes"), True), (_("Registrations pending"), True),
             (_("Roll reconciliation"), False)],
            rows,
            total=[_("Total"), _("%(count)s schools") % {"count": len(figures.schools)}, "", len(figures.classes),
                   total.pupils, total.male, total.female, max((c["pupils"] for c in figures.classes), default=0),
                   len(figures.oversized), figures.pending_registrations, ""],
        flag_label=_("Has oversized classes"),
        ))  # fmt: skip
        stages = defaultdict(lambda: [0, Counts()])
        for school in figures.schools:
            stages[school.stage][0] += 1
            counts = figures.by_school.get(school.pk, Counts())
            merged = stages[school.stage][1]
            merged.pupils, merged.male, merged.female = (merged.pupils + counts.pupils, merged.male + counts.male,
                                                         merged.female + counts.female)  # fmt: skip
        add(Table(
            "stages", _("Pupils on the register by stage"),
            [(_("Stage"), False), (_("Schools"), True), (_("Pupils"), True), (codes.Sex.MALE.label, True),
             (codes.Sex.FEMALE.label, True)],
            [Row([School.Stage(stage).label, stages[stage][0], stages[stage][1].pupils, stages[stage][1].male,
                  stages[stage][1].female]) for stage in School.Stage.values if stage in stages],
            total=[_("Total"), len(figures.schools), total.pupils, total.male, total.female],
        ))  # fmt: skip
        flag_rows = [
            Row([school.name, figures.by_school.get(school.pk, Counts()).pupils,
                 *figures.by_school.get(school.pk, Counts()).flags.values()])
            for school in figures.schools
        ]  # fmt: skip
        flag_group = _("School")
    else:
        flag_rows = [
            Row([_grade_label(grade), figures.by_grade.get(grade, Counts()).pupils,
                 *figures.by_grade.get(grade, Counts()).flags.values()])
            for grade in figures.grades
        ]  # fmt: skip
        flag_group = _("Grade")
    add(Table(
        "flags", _("National flags of the pupils on the register"),
        [(flag_group, False), (_("Pupils"), True), *_flag_columns()],
        flag_rows,
        total=[_("Total"), total.pupils, *total.flags.values()],
        note=_("Ethnic minorities: every ethnicity other than Han (01). Flags are the pupils' current records."),
    ))  # fmt: skip
    shown = figures.oversized if town else figures.classes
    add(Table(
        "classes", _("Oversized classes") if town else _("Class sizes"),
        [(_("School"), False), (_("Class"), False), (_("Pupils"), True), (_("Class-size cap"), True),
         (_("Over the cap by"), True)],
        [Row([row["school"].name if row["school"] else "", _("Grade %(grade)s Class %(number)s") % row,
              row["pupils"], row["cap"], max(row["pupils"] - row["cap"], 0)], flagged=row["oversized"])
         for row in shown],
        total=[_("Total"), _("%(count)s classes") % {"count": len(shown)}, sum(r["pupils"] for r in shown), "", ""],
        note=_("Classes above their school's class-size cap stand out.") if not town else "",
        flag_label=_("Over the cap"),
    ))  # fmt: skip
    changes = figures.changes_total
    add(Table(
        "changes", _("Status changes of the semester by kind and outcome"),
        [(_("Kind"), False), (_("Change-type code"), False),
         (_("Requests submitted"), True), (ChangeRequest.State.APPROVED.label, True),
         (_("Under review or returned"), True), (ChangeRequest.State.WITHDRAWN.label, True),
         (_("Average days to approval"), True), (_("Steps decided"), True),
         (_("Decided after the due date"), True), (_("Waiting past the due date"), True)],
        [Row([str(f.label), f.change_type_code,
              f.submitted, f.approved, f.open, f.withdrawn, _days(f.average_days), f.steps_decided,
              f.steps_late, f.steps_waiting_late], flagged=bool(f.steps_late or f.steps_waiting_late))
         for f in figures.changes],
        total=[_("Total"), "", changes.submitted, changes.approved, changes.open, changes.withdrawn,
               _days(changes.average_days), changes.steps_decided, changes.steps_late, changes.steps_waiting_late],
        flag_label=_("Overdue"),
        note=_("Requests submitted in the semester up to the chosen date, with their outcome by the end of that "
               "day. Approval time counts calendar days from submission to the last approval."),
    ))  # fmt: skip
    kinds = [f.kind for f in figures.changes]
    add(Table(
        "months", _("Status changes by month of submission"),
        [(_("Month"), False), *[(str(ChangeRequest.Kind(kind).label), True) for kind in kinds], (_("Total"), True)],
        [Row([month.strftime("%Y-%m"), *[counted.get(kind, 0) for kind in kinds], sum(counted.values())])
         for month, counted in figures.months],
        total=[_("Total"), *[f.submitted for f in figures.changes], changes.submitted],
    ))  # fmt: skip
    add(Table(
        "approval-times", _("Approval times"),
        [(_("Time to approval"), False), *[(str(f.label), True) for f in figures.changes], (_("Total"), True)],
        [Row([str(label), *[f.buckets[index] for f in figures.changes], changes.buckets[index]])
         for index, (_days_bound, label) in enumerate(APPROVAL_BUCKETS)],
        total=[_("Total"), *[f.approved for f in figures.changes], changes.approved],
    ))  # fmt: skip
    add(Table(
        "reconciliation", _("Roll reconciliation of the semester"),
        [(_("School code"), False), (_("School"), False), (_("State"), False), (_("Check date"), False),
         (_("On the register on the check date"), True)],
        [Row([school.code, school.name, str(school.check_state_label), school.check_day, school.check_registered],
             flagged=school.check_state == NOT_STARTED)
         for school in figures.schools],
        note=_("The state each reconciliation had by the end of the chosen day."),
        flag_label=_("Not started"),
    ))  # fmt: skip
    return result


def summary(figures) -> list:
    """The headline numbers: [(key, label, value)]."""
    changes = figures.changes_total
    return [
        ("pupils", _("Pupils on the register"), figures.total.pupils),
        ("schools", _("Schools"), len(figures.schools)),
        ("classes", _("Classes"), len(figures.classes)),
        ("oversized", _("Oversized classes"), len(figures.oversized)),
        ("registrations", _("Registrations pending"), figures.pending_registrations),
        ("changes", _("Status changes this semester"), changes.submitted),
        ("average", _("Average days to approval"), _days(changes.average_days)),
        ("late", _("Steps decided after the due date"), changes.steps_late),
    ]


def _chart(chart_id, table, series_names):
    """A stacked bar chart of `table`: its first column is the categories, the next ones one series each."""
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "table": table.slug,
        "title": str(table.title),
        "stacked": True,
        "categories": [str(row.cells[0]) for row in table.rows],
        "series": [
            {"name": str(name), "data": [row.cells[index + 1] for row in table.rows]}
            for index, name in enumerate(series_names)
        ],
    }


def charts(figures, table_by_slug) -> list:
    """The data of the page's charts (read by static/js/statistics.js), each beside the table with the same
    numbers: enrolment by grade and sex, changes by month and kind, approval times."""
    result = [_chart("chart-grades", table_by_slug["grades"], [codes.Sex.MALE.label, codes.Sex.FEMALE.label])]
    if figures.changes:
        kinds = [f.label for f in figures.changes]
        result.append(_chart("chart-months", table_by_slug["months"], kinds))
        result.append(_chart("chart-approval-times", table_by_slug["approval-times"], kinds))
    return result
