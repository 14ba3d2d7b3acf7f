"""The change list (学籍异动) in the national system's fields (DOMAIN.md "Change-type codes"): one row per
approved change of a school's pupils in a period, with its type code per JY/T 1001 (each kind's
`change_type_code`; a transfer between two of our schools is 21 转出 at the sending school and 22 转入 at the
receiving one), the date it took effect, the reason as given (Xueji keeps no §4.2.40 reason code), the
approval date, who handled it, the source and destination school codes, and the grade and class before and
after (from the pupil's enrolment spells on that day).

Registrations, graduations, guest study and information changes are not 学籍异动 of JY/T 1001 (their kinds
carry no code) and are not listed."""

from datetime import datetime, time
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from students.identity import mask_id_number, mask_national_number
from students.models import EnrolmentSpell
from transfers.kinds import KINDS
from transfers.models import ChangeRequest

SHEET_TITLE = "学籍异动"
HEADERS = [
    "姓名", "学籍号", "身份证件号", "异动类别", "异动日期", "异动原因", "审批日期", "审批文号", "经办人",
    "原学校标识码", "现学校标识码", "原年级", "原班级", "现年级", "现班级", "备注",
]  # fmt: skip
TRANSFER_OUT, TRANSFER_IN = "21", "22"


def _between_our_schools(kind) -> bool:
    """A kind that moves a pupil from one of our schools (the counterpart) to another: the transfer."""
    return kind.hands_over_archive


def type_code(request, school) -> str:
    """The JY/T 1001 change-type code of `request` as `school` reports it ("" for a kind the standard lacks)."""
    kind = KINDS[request.kind]
    if _between_our_schools(kind):
        return TRANSFER_OUT if request.counterpart_school_id == school.pk else TRANSFER_IN
    return kind.change_type_code


def bounds(start, end):
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end, time.max, zone)


def approved_changes(school, start, end):
    """The approved requests of a kind with a change-type code that concern `school` (initiated there, or the
    sending school of a transfer) and were approved between `start` and `end` (dates, inclusive)."""
    coded = [code for code, kind in KINDS.items() if kind.change_type_code or _between_our_schools(kind)]
    moves = [code for code, kind in KINDS.items() if _between_our_schools(kind)]
    approved = ChangeRequest.objects.filter(state=ChangeRequest.State.APPROVED, closed_at__range=bounds(start, end))
    requests = approved.filter(kind__in=coded, school=school) | approved.filter(
        kind__in=moves, counterpart_school=school
    )
    return requests.select_related("student", "school", "counterpart_school", "initiated_by").order_by(
        "closed_at", "pk"
    )


def _spells_around(spells, day):
    """(the spell open as `day` began, the spell open as it ended) among one pupil's spells."""
    before = [s for s in spells if s.started_on < day and (s.ended_on is None or s.ended_on >= day)]
    after = [s for s in spells if s.started_on <= day and (s.ended_on is None or s.ended_on > day)]
    return (before[-1] if before else None), (after[-1] if after else None)


def _grade_and_class(spell):
    if spell is None:
        return "", ""
    return str(spell.grade), str(spell.school_class.number) if spell.school_class_id else ""


def _effective_on(request, payload, approved_on):
    for name in ("died_on", "starts_on"):
        value = getattr(payload, name, None)
        if value:
            return value
    return approved_on


def _schools(request, code):
    payload = KINDS[request.kind].data(request)
    own = request.school.code
    if _between_our_schools(KINDS[request.kind]):
        return request.counterpart_school.code if request.counterpart_school_id else "", own
    if code == TRANSFER_IN:
        return getattr(payload, "origin_school", ""), own
    if code == TRANSFER_OUT:
        return own, getattr(payload, "destination_school", "")
    return own, own


def change_rows(school, start, end, *, full_numbers: bool):
    """The change list's rows (HEADERS' order, every cell text)."""
    requests = list(approved_changes(school, start, end))
    spells = {}
    for spell in (
        EnrolmentSpell.objects.filter(student__in={r.student_id for r in requests})
        .select_related("school_class")
        .order_by("started_on", "pk")
    ):
        spells.setdefault(spell.student_id, []).append(spell)
    rows = []
    for request in requests:
        kind = KINDS[request.kind]
        payload = kind.data(request)
        code = type_code(request, school)
        approved_on = timezone.localdate(request.closed_at)
        before, after = _spells_around(spells.get(request.student_id, []), approved_on)
        source, destination = _schools(request, code)
        student = request.student
        number, id_number = student.national_number or "", student.id_number
        if not full_numbers:
            number, id_number = mask_national_number(number), mask_id_number(id_number)
        reason = getattr(payload, "reason", "")
        rows.append([
            student.name, number, id_number, code, _effective_on(request, payload, approved_on).isoformat(),
            reason, approved_on.isoformat(), "", request.initiated_by.full_name or request.initiated_by.username,
            source, destination,
            *_grade_and_class(before), *_grade_and_class(after),
            str(kind.label),
        ])  # fmt: skip
    return rows


def change_list_workbook(school, start, end, *, full_numbers: bool) -> tuple[bytes, int]:
    """The change list as .xlsx bytes, and its row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    rows = change_rows(school, start, end, full_numbers=full_numbers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), len(rows)
