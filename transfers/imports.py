"""新生导入: a class of new pupils from the import template, all or nothing (校制度: 新生导入模版).

Every row is checked — by the template reader (students.spreadsheet: cell formats, GB 11643 and its
agreement with birth date and sex, code lists) and here across rows and against the system: the class
exists at the school, the ID number is not twice in the file nor anywhere in the system (一人一籍), the
grade-1 age rule, and no same-name, same-birth-date, same-sex pupil elsewhere (that warning needs a
person's confirmation, so such a pupil is entered one by one), and the registration kind's own rules
(`validate()`, via transfers.registration.register_pupils). Only a file without a single error is imported:
every pupil saved and submitted for registration in one transaction, in bulk, with one audit event naming
every row. The upload is checked cheaply in the web request (`check_upload`); the full read runs in the
Celery task.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.queue import enqueue
from students.models import Guardian, SchoolNumber, Student
from students.pinyin import folded
from students.spreadsheet import SpreadsheetRefused, check_workbook, open_workbook, read_rows
from transfers import events
from transfers.batches import RequestsRefused
from transfers.kinds import kind_of
from transfers.models import ChangeRequest, ImportJob
from transfers.registration import register_pupils
from transfers.selectors import id_number_holder, possible_duplicates
from transfers.services import can_initiate

STUDENT_KEYS = [
    "name", "former_name", "sex", "birth_date", "id_type", "id_number", "ethnicity", "nationality",
    "overseas_status", "birthplace", "native_place", "household_place", "household_type", "home_address",
    "phone", "health", "only_child", "left_behind", "migrant_worker_child", "orphan", "disabled",
    "inclusive_education", "preschool", "entry_date", "entry_method", "boarding",
]  # fmt: skip
GUARDIAN_KEYS = ["name", "relation", "id_number", "phone", "employer"]
CHUNK_ROWS = 1000  # rows saved per round of bulk statements (and per progress step)


@dataclass
class ImportReport:
    rows: list  # students.spreadsheet.RowResult, with this module's errors added
    created: int = 0

    @property
    def errors(self):
        return [(row.row_number, column, message) for row in self.rows for column, message in row.errors]


def _known_in_system(rows):
    """ID numbers and (name, birth date, sex) triples of the file that the system already holds: two
    queries for the whole file, so that only the rows that hit one are looked at more closely."""
    numbers = {row.values["id_number"] for row in rows if row.values.get("id_number")}
    names = {folded(row.values["name"]) for row in rows if row.values.get("name")}
    taken = set()
    for chunk in _chunks(sorted(numbers)):
        # "<> ''" lets PostgreSQL use the partial unique index one_record_per_id_number (WHERE id_number <> '').
        holders = Student.objects.filter(id_number__in=chunk).exclude(id_number="")
        taken |= set(holders.values_list("id_number", flat=True))
    people = set()
    for chunk in _chunks(sorted(names)):
        people |= set(Student.objects.filter(name_folded__in=chunk).values_list("name_folded", "birth_date", "sex"))
    return taken, people


def _chunks(items, size=1000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_rows(school, rows):
    classes = {(c.grade, c.number): c for c in school.classes.all()}
    taken, people = _known_in_system(rows)
    for row in rows:
        key = (row.values.get("grade"), row.values.get("class_number"))
        if None not in key and key not in classes:
            row.errors.append(
                (_("class number"), _("%(school)s has no class %(number)s in grade %(grade)s.")
                 % {"school": school.name, "number": key[1], "grade": key[0]})
            )  # fmt: skip
        row.school_class = classes.get(key)
    _check_ages(rows)
    taken_numbers = _school_numbers_taken(school, rows)
    first_row_of = {}
    for row in rows:
        values = row.values
        _check_school_number(row, first_row_of, taken_numbers)
        number = values.get("id_number")
        if number:
            if number in first_row_of:
                row.errors.append(
                    (_("ID number"), _("The same ID number as row %(row)d.") % {"row": first_row_of[number]})
                )
            else:
                first_row_of[number] = row.row_number
                holder = id_number_holder(number) if number in taken else None
                if holder is not None:
                    row.errors.append(
                        (_("ID number"), _("This ID number already has a record at %(school)s; one pupil has "
                                           "one record (一人一籍).") % {"school": holder.name})
                    )  # fmt: skip
        person = (folded(values.get("name") or ""), values.get("birth_date"), values.get("sex"))
        if (
            row.ok
            and person in people
            and possible_duplicates(name=values["name"], birth_date=person[1], sex=person[2])
        ):
            row.errors.append(
                (_("full name"), _("A pupil with the same name, birth date and sex already has a record; enter "
                                   "this pupil on the new-pupil form, where you can confirm they differ."))
            )  # fmt: skip


def _school_numbers_taken(school, rows):
    """The file's school numbers (学号) the school ever gave (retired ones too: never reused) or a waiting
    registration of the school holds: one query per 1,000 numbers."""
    numbers = sorted({row.values["school_number"] for row in rows if row.values.get("school_number")})
    taken = set()
    for chunk in _chunks(numbers):
        taken |= set(SchoolNumber.objects.filter(school=school, number__in=chunk).values_list("number", flat=True))
        waiting = ChangeRequest.objects.filter(
            school=school, kind=ChangeRequest.Kind.REGISTRATION, state__in=ChangeRequest.OPEN_STATES,
            payload__school_number__in=chunk,
        )  # fmt: skip
        taken |= {request.payload["school_number"] for request in waiting.only("payload")}
    return taken


def _check_school_number(row, first_row_of, taken):
    """A given school number is unique in the school: not given before, not in another row of the file."""
    number = row.values.get("school_number")
    if not number:
        return
    key = ("school_number", number)
    if key in first_row_of:
        row.errors.append(
            (_("school number"), _("The same school number as row %(row)d.") % {"row": first_row_of[key]})
        )
    elif number in taken:
        row.errors.append(
            (_("school number"), _("%(number)s is already a school number of this school (numbers are never "
                                   "given twice); leave it empty to have the next one made.") % {"number": number})
        )  # fmt: skip
    first_row_of.setdefault(key, row.row_number)


def _check_ages(rows):
    """The registration kind's rules on the rows (the grade-1 age cut-off), from its `validate_many`: one
    read of the classes named for the whole file."""
    drafts, checked = [], []
    for row in rows:
        values = row.values
        if row.school_class is None or not values.get("birth_date") or not values.get("entry_date"):
            continue
        drafts.append(
            ChangeRequest(
                kind=ChangeRequest.Kind.REGISTRATION, school=row.school_class.school,
                student=Student(birth_date=values["birth_date"], entry_date=values["entry_date"]),
                payload={"school_class": row.school_class.pk, "grade": row.school_class.grade},
            )
        )  # fmt: skip
        checked.append(row)
    if drafts:
        for position, message in kind_of(drafts[0]).validate_many(drafts).items():
            checked[position].errors.append((_("birth date"), message))


def _pupil_from(values):
    student = Student(**{key: values[key] for key in STUDENT_KEYS if values.get(key) is not None})
    guardians = [Guardian(**{key: values[f"guardian{n}_{key}"] or "" for key in GUARDIAN_KEYS}) for n in (1, 2)]
    return student, guardians


class _RollBack(Exception):
    pass


def import_registrations(school, workbook, *, actor, filename="", progress=None):
    """Check every row of `workbook` (opened by students.spreadsheet.open_workbook); if none has an
    error, save every pupil and submit their registrations in one transaction, in bulk (a few statements
    per chunk of rows, history rows naming the registrar, one audit event for the job). Returns the
    row-by-row report; `progress(done, total)` is called as chunks are saved."""
    report = ImportReport(rows=read_rows(workbook))
    _check_rows(school, report.rows)
    if report.errors or not report.rows:
        return report
    total = len(report.rows)
    try:
        with transaction.atomic():
            requests = []
            for start in range(0, total, CHUNK_ROWS):
                chunk = report.rows[start : start + CHUNK_ROWS]
                pupils = [(*_pupil_from(row.values), row.school_class) for row in chunk]
                extras = [{"school_number": row.values["school_number"] or ""} for row in chunk]
                try:
                    requests += register_pupils(pupils, school=school, actor=actor, extras=extras)
                except RequestsRefused as refused:
                    for position, message in refused.problems.items():
                        chunk[position].errors.append(("", message))
                if progress is not None:
                    progress(min(start + CHUNK_ROWS, total), total)
            if report.errors:
                raise _RollBack
            events.registrations_imported(
                school, actor=actor, filename=filename, requests=requests,
                row_numbers=[row.row_number for row in report.rows],
            )  # fmt: skip
    except _RollBack:
        return report
    report.created = total
    return report


def import_registrations_file(school, upload, *, actor, filename="", progress=None):
    """Open the uploaded template (refusing unsafe or wrong files) and import it; see import_registrations.
    The sheet is read once: `read_rows` holds its rows to the row scan's bounds as it reads them, so the scan
    itself (check_workbook's, run on the upload in the web request) is not repeated here."""
    workbook = open_workbook(upload, scan=False)
    try:
        return import_registrations(school, workbook, actor=actor, filename=filename, progress=progress)
    finally:
        workbook.close()


def _progress_key(job_pk):
    return f"xueji:import-progress:{job_pk}"


def import_progress(job):
    """(saved, total) of a running job, from the cache: the import's own transaction is not visible yet."""
    return cache.get(_progress_key(job.pk), (0, 0))


def start_import_job(school, upload, *, actor):
    """Keep the upload and queue its import; the task starts once this transaction commits. A file that the
    cheap checks refuse (students.spreadsheet.check_workbook: bounded in time and memory, so safe in the web
    request) is recorded as refused at once, without keeping the file, and never queued; the full read runs
    only in the task."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    try:
        check_workbook(upload)
    except SpreadsheetRefused as refused:
        return ImportJob.objects.create(  # the refused file itself is not kept
            school=school, created_by=actor, filename=upload.name[:200], state=ImportJob.State.REFUSED,
            errors=[[0, "", str(refused)]], finished_at=timezone.now(),
        )  # fmt: skip
    job = ImportJob.objects.create(school=school, created_by=actor, file=upload, filename=upload.name[:200])
    transaction.on_commit(lambda: enqueue("transfers.tasks.run_import_job", job.pk))
    return job


def run_import(job_pk):
    """Work through one import job. Idempotent: a job that is no longer queued (already run, or being run
    by another worker) is left alone, so a redelivered task does nothing twice."""
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job_pk, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.RUNNING
        )
    if not claimed:
        return
    job = ImportJob.objects.select_related("school", "created_by").get(pk=job_pk)
    report, refusal = None, ""
    try:
        with job.file.open("rb") as upload:
            report = import_registrations_file(
                job.school, upload, actor=job.created_by, filename=job.filename,
                progress=lambda done, total: cache.set(_progress_key(job.pk), (done, total), 3600),
            )  # fmt: skip
    except SpreadsheetRefused as refused:
        refusal = str(refused)
    if not refusal and not report.rows:
        refusal = _("The file has no pupil rows.")
    job.errors = [[0, "", refusal]] if refusal else [list(error) for error in report.errors]
    job.created_count = report.created if report else 0
    job.state = ImportJob.State.IMPORTED if job.created_count else ImportJob.State.REFUSED
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["errors", "created_count", "state", "finished_at"])
        events.import_finished(job)
