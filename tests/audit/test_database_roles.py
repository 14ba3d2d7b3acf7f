"""docs/audit-grants.sql does what docs/database-roles.md says: the application's role may read and append
to the audit log and the history tables, and may not edit or delete a row (PostgreSQL only)."""

from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

import audit
from audit.types import LOGIN

GRANTS = Path(__file__).resolve().parents[2] / "docs" / "audit-grants.sql"

pytestmark = pytest.mark.postgresql


def _as_app_role(cursor):
    """Inside the test's transaction (so the role disappears with it): the app role as the docs make it."""
    cursor.execute("CREATE ROLE xueji_app NOLOGIN")
    cursor.execute("GRANT USAGE ON SCHEMA public TO xueji_app")
    cursor.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO xueji_app")
    cursor.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO xueji_app")
    cursor.execute(GRANTS.read_text())
    cursor.execute("SET LOCAL ROLE xueji_app")


def _refused(cursor, sql, params=()):
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        cursor.execute(sql, params)


def test_the_app_role_appends_and_reads_but_never_edits(world):
    event = audit.record(LOGIN, actor=world.users["registrar"])
    history_row = world.pupils["own"].history.latest()
    with connection.cursor() as cursor:
        _as_app_role(cursor)
        audit.record(LOGIN, actor=world.users["officer"])  # appending still works
        cursor.execute("SELECT count(*) FROM audit_event")
        assert cursor.fetchone()[0] >= 2
        _refused(cursor, "UPDATE audit_event SET actor_name = 'forged' WHERE id = %s", [event.pk])
        _refused(cursor, "DELETE FROM audit_event WHERE id = %s", [event.pk])
        _refused(
            cursor, "UPDATE students_historicalstudent SET name = 'forged' WHERE history_id = %s", [history_row.pk]
        )
        _refused(cursor, "DELETE FROM students_historicalstudent WHERE history_id = %s", [history_row.pk])
        cursor.execute(
            "UPDATE students_student SET home_address = home_address WHERE id = %s", [world.pupils["own"].pk]
        )
        cursor.execute("RESET ROLE")
