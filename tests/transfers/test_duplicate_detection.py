"""The duplicate checks of registration (一人一籍, DOMAIN Registration 5): which school the registrar is told
holds the pupil already — the ID number's holder (a stop) and the same name, birth date and sex (a warning)."""

from datetime import date

from django.utils import timezone

from students.models import EnrolmentSpell
from tests.factories import EnrolmentSpellFactory, StudentFactory
from transfers.models import ChangeRequest
from transfers.selectors import id_number_holder, possible_duplicates

BIRTH = date(2019, 3, 8)


def _twin_of(student):
    return {"name": student.name, "birth_date": student.birth_date, "sex": student.sex}


def _moved(world):
    """A pupil first at school C (spell ended), now on school B's register."""
    student = StudentFactory(name="林晓雨", birth_date=BIRTH, sex="2")
    left = EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    EnrolmentSpellFactory(student=student, school_class=world.class_c, started_on=date(2025, 9, 1),
                          ended_on=date(2026, 7, 10), exit_reason=left)  # fmt: skip
    EnrolmentSpellFactory(student=student, school_class=world.class_b, started_on=date(2026, 9, 1))
    return student


def test_a_pupil_who_moved_is_said_to_be_at_the_school_of_the_latest_spell(world):
    student = _moved(world)
    assert id_number_holder(student.id_number) == world.school_b
    assert possible_duplicates(**_twin_of(student)) == [world.school_b]


def test_a_pupil_still_waiting_for_registration_is_said_to_be_at_the_registering_school(world):
    student = world.registrations["other"].student
    assert not EnrolmentSpell.objects.filter(student=student).exists()
    assert id_number_holder(student.id_number) == world.school_c
    assert possible_duplicates(**_twin_of(student)) == [world.school_c]


def test_of_several_requests_the_latest_names_the_school(world):
    """Withdrawn at school C, registered again at school B: school B is named."""
    student = world.registrations["other"].student
    ChangeRequest.objects.filter(pk=world.registrations["other"].pk).update(state=ChangeRequest.State.WITHDRAWN)
    ChangeRequest.objects.create(kind="registration", student=student, school=world.school_b,
                                 initiated_by=world.users["registrar"], submitted_at=timezone.now())  # fmt: skip
    assert id_number_holder(student.id_number) == world.school_b
    assert possible_duplicates(**_twin_of(student)) == [world.school_b]


def test_an_unknown_number_and_a_different_child_have_no_holder(world):
    student = world.pupils["sibling"]
    assert id_number_holder("110101201903081234") is None
    assert possible_duplicates(name=student.name, birth_date=date(2019, 3, 9), sex=student.sex) == []
    assert possible_duplicates(name=student.name + "一", birth_date=student.birth_date, sex=student.sex) == []


def test_a_record_being_edited_is_not_its_own_duplicate(world):
    student = world.pupils["sibling"]
    assert id_number_holder(student.id_number, exclude=student) is None
    assert possible_duplicates(**_twin_of(student), exclude=student) == []
    twin = StudentFactory(**_twin_of(student))
    EnrolmentSpellFactory(student=twin, school_class=world.class_c)
    assert possible_duplicates(**_twin_of(student), exclude=student) == [world.school_c]


def test_two_namesakes_at_one_school_name_it_once_and_each_school_is_named(world):
    for school_class in (world.class_b, world.class_b, world.class_c):
        EnrolmentSpellFactory(student=StudentFactory(name="王芳", birth_date=BIRTH, sex="2"), school_class=school_class)
    schools = possible_duplicates(name="王芳", birth_date=BIRTH, sex="2")
    assert sorted(school.pk for school in schools) == sorted([world.school_b.pk, world.school_c.pk])


def test_a_record_on_no_register_and_with_no_request_names_no_school(world):
    student = StudentFactory(name="赵六", birth_date=BIRTH, sex="1")
    assert id_number_holder(student.id_number) is None
    assert possible_duplicates(**_twin_of(student)) == []
