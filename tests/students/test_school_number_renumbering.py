"""学号: a class renumbered in order after a class change or a reorganisation — a preview first, confirmed,
the old numbers retired (history) and never handed out again."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import Event
from students.models import SchoolNumber
from students.school_numbers.services import SchoolNumberRefused, keep_school_numbers, renumber_class, renumbering_plan
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def classes(world):
    """Class 3(2) with 甲 (20240201) and 乙 (20240202), a withdrawn pupil's retired 20240203, and 丙 who
    moved in from 3(1) keeping 20240101."""
    one = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    two = SchoolClassFactory(school=world.school_a, grade=3, number=2)
    pupils = {}
    for name in ("甲", "乙", "丁"):
        spell = EnrolmentSpellFactory(school_class=two, student__name=name, student__entry_date=date(2024, 9, 1))
        keep_school_numbers(spell.student, day=TODAY)
        pupils[name] = spell
    gone = pupils.pop("丁")
    gone.ended_on, gone.exit_reason = TODAY, "withdrawn"
    gone.save()
    keep_school_numbers(gone.student, day=TODAY)
    moved = EnrolmentSpellFactory(school_class=one, student__name="丙", student__entry_date=date(2024, 9, 1))
    keep_school_numbers(moved.student, day=TODAY)
    moved.school_class = two
    moved.save()
    pupils["丙"] = moved
    return two, {name: spell.student for name, spell in pupils.items()}


def _current(student):
    return SchoolNumber.objects.get(student=student, retired_on__isnull=True).number


def test_the_preview_then_the_confirmed_renumbering_gives_the_moved_pupil_a_new_number(client, world, classes):
    two, pupils = classes
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("class_renumber", args=[world.school_a.code, two.pk])
    preview = client.get(url).text
    table = preview.split('data-testid="renumber-preview"')[1].split("</table>")[0]
    assert "20240101" in table and "20240204" in table  # 20240203 was a withdrawn pupil's: never again
    assert table.count("unchanged") == 2
    plan = f"{pupils['丙'].pk}:20240204"
    unconfirmed = client.post(url, {"plan": plan})
    assert unconfirmed.status_code == 200 and _current(pupils["丙"]) == "20240101"  # nothing changed yet
    client.post(url, {"plan": plan, "confirmed": "1"})
    assert [_current(pupils[name]) for name in ("甲", "乙", "丙")] == ["20240201", "20240202", "20240204"]
    old = SchoolNumber.objects.get(student=pupils["丙"], number="20240101")
    assert old.retired_on == TODAY and old.history.first().history_user == world.users["registrar"]
    assert Event.objects.filter(action="students.school_number.renumbered", data__changes=[["20240101", "20240204"]])


def test_everyone_renumbered_in_class_list_order_never_reuses_a_number(world, classes):
    two, pupils = classes
    before = set(SchoolNumber.objects.filter(school=world.school_a).values_list("number", flat=True))
    count = renumber_class(two, actor=world.users["registrar"], day=TODAY, everyone=True)
    assert count == 3
    numbers = [_current(pupils[name]) for name in sorted(pupils)]  # class-list order: by name
    assert numbers == ["20240204", "20240205", "20240206"] and not set(numbers) & before
    assert SchoolNumber.objects.filter(school=world.school_a, retired_on__isnull=False).count() == 4


def test_a_preview_that_no_longer_holds_changes_nothing(world, classes):
    two, pupils = classes
    with pytest.raises(SchoolNumberRefused, match="changed since the preview"):
        renumber_class(two, actor=world.users["registrar"], day=TODAY, expected=[(pupils["丙"].pk, "20240299")])
    assert _current(pupils["丙"]) == "20240101"


def test_the_preview_costs_three_queries_whatever_the_class_size(world, classes, django_assert_max_num_queries):
    two, _pupils = classes
    for _n in range(20):
        EnrolmentSpellFactory(school_class=two, student__entry_date=date(2024, 9, 1))
    with django_assert_max_num_queries(3):
        plan = renumbering_plan(two, day=TODAY, everyone=True)
    assert len(plan) == 23 and len({line.new for line in plan}) == 23
