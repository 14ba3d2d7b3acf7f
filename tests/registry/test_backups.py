"""Backup → restore → the same data (issue 7): the row count of every table and the uploaded files come
back. SQLite always; PostgreSQL in CI, restored into a scratch database so the test database other tests use
is never replaced."""

import json
import time
from io import StringIO

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from registry.backups import MANIFEST, row_counts
from registry.roles import Role
from registry.services import grant_role
from students.models import Guardian, Student
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, GuardianFactory, StudentFactory, UserFactory
from transfers.models import Evidence
from transfers.registration import register_pupil


def _some_data():
    """Pupils with guardians, a pending registration with history and audit rows, and an uploaded file."""
    registrar = UserFactory(username="registrar_backup")
    spells = [EnrolmentSpellFactory() for _ in range(3)]
    for spell in spells:
        GuardianFactory(student=spell.student)
    grant_role(registrar, Role.REGISTRAR, spells[0].school, actor=registrar)
    request = register_pupil(
        StudentFactory.build(national_number=None),
        GuardianFactory.build_batch(2, student=None),
        spells[0].school_class,
        actor=registrar,
    )
    evidence = Evidence.objects.create(
        request=request, kind="commitment_letter", file=SimpleUploadedFile("letter.pdf", PDF),
        original_name="letter.pdf", content_type="application/pdf", size=len(PDF), sha256="0" * 64,
        uploaded_by=registrar,
    )  # fmt: skip
    return evidence


def _damage():
    """What a bad day does: rows deleted and changed, an upload lost."""
    Guardian.objects.all().delete()
    Student.objects.filter(pk=Student.objects.order_by("pk").first().pk).update(name="改错的名字")


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_and_restore_bring_back_every_row_and_file(tmp_path, settings):
    evidence = _some_data()
    before = row_counts()
    first_name = Student.objects.order_by("pk").first().name
    out = StringIO()
    started = time.monotonic()
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
    backup_seconds = time.monotonic() - started
    (backup,) = (tmp_path / "backups").iterdir()
    assert str(backup) in out.getvalue()
    assert json.loads((backup / MANIFEST).read_text())["row_counts"] == before

    _damage()
    evidence.file.storage.delete(evidence.file.name)
    assert row_counts() != before and not evidence.file.storage.exists(evidence.file.name)

    dry = StringIO()
    call_command("restore", str(backup), stdout=dry)  # without --yes: says what it would do, changes nothing
    assert "--yes" in dry.getvalue() and row_counts() != before

    out = StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)
    assert "row counts as in the backup" in out.getvalue()
    assert row_counts() == before
    assert Student.objects.order_by("pk").first().name == first_name
    with evidence.file.open("rb") as restored:
        assert restored.read() == PDF
    assert backup_seconds < 30


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path, db):
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path), "--yes")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_scratch_database_with_the_same_counts(tmp_path):
    """pg_dump of the test database, damage, pg_restore into a scratch database on the same server: every
    table's row count is as at the backup, not as after the damage; the media file is back."""
    evidence = _some_data()
    before = row_counts()
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=StringIO())
    (backup,) = (tmp_path / "backups").iterdir()
    _damage()
    evidence.file.storage.delete(evidence.file.name)

    params = connection.get_connection_params()
    scratch = f"{connection.settings_dict['NAME']}_restore"
    admin = {key: value for key, value in params.items() if key in ("host", "port", "user", "password")}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        server.execute(f'CREATE DATABASE "{scratch}"')
    try:
        out = StringIO()
        call_command("restore", str(backup), "--yes", "--database-name", scratch, stdout=out)
        assert "row counts as in the backup" in out.getvalue()
        with psycopg.connect(dbname=scratch, **admin) as restored:
            for table, count in before.items():
                assert restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count, table
            names = restored.execute("SELECT name FROM students_student ORDER BY id").fetchall()
        assert "改错的名字" not in {name for (name,) in names}
        assert row_counts() != before  # the test database itself was left as it was
        with evidence.file.open("rb") as file:
            assert file.read() == PDF
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
