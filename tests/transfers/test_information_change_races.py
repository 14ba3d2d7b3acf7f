"""Simultaneous saves of one pupil's information (PostgreSQL; a module of its own: the other information change
tests share one world in an open transaction, which a committing test cannot run beside)."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from students.models import Student
from tests.conftest import build_world
from transfers.information.services import edit_directly
from transfers.kinds import ChangeRefused
from transfers.kinds.information_change.fields import Seen, fingerprint


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_pupil_lose_nothing_and_overwrite_nothing():
    """Ten saves at the same moment: five of different fields all land (no save writes back another's stale
    row); five of one field from the same page: one lands, four are told it changed meanwhile."""
    assert connection.vendor == "postgresql"
    world = build_world()
    pupil = world.pupils["own"]
    registrar = world.users["registrar"]
    seen = {"native_place": Seen(fingerprint(pupil.native_place))}
    saves = [({"birthplace": f"出生地{n}"} if n == 0 else {"household_place": f"户口{n}"} if n == 1 else
              {"boarding": "2"} if n == 2 else {"health": "20"} if n == 3 else {"only_child": True}, None)
             for n in range(5)]  # fmt: skip
    saves += [({"native_place": f"籍贯{n}"}, seen) for n in range(5)]
    barrier = threading.Barrier(len(saves))
    outcomes = []

    def save(changes, expected):
        try:
            barrier.wait()
            with translation.override("en"):
                edit_directly(Student.objects.get(pk=pupil.pk), actor=registrar, changes=changes, reason="并发",
                              expected=expected)  # fmt: skip
            outcomes.append("saved")
        except ChangeRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=arguments) for arguments in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pupil.refresh_from_db()
    assert (pupil.birthplace, pupil.household_place, pupil.boarding, pupil.health, pupil.only_child) == (
        "出生地0", "户口1", "2", "20", True
    )  # fmt: skip
    assert outcomes.count("saved") == 6
    assert sum("changed by someone else" in outcome for outcome in outcomes) == 4
    assert pupil.native_place.startswith("籍贯")
