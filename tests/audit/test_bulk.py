"""audit.bulk.create_with_history: rows written in bulk (COPY on PostgreSQL) each get a history row naming the
actor and the reason, with the same values; a duplicate is Django's IntegrityError and writes nothing."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.bulk import create_with_history
from students.models import Guardian, Student
from transfers.models import ChangeRequest


def _pupils(count, start=0):
    return [
        Student(
            name=f"批量{n}", sex="1", birth_date=date(2019, 9, 1), id_type="1", id_number=f"45119820190901{n:03d}X",
            entry_date=date(2026, 9, 1), home_address="示范县城关镇",
        )
        for n in range(start, start + count)
    ]  # fmt: skip


def test_each_row_is_saved_with_its_history_naming_the_actor_and_the_reason(world):
    registrar = world.users["registrar"]
    pupils = create_with_history(_pupils(3), Student, actor=registrar, reason="transfers.import")

    assert all(pupil.pk for pupil in pupils) and len({pupil.pk for pupil in pupils}) == 3
    assert not pupils[0]._state.adding
    saved = Student.objects.get(pk=pupils[1].pk)
    assert (saved.name, saved.id_number, saved.home_address) == ("批量1", "45119820190901001X", "示范县城关镇")
    (history,) = Student.history.filter(id=pupils[1].pk)
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+", registrar, "transfers.import"
    )  # fmt: skip
    assert (history.name, history.id_number, history.birth_date) == ("批量1", "45119820190901001X", date(2019, 9, 1))
    tracked = [field.attname for field in Student.history.model.tracked_fields]
    assert [getattr(history, name) for name in tracked] == [getattr(saved, name) for name in tracked]

    guardians = create_with_history(
        [Guardian(student=pupil, name=f"家长{pupil.name}", relation="51") for pupil in pupils], Guardian,
        actor=registrar, reason="transfers.import",
    )  # fmt: skip
    assert [guardian.student_id for guardian in Guardian.objects.filter(pk__in=[g.pk for g in guardians])] == [
        pupil.pk for pupil in pupils
    ]
    assert Guardian.history.filter(id__in=[g.pk for g in guardians], history_user=registrar).count() == 3


def test_every_kind_of_field_reads_back_as_an_ordinary_save_stores_it(world):
    """Texts, numbers, yes/no and keys go to COPY as the attributes hold them; date-times and JSON through
    Django's own preparation: a request written in bulk reads back, and into its history, like one saved."""
    registrar = world.users["registrar"]
    (pupil,) = create_with_history(_pupils(1), Student, actor=registrar, reason="transfers.import")
    details = {"reason": "随父母迁居", "to": {"school": "乙小学"}, "documents": [1, 2]}

    def request():
        return ChangeRequest(
            kind="transfer", student=pupil, school=world.school_a, state="pending", round=2,
            initiated_by=registrar, submitted_at=timezone.now(), payload=details,
        )  # fmt: skip

    (bulk,) = create_with_history([request()], ChangeRequest, actor=registrar, reason="transfers.import")
    saved = ChangeRequest.objects.get(pk=bulk.pk)
    fields = [field.attname for field in ChangeRequest._meta.concrete_fields if field.attname != "id"]
    assert {name: getattr(saved, name) for name in fields} == {name: getattr(bulk, name) for name in fields}
    assert saved.payload == details and saved.closed_at is None and saved.round == 2
    (history,) = ChangeRequest.history.filter(id=bulk.pk)
    assert (history.payload, history.submitted_at, history.student_id) == (details, bulk.submitted_at, pupil.pk)


def test_a_duplicate_id_number_is_an_integrity_error_and_nothing_is_written(world):
    registrar = world.users["registrar"]
    create_with_history(_pupils(1), Student, actor=registrar, reason="first")
    before = (Student.objects.count(), Student.history.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        create_with_history([*_pupils(1, start=1), *_pupils(1)], Student, actor=registrar, reason="second")
    assert (Student.objects.count(), Student.history.count()) == before


def test_an_empty_batch_writes_nothing(world):
    before = Student.history.count()
    assert create_with_history([], Student, actor=world.users["registrar"], reason="nothing") == []
    assert Student.history.count() == before


@pytest.mark.postgresql
def test_on_postgresql_the_statements_do_not_grow_with_the_rows(world):
    assert connection.vendor == "postgresql"
    counts = []
    for start, rows in ((0, 1), (1, 200)):
        with CaptureQueriesContext(connection) as queries:
            create_with_history(_pupils(rows, start), Student, actor=world.users["registrar"], reason="copy")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Student.history.filter(history_change_reason="copy").count() == 201
