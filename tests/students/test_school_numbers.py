"""学号 (seed 004): a pupil approved at a school gets the next number in the school's format; a transfer in
gives a new number at the new school while the old school's stays in its history, retired; a number is kept
during suspension and class changes and is never handed out again once retired."""

from datetime import date
from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from audit.history import SYSTEM_USERNAME
from students.models import SchoolNumber, SchoolNumberFormat
from students.school_numbers.services import SchoolNumberRefused, keep_school_numbers, parse_parts
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory
from tests.transfers.kinds_helpers import transfer_to_c
from transfers.services import approve_step, current_step, submit_request

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _current(student):
    return {n.school_id: n.number for n in SchoolNumber.objects.filter(student=student, retired_on__isnull=True)}


def test_an_approved_registration_gets_the_next_number_in_the_schools_format(world):
    request = world.registrations["own"]
    student = request.student
    student.entry_date = date(2026, 9, 1)
    student.save()
    spell_class = world.school_a.classes.get(pk=request.payload["school_class"])
    approve_step(current_step(request), actor=world.users["officer"])
    number = SchoolNumber.objects.get(student=student)
    class_part = f"{spell_class.number % 100:02d}"  # a value wider than its part keeps its last digits
    assert number.number == f"2026{class_part}01"  # 入学年份(4) + 班级号(2) + 座号(2)
    assert (number.school, number.assigned_on, number.retired_on) == (world.school_a, TODAY, None)
    assert number.history.first().history_user == world.users["officer"]


def test_a_school_configures_its_format_from_parts(world):
    SchoolNumberFormat.objects.create(school=world.school_a, parts="code:3 year:4 grade:1 class:2 seat:3",
                                      internal_code="7")  # fmt: skip
    school_class = SchoolClassFactory(school=world.school_a, grade=2, number=4)
    pupil = EnrolmentSpellFactory(school_class=school_class, student__entry_date=date(2025, 9, 1)).student
    assert keep_school_numbers(pupil, day=TODAY).number == "0072025204001"
    with pytest.raises(SchoolNumberRefused, match="exactly one seat part"):
        parse_parts("year:4 class:2")
    with pytest.raises(SchoolNumberRefused, match="“room:2” is not a part of a school number"):
        parse_parts("room:2 seat:2")


def test_a_transfer_in_gives_a_new_number_and_the_old_school_keeps_the_old_one(world):
    pupil = EnrolmentSpellFactory(
        school_class=SchoolClassFactory(school=world.school_a, grade=3), student__entry_date=date(2024, 9, 1)
    ).student
    old = keep_school_numbers(pupil, day=TODAY)
    transfer_to_c(world, pupil)
    old.refresh_from_db()
    assert old.retired_on == TODAY and old.school == world.school_a  # the old school's history keeps it
    new = SchoolNumber.objects.get(student=pupil, retired_on__isnull=True)
    assert new.school == world.school_c and new.number.startswith("2024")


def test_a_retired_number_is_never_handed_out_again(world):
    school_class = SchoolClassFactory(school=world.school_a, grade=1, number=3)
    seen = []
    for _round in range(3):
        spell = EnrolmentSpellFactory(school_class=school_class, student__entry_date=date(2026, 9, 1))
        number = keep_school_numbers(spell.student, day=TODAY)
        seen.append(number.number)
        spell.ended_on, spell.exit_reason = TODAY, "withdrawn"  # the pupil leaves: their number is retired
        spell.save()
        keep_school_numbers(spell.student, day=TODAY)
        assert SchoolNumber.objects.get(pk=number.pk).retired_on == TODAY
    assert seen == ["20260301", "20260302", "20260303"]


def test_a_number_is_kept_through_a_suspension_and_a_class_change(world):
    one = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    two = SchoolClassFactory(school=world.school_a, grade=3, number=2)
    pupil = EnrolmentSpellFactory(school_class=one, student__entry_date=date(2024, 9, 1)).student
    number = keep_school_numbers(pupil, day=TODAY).number
    submit_request(kind="class_change", student=pupil, school=world.school_a, actor=world.users["registrar"],
                   payload={"school_class": two.pk, "reason": "家长申请"})  # fmt: skip
    assert _current(pupil) == {world.school_a.pk: number}
    assert SchoolNumber.objects.filter(student=pupil).count() == 1


def test_the_number_is_shown_and_found_in_the_pupil_list(client, world):
    school_class = SchoolClassFactory(school=world.school_a, grade=2, number=7)
    pupil = EnrolmentSpellFactory(school_class=school_class, student__entry_date=date(2025, 9, 1)).student
    other = EnrolmentSpellFactory(school_class=school_class, student__entry_date=date(2025, 9, 1)).student
    keep_school_numbers(pupil, day=TODAY)
    keep_school_numbers(other, day=TODAY)
    client = client_for(client, world, "registrar")
    listed = client.get(reverse("pupil_list")).text
    assert "20250701" in listed and "20250702" in listed
    found = client.get(reverse("pupil_list"), {"q": "20250702"}).text
    assert other.name in found and pupil.name not in found
    exported = load_workbook(BytesIO(client.get(reverse("pupil_export"), {"q": "20250702"}).content)).active
    rows = [[cell.value for cell in row] for row in exported.iter_rows()]
    assert rows[-1][0] == other.name and rows[-1][-1] == "20250702"


def test_a_number_finds_the_pupil_holding_it_at_each_school_and_not_one_who_held_it_elsewhere(client, world):
    """Numbers are unique within a school only: the town officer's search finds both schools' holders of a
    number, and not a pupil whose number at another school was retired when they left it."""
    holders = []
    for school in (world.school_a, world.school_b):
        school_class = SchoolClassFactory(school=school, grade=2, number=7)
        holders.append(EnrolmentSpellFactory(school_class=school_class, student__entry_date=date(2025, 9, 1)).student)
        keep_school_numbers(holders[-1], day=TODAY, wanted="20259999")
    moved = EnrolmentSpellFactory(school_class=SchoolClassFactory(school=world.school_b, grade=3)).student
    SchoolNumber.objects.create(
        school=world.school_a, student=moved, number="20250001", assigned_on=date(2025, 9, 1), retired_on=TODAY
    )
    client = client_for(client, world, "officer")
    found = client.get(reverse("pupil_list"), {"q": "20259999"}).text
    assert all(holder.name in found for holder in holders)
    assert moved.name not in client.get(reverse("pupil_list"), {"q": "20250001"}).text


def test_the_registrar_sets_the_format_and_a_wrong_one_is_refused_where_it_was_typed(client, world):
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("school_number_format", args=[world.school_a.code])
    assert 'data-testid="school-number-example">20' in client.get(url).text  # the default: year + class + seat
    refused = client.post(url, {"parts": "year:4 class:2", "internal_code": ""})
    assert "exactly one seat part" in refused.text and 'value="year:4 class:2"' in refused.text
    assert not SchoolNumberFormat.objects.filter(school=world.school_a).exists()
    client.post(url, {"parts": "code:2 year:4 seat:3", "internal_code": "5"})
    saved = SchoolNumberFormat.objects.get(school=world.school_a)
    assert (saved.parts, saved.internal_code) == ("code:2 year:4 seat:3", "5")
    assert saved.history.first().history_user == world.users["registrar"]
    pupil = EnrolmentSpellFactory(
        school_class=SchoolClassFactory(school=world.school_a, grade=1), student__entry_date=date(2026, 9, 1)
    ).student
    assert keep_school_numbers(pupil, day=TODAY).number == "052026001"


def test_the_pupils_page_shows_the_numbers_at_each_school(client, world):
    pupil = EnrolmentSpellFactory(
        school_class=SchoolClassFactory(school=world.school_a, grade=3, number=2), student__entry_date=date(2024, 9, 1)
    ).student
    keep_school_numbers(pupil, day=TODAY)
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).text
    assert "School number · 甲小学" in page and "20240201" in page


def test_pupils_entered_before_school_numbers_get_theirs_in_class_list_order(world):
    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    for name in ("王五", "李四", "张三"):
        EnrolmentSpellFactory(school_class=school_class, student__name=name, student__entry_date=date(2023, 9, 1))
    call_command("assign_school_numbers", stdout=StringIO())
    numbers = SchoolNumber.objects.filter(school=world.school_a, student__spells__school_class=school_class)
    assert sorted(numbers.values_list("student__name", "number")) == sorted(
        zip(sorted(["王五", "李四", "张三"]), ["20230101", "20230102", "20230103"], strict=True)
    )
    assert numbers.first().history.first().history_user.username == SYSTEM_USERNAME
    call_command("assign_school_numbers", stdout=StringIO())  # a second run gives nobody a second number
    assert numbers.count() == 3
