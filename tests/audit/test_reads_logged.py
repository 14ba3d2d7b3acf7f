"""Reads are logged: every export names its row count; archive views, downloads of archive documents,
evidence and prints, and ID-number reveals each leave an audit event about the pupil's record."""

import pytest

from audit.models import Event
from tests.conftest import client_for
from tests.permission_matrix import MATRIX

EXPORTS = [
    ("pupil_export", "officer", "students.list.exported"),
    ("town_roll_checks_export", "officer", "students.roll_check.exported"),
    ("school_statistics_export", "registrar", "transfers.statistics.exported"),
    ("authority_statistics_export", "officer", "transfers.statistics.exported"),
    ("audit_export", "officer", "audit.exported"),
]


@pytest.mark.parametrize("name,role,action", EXPORTS)
def test_every_export_is_logged_with_its_row_count(client, world, name, role, action):
    url = MATRIX[name].url(world, "own")
    response = client_for(client, world, role).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    event = Event.objects.filter(action=action).latest("id")
    assert event.actor == world.users[role]
    assert isinstance(event.data["rows"], int)


READS = [
    ("archive_detail", "archivist", "archives.archive.viewed"),
    ("document_download", "archivist", "archives.document.downloaded"),
    ("evidence_download", "officer", "transfers.evidence.downloaded"),
    ("print_download", "archivist", "archives.print.downloaded"),
]


@pytest.mark.parametrize("name,role,action", READS)
def test_reads_of_a_pupils_record_are_logged_against_the_pupil(client, world, name, role, action):
    url = MATRIX[name].url(world, "own")
    response = client_for(client, world, role).get(url)
    assert response.status_code == 200
    event = Event.objects.filter(action=action).latest("id")
    assert event.actor == world.users[role]
    assert event.school_pk == world.school_a.pk
    assert event.pupil_pk is not None


def test_a_reveal_is_logged_against_the_pupil_and_school(client, world):
    pupil = world.pupils["own"]
    response = client_for(client, world, "registrar").post(
        MATRIX["reveal_id_numbers"].url(world, "own"), {"reason": "核对转学材料"}
    )
    assert response.status_code == 200
    event = Event.objects.get(action="students.id_number.revealed")
    assert (event.actor, event.pupil_pk, event.school_pk) == (world.users["registrar"], pupil.pk, world.school_a.pk)
    assert event.data == {"reason": "核对转学材料"}
