"""The archive list's pupils: those whose file a school of the user holds — the file's school, or for a pupil
without a file the school of their current or last spell — whatever the query's shape."""

from datetime import date

from archives.models import ArchiveFile
from archives.queries import held_archives
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory


def _spell(school, **fields):
    return EnrolmentSpellFactory(school_class=SchoolClassFactory(school=school), **fields)


def test_the_list_holds_the_files_and_the_unfiled_last_spells_of_the_users_school(world):
    a, b = world.school_a, world.school_b
    on_register = _spell(a).student
    left = _spell(a, started_on=date(2020, 9, 1), ended_on=date(2026, 1, 20), exit_reason="withdrawn").student
    moved_on = _spell(a, started_on=date(2020, 9, 1), ended_on=date(2026, 1, 20), exit_reason="transferred_out").student
    _spell(b, student=moved_on, started_on=date(2026, 2, 1))
    filed_elsewhere = _spell(a).student
    ArchiveFile.objects.create(student=filed_elsewhere, school=b)
    filed_here = _spell(b).student
    ArchiveFile.objects.create(student=filed_here, school=a)

    held = {pupil.pk: pupil.holding for pupil in held_archives(world.users["archivist"])}
    for pupil in (on_register, left, filed_here):
        assert held.get(pupil.pk) == a.pk, pupil
    assert moved_on.pk not in held and filed_elsewhere.pk not in held
