"""What the database itself enforces about pupils and their enrolment spells."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from students.models import EnrolmentSpell
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, StudentFactory


def test_a_pupil_has_at_most_one_open_spell(db):
    spell = EnrolmentSpellFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentSpellFactory(student=spell.student, school_class=SchoolClassFactory())


def test_a_closed_spell_needs_an_exit_reason(db):
    spell = EnrolmentSpellFactory()
    spell.ended_on = date(2027, 1, 22)
    with pytest.raises(IntegrityError), transaction.atomic():
        spell.save()
    spell.exit_reason = EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    spell.save()
    EnrolmentSpellFactory(student=spell.student, started_on=date(2027, 1, 23))
    assert spell.student.spells.count() == 2


def test_one_record_per_id_number(db):
    first = StudentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(id_number=first.id_number, national_number=None)


def test_pupils_without_an_id_number_may_be_many(db):
    StudentFactory(id_number="", national_number=None)
    StudentFactory(id_number="", national_number=None)


def test_national_number_has_a_known_form(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(national_number="X123")


def test_spells_of_one_pupil_never_overlap(db):
    spell = EnrolmentSpellFactory(started_on=date(2026, 9, 1))
    spell.ended_on, spell.exit_reason = date(2027, 1, 22), EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    spell.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentSpellFactory(student=spell.student, started_on=date(2026, 12, 1))  # inside the closed spell
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentSpellFactory(student=spell.student, started_on=date(2026, 3, 1))  # open, so it covers it
    EnrolmentSpellFactory(student=spell.student, started_on=date(2027, 1, 22))  # the hand-over day is fine
    assert spell.student.spells.count() == 2


def test_status_follows_from_the_spells(db):
    from students.status import Status, status_of

    spell = EnrolmentSpellFactory()
    assert status_of([]) == Status.PENDING
    assert status_of([spell]) == Status.ENROLLED
    spell.ended_on, spell.exit_reason = date(2027, 1, 22), EnrolmentSpell.ExitReason.WITHDRAWN
    assert status_of([spell]) == Status.WITHDRAWN
