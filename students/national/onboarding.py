"""建档导入: a school's pupils, already registered in the national system, onboarded from its roster in the
national template (students.national.columns) — for a town officer or an administrator (capability
`pupil.onboard`).

A **dry run** first (`plan`): every row checked cell by cell (students.national.reader: codes, GB 11643, the
national number's form, an L/J number's birth date) and across rows and against the system: a national
number or ID number twice in the file, a grade the school does not teach, a row whose national number and ID
number belong to two different stored pupils. A row whose pupil is already stored (matched by national number,
else by ID number) is not imported again: if it agrees with the stored pupil it is counted as unchanged; if
not, every difference is reported and nothing is overwritten. The rest are new; the classes they need and the
school lacks are listed to be created.

The **import** (`import_roster`) repeats the check inside its transaction (the school's row locked, so two
onboardings of one school run one after the other) and, if not a single row has a problem, writes in bulk
(audit.bulk's create_with_history, a history row for every record naming the importer and the file):
the missing classes, the pupils with their two family members and their national numbers as given, and an open
enrolment spell each, from the first day of the entry month (入学年月), in their grade and class. No approval
chain: they are registered already. One audit event for the job. All or nothing.

The web request only stores the upload after the cheap checks (students.national.reader.check_upload); the dry
run and the import run in the worker (`run_dry_run`, `run_import`), with their progress in the cache.

The file is read and converted once: the dry run of a file ready to import keeps its converted rows in the cache
(`dry_run`), under the job and the SHA-256 of the file's bytes, and the import takes them from there
(`rows_to_import`), reading the file again only when they are gone (expired, evicted, another cache). That skips
nothing the import must check: the conversion of a cell (codes, GB 11643, number forms, dates) depends on the
file's bytes alone — the same bytes, by their digest, that the dry run read — while everything that depends on
the system or on the other rows (`plan`) runs again inside the import's transaction, as before.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.bulk import create_with_history
from audit.history import acting_as
from audit.reasons import encode
from registry.models import School, SchoolClass
from registry.queue import enqueue
from registry.scoping import can
from students import events
from students.identity import mask_id_number, mask_national_number, mask_phone
from students.models import EnrolmentSpell, Guardian, OnboardingJob, Student
from students.national.columns import COLUMNS_BY_KEY, GUARDIAN_FIELDS, STUDENT_KEYS
from students.national.reader import check_upload, read_rows
from students.problems.counts import recount_soon
from students.services import create_pupils
from students.spreadsheet import SpreadsheetRefused
from students.spreadsheet import columns as limits

CHUNK_ROWS = 1000  # pupils written per round of bulk statements, and per step of the progress bar
KEEP_ROWS_SECONDS = 24 * 3600  # how long the dry run's converted rows wait for the import


def can_onboard(user, school) -> bool:
    return can(user, "pupil.onboard", school)


# --- the dry run ------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What an onboarding would do: the new rows (to create), the rows already stored and unchanged, the rows
    that differ from the stored pupil (reported, never overwritten), the classes to create and every problem."""

    rows: list
    new: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    differs: list = field(default_factory=list)  # [row number, name, [[column, stored, in the file], …]]
    create_classes: dict = field(default_factory=dict)  # (grade, number) → entry year
    per_class: dict = field(default_factory=dict)  # (grade, number) → Counter(new=…, unchanged=…, differs=…)

    @property
    def errors(self):
        return [[row.row_number, column, message] for row in self.rows for column, message in row.errors]

    def to_json(self):
        classes = [
            {"grade": grade, "number": number, "create": (grade, number) in self.create_classes, **counts}
            for (grade, number), counts in sorted(self.per_class.items())
        ]
        return {
            "rows": len(self.rows), "new": len(self.new), "unchanged": len(self.unchanged),
            "differs": self.differs, "errors": self.errors, "classes": classes,
            "create_classes": [[grade, number, year] for (grade, number), year in sorted(self.create_classes.items())],
        }  # fmt: skip


def _chunks(items, size=1000):
    items = sorted(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored(rows):
    """The stored pupils the file names, by national number and by ID number (a few queries a file)."""
    numbers = {row.values["national_number"] for row in rows if row.values.get("national_number")}
    ids = {row.values["id_number"] for row in rows if row.values.get("id_number")}
    found = {}
    for chunk in _chunks(numbers):
        found.update({s.pk: s for s in Student.objects.filter(national_number__in=chunk)})
    for chunk in _chunks(ids):
        found.update({s.pk: s for s in Student.objects.filter(id_number__in=chunk).exclude(id_number="")})
    guardians = {}
    for guardian in Guardian.objects.filter(student__in=list(found)).order_by("student", "id"):
        guardians.setdefault(guardian.student_id, []).append(guardian)
    spells = {
        spell.student_id: spell
        for spell in EnrolmentSpell.objects.filter(student__in=list(found), ended_on__isnull=True).select_related(
            "school_class", "school"
        )
    }
    by_number = {s.national_number: s for s in found.values() if s.national_number}
    by_id = {s.id_number: s for s in found.values() if s.id_number}
    return by_number, by_id, guardians, spells


def _shown(key, value):
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if key.endswith("national_number"):
        return mask_national_number(text)
    if key.endswith("id_number"):
        return mask_id_number(text)
    if key.endswith("phone"):
        return mask_phone(text)
    return text


def new_pupil(values):
    """The unsaved Student and its two Guardians of a row (the model's defaults for an empty optional cell)."""
    student = Student(**{key: values[key] for key in STUDENT_KEYS if values.get(key) is not None})
    guardians = [Guardian(**{name: values[f"guardian{n}_{name}"] or "" for name in GUARDIAN_FIELDS}) for n in (1, 2)]
    return student, guardians


def _same(key, given, stored):
    if key == "entry_date":  # the template keeps the month (入学年月)
        return (given.year, given.month) == (stored.year, stored.month)
    return given == stored


def _differences(row, stored, guardians, spell, school):
    """[column, stored, in the file] for every field where the row gives a value that differs from the stored
    pupil's (an optional cell left empty says nothing)."""
    given, given_guardians = new_pupil(row.values)
    found = []
    for key in STUDENT_KEYS:
        if row.values.get(key) is None and not COLUMNS_BY_KEY[key].required:
            continue
        if not _same(key, getattr(given, key), getattr(stored, key)):
            found.append(
                [COLUMNS_BY_KEY[key].header, _shown(key, getattr(stored, key)), _shown(key, getattr(given, key))]
            )
    for number, (new, old) in enumerate(zip(given_guardians, [*guardians, None, None][:2], strict=True), start=1):
        for name in GUARDIAN_FIELDS:
            key = f"guardian{number}_{name}"
            old_value = getattr(old, name) if old is not None else ""
            if getattr(new, name) != old_value:
                found.append([COLUMNS_BY_KEY[key].header, _shown(key, old_value), _shown(key, getattr(new, name))])
    grade, number = row.values["grade"], row.values["class_number"]
    if spell is None or spell.school_id != school.pk:
        where = _("%(school)s, grade %(grade)s class %(number)s") % {
            "school": spell.school.name, "grade": spell.grade,
            "number": spell.school_class.number if spell.school_class_id else "—",
        } if spell else _("not on any school's register")  # fmt: skip
        found.append([_("School"), where, school.name])
    else:
        if spell.grade != grade:
            found.append([COLUMNS_BY_KEY["grade"].header, str(spell.grade), str(grade)])
        stored_class = spell.school_class.number if spell.school_class_id else None
        if stored_class != number:
            found.append([COLUMNS_BY_KEY["class_number"].header, str(stored_class or ""), str(number)])
    return found


def plan(school, rows) -> Plan:
    """The dry run of `rows` (students.national.reader.read_rows) for `school`: adds the checks across rows and
    against the system to the rows' own errors and sorts the rows into new, unchanged and differing."""
    result = Plan(rows=rows)
    existing = set(school.classes.values_list("grade", "number"))
    by_number, by_id, guardians, spells = _stored(rows)
    first_row = {}
    entry_years = {}
    for row in rows:
        values = row.values
        for key in ("national_number", "id_number"):
            value = values.get(key)
            if value and (key, value) in first_row:
                row.errors.append(
                    (COLUMNS_BY_KEY[key].header, _("The same number as row %(row)d; each pupil once.")
                     % {"row": first_row[(key, value)]})
                )  # fmt: skip
            elif value:
                first_row[(key, value)] = row.row_number
        grade = values.get("grade")
        if grade is not None and grade not in school.grades:
            row.errors.append(
                (COLUMNS_BY_KEY["grade"].header, _("%(school)s (%(stage)s) has no grade %(grade)s.")
                 % {"school": school.name, "stage": school.get_stage_display(), "grade": grade})
            )  # fmt: skip
        stored_by_number = by_number.get(values.get("national_number"))
        stored_by_id = by_id.get(values.get("id_number")) if values.get("id_number") else None
        if stored_by_number and stored_by_id and stored_by_number.pk != stored_by_id.pk:
            row.errors.append(
                (COLUMNS_BY_KEY["national_number"].header,
                 _("This national number is %(one)s's and the ID number is %(other)s's: two different stored pupils. "
                   "Check both numbers with the national system.")
                 % {"one": stored_by_number.name, "other": stored_by_id.name})
            )  # fmt: skip
        if not row.ok:
            continue
        key = (grade, values["class_number"])
        counts = result.per_class.setdefault(key, Counter(new=0, unchanged=0, differs=0))
        stored = stored_by_number or stored_by_id
        if stored is None:
            result.new.append(row)
            counts["new"] += 1
            if key not in existing:
                entry_years.setdefault(key, Counter())[values["entry_date"].year] += 1
            continue
        found = _differences(row, stored, guardians.get(stored.pk, []), spells.get(stored.pk), school)
        if found:
            result.differs.append([row.row_number, values["name"], found])
            counts["differs"] += 1
        else:
            result.unchanged.append(row)
            counts["unchanged"] += 1
    result.create_classes = {key: years.most_common(1)[0][0] for key, years in entry_years.items()}
    return result


# --- the import -------------------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def import_roster(school, rows, *, actor, job, progress=None) -> Plan:
    """Check `rows` again and, if no row has a problem, write the plan's new pupils (module docstring).
    Returns the plan; `progress(done, total)` is called after each chunk."""
    if not can_onboard(actor, school):
        raise PermissionDenied
    reason = encode("students.onboarding", job=job.pk, file=job.filename[:40])
    try:
        with transaction.atomic():
            School.objects.select_for_update().filter(pk=school.pk).first()
            result = plan(school, rows)
            if result.errors:
                raise _Refused
            with acting_as(actor, "students.onboarding", job=job.pk, file=job.filename[:40]):
                _write(school, result, actor=actor, reason=reason, job=job, progress=progress)
            recount_soon()  # the new pupils' problem records, on the officer's home
    except _Refused:
        pass
    return result


def _write(school, result, *, actor, reason, job, progress):
    classes = [
        SchoolClass(school=school, grade=grade, number=number, entry_year=year)
        for (grade, number), year in sorted(result.create_classes.items())
    ]
    create_with_history(classes, SchoolClass, actor=actor, reason=reason)
    class_of = {(c.grade, c.number): c for c in school.classes.all()}
    total, created = len(result.new), []
    for start in range(0, total, CHUNK_ROWS):
        chunk = result.new[start : start + CHUNK_ROWS]
        students = create_pupils([new_pupil(row.values) for row in chunk], actor=actor, reason=reason)
        spells = [
            EnrolmentSpell(
                student=student, school=school, grade=row.values["grade"], started_on=student.entry_date,
                school_class=class_of[(row.values["grade"], row.values["class_number"])],
                entry_reason=EnrolmentSpell.EntryReason.REGISTRATION,
            )
            for student, row in zip(students, chunk, strict=True)
        ]  # fmt: skip
        create_with_history(spells, EnrolmentSpell, actor=actor, reason=reason)
        created += [[row.row_number, student.pk] for row, student in zip(chunk, students, strict=True)]
        if progress is not None:
            progress(min(start + CHUNK_ROWS, total), total)
    events.pupils_onboarded(
        school, actor=actor, filename=job.filename, job=job, pupils=created,
        classes=[[c.grade, c.number] for c in classes], unchanged=len(result.unchanged),
    )  # fmt: skip


# --- the jobs ---------------------------------------------------------------------------------------------


def _progress_key(job_pk):
    return f"xueji:onboarding-progress:{job_pk}"


def job_progress(job):
    """(done, total) of a running job, from the cache (the import's own transaction is not visible yet)."""
    return cache.get(_progress_key(job.pk), (0, 0))


def _set_progress(job_pk):
    return lambda done, total: cache.set(_progress_key(job_pk), (done, total), 3600)


def start_dry_run(school, upload, *, actor):
    """Keep the upload and queue its dry run; a file the cheap checks refuse is recorded as refused at once,
    without keeping it."""
    if not can_onboard(actor, school):
        raise PermissionDenied
    name = upload.name[:200]
    try:
        check_upload(upload)
    except SpreadsheetRefused as refused:
        return OnboardingJob.objects.create(
            school=school, created_by=actor, filename=name, state=OnboardingJob.State.REFUSED,
            report={"refusal": str(refused)}, finished_at=timezone.now(),
        )  # fmt: skip
    job = OnboardingJob.objects.create(school=school, created_by=actor, file=upload, filename=name)
    transaction.on_commit(lambda: enqueue("students.tasks.onboarding_dry_run", job.pk))
    return job


def start_import(job, *, actor) -> bool:
    """Queue the import of a checked job; of two clicks at once, one wins (a conditional update)."""
    if not can_onboard(actor, job.school):
        raise PermissionDenied
    if not job.report.get("new"):
        return False
    won = OnboardingJob.objects.filter(pk=job.pk, state=OnboardingJob.State.CHECKED).update(
        state=OnboardingJob.State.IMPORTING, imported_by=actor
    )
    if won:
        transaction.on_commit(lambda: enqueue("students.tasks.onboarding_import", job.pk))
    return bool(won)


def _file_of(job) -> bytes:
    with job.file.open("rb") as upload:
        return upload.read(limits.MAX_UPLOAD_BYTES + 1)  # a larger one is refused by check_upload


def _read(data):
    checked, kind = check_upload(data)
    return read_rows(checked, kind)


def _kept_rows_key(job, data):
    return f"xueji:onboarding-rows:{job.pk}:{hashlib.sha256(data).hexdigest()}"


def dry_run(school, job, data) -> Plan:
    """Read `data` (the job's file), check it and plan it for `school` (`plan`); the rows of a file ready to import
    are kept for its import (module docstring)."""
    rows = _read(data)
    result = plan(school, rows)
    if result.new and not result.errors:
        cache.set(_kept_rows_key(job, data), rows, KEEP_ROWS_SECONDS)
    return result


def rows_to_import(job, data):
    """The rows the dry run of these very bytes kept (taken: a second import reads the file), or the file read and
    converted again."""
    key = _kept_rows_key(job, data)
    rows = cache.get(key)
    if rows is None:
        return _read(data)
    cache.delete(key)
    return rows


def run_dry_run(job_pk):
    """The dry run of one job, in the worker. Idempotent: a job no longer being checked is left alone."""
    job = OnboardingJob.objects.select_related("school").filter(pk=job_pk, state=OnboardingJob.State.CHECKING).first()
    if job is None:
        return
    try:
        result = dry_run(job.school, job, _file_of(job))
        report = result.to_json() if result.rows else {"refusal": _("The file has no pupil rows.")}
    except SpreadsheetRefused as refused:
        report = {"refusal": str(refused)}
    job.report = report
    job.finished_at = timezone.now()
    ready = not report.get("refusal") and not report["errors"]  # nothing new: the page says so
    job.state = OnboardingJob.State.CHECKED if ready else OnboardingJob.State.REFUSED
    job.save(update_fields=["report", "state", "finished_at"])


def _finish(job, report, created):
    job.report, job.created_count, job.finished_at = report, created, timezone.now()
    job.state = OnboardingJob.State.IMPORTED if created else OnboardingJob.State.REFUSED
    job.save(update_fields=["report", "created_count", "state", "finished_at"])


def run_import(job_pk):
    """The import of one job, in the worker. Idempotent: the job's outcome is saved in the import's own
    transaction, so a redelivered task finds the job imported (or, if the worker died before the commit, runs
    the whole import again); a job not waiting to be imported is left alone."""
    job = OnboardingJob.objects.select_related("school", "imported_by").filter(pk=job_pk).first()
    if job is None or job.state != OnboardingJob.State.IMPORTING:
        return
    data = _file_of(job)
    try:
        rows = rows_to_import(job, data)
        with transaction.atomic():
            result = import_roster(job.school, rows, actor=job.imported_by, job=job, progress=_set_progress(job.pk))
            _finish(job, result.to_json(), 0 if result.errors else len(result.new))
    except SpreadsheetRefused as refused:
        _finish(job, {**job.report, "refusal": str(refused)}, 0)
    except IntegrityError:
        refusal = _(
            "Another pupil with one of these numbers was saved while the file was being imported; nothing was "
            "imported. Upload the file again for a new dry run."
        )
        _finish(job, {**job.report, "refusal": refusal}, 0)
