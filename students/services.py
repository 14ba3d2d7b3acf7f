"""State changes and audited reads of pupils' records."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.bulk import create_with_history
from registry.scoping import can
from students import codes, events
from students.export import pupil_list_workbook
from students.identity import make_id_number
from students.models import Guardian, Student
from students.pinyin import folded, search_keys


def can_reveal_id_numbers(user, school) -> bool:
    """Who may see a minor's full ID numbers (个人信息保护法 第二十八条: sensitive data, least privilege)."""
    return can(user, "id_number.reveal", school)


def reveal_id_numbers(student, school, *, actor, reason, request=None):
    """Record that `actor` is shown the full ID numbers of `student` and their guardians, and why.

    ID numbers are masked by default (DESIGN §4); revealing one is an audited action and needs a reason.
    """
    if not can_reveal_id_numbers(actor, school):
        raise PermissionDenied
    with transaction.atomic():
        events.id_number_revealed(actor=actor, student=student, reason=reason, school=school, request=request)


def refresh_search_keys(student):
    """Set the search keys (simplified form, pinyin) from the pupil's name; every path that sets a name
    calls this."""
    student.name_folded = folded(student.name)
    student.name_pinyin, student.name_initials = search_keys(student.name)


def create_pupils(pupils, *, actor, reason, batch_size=1000):
    """Save many new pupils with their guardians in a few statements (DESIGN §5: bulk work writes in bulk,
    still with a history row per record naming `actor` and `reason`). `pupils` is a list of unsaved
    (Student, [Guardian, …]) pairs; search keys are set as for one pupil. Returns the saved students, in
    order. Run it inside the caller's transaction: the bulk import and the onboarding import are all or nothing."""
    students = []
    for student, _guardians in pupils:
        refresh_search_keys(student)
        students.append(student)
    students = create_with_history(students, Student, batch_size=batch_size, actor=actor, reason=reason)
    guardians = []
    for student, (_unsaved, family) in zip(students, pupils, strict=True):
        for guardian in family:
            guardian.student = student
            guardians.append(guardian)
    create_with_history(guardians, Guardian, batch_size=batch_size, actor=actor, reason=reason)
    return students


def export_pupil_list(spells, *, actor, scope, filters, request=None):
    """The filtered pupil list as an Excel workbook; every export is an audit event with its row count."""
    content, rows = pupil_list_workbook(spells, scope=scope, exported_by=actor)
    events.list_exported(actor=actor, rows=rows, scope=scope, filters=filters, request=request)
    return content


def assign_national_number(student, *, region):
    """Give the pupil the lifelong national student number (学籍号, 一人一号，终身不变): `G` + the
    resident ID number, or for a pupil without one `J` + a self-assigned code built like an ID number
    (the school's 6-digit area code, the birth date, a sequence, a check digit; DOMAIN Number forms)."""
    if student.id_type == codes.IdType.RESIDENT and student.id_number:
        student.national_number = f"G{student.id_number}"
        return student.national_number
    prefix = f"J{region}{student.birth_date:%Y%m%d}"
    taken = Student.objects.filter(national_number__startswith=prefix).values_list("national_number", flat=True)
    used = {int(number[15:18]) for number in taken}
    sequence = next(n for n in range(1 if student.sex == codes.Sex.MALE else 0, 1000, 2) if n not in used)
    student.national_number = "J" + make_id_number(region, student.birth_date, sequence, student.sex)
    return student.national_number
