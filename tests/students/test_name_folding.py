"""DOMAIN Registration 5: a name typed in traditional characters and one saved in simplified characters (or
the other way round) are one name for the duplicate warning — on both sides, the record and the query."""

from datetime import date

import pytest

from students.pinyin import folded
from students.services import refresh_search_keys
from tests.factories import EnrolmentSpellFactory, StudentFactory
from transfers.selectors import possible_duplicates

BIRTH = date(2019, 3, 8)


def _saved_through_the_app(name, school_class):
    """A pupil whose search keys were set the way every path that stores a name sets them."""
    student = StudentFactory(name=name, name_folded="", birth_date=BIRTH, sex="2")
    refresh_search_keys(student)
    student.save()
    EnrolmentSpellFactory(student=student, school_class=school_class)
    return student


def test_folding_gives_the_simplified_form_without_spaces():
    assert folded("林曉雨") == "林晓雨"
    assert folded("張 偉") == "张伟"
    assert folded("林晓雨") == "林晓雨"


@pytest.mark.parametrize(("saved", "typed"), [("林晓雨", "林曉雨"), ("林曉雨", "林晓雨")],
                         ids=["typed_traditional", "saved_traditional"])  # fmt: skip
def test_the_duplicate_warning_names_the_school_either_way_round(world, saved, typed):
    _saved_through_the_app(saved, world.class_b)
    assert possible_duplicates(name=typed, birth_date=BIRTH, sex="2") == [world.school_b]
    assert possible_duplicates(name=typed, birth_date=BIRTH, sex="1") == []
