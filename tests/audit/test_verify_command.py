"""`manage.py verify_audit` on the SQLite default: a broken chain is reported by its message and exit
status alone (issue 18 item 10: a Python traceback used to follow the message)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

import audit
from audit.types import LOGIN

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.sqlite
def test_a_broken_chain_is_reported_without_a_traceback(tmp_path, transactional_db):
    """The command runs on a copy of the test database with one event edited behind the chain's back (sqlite3's
    online backup, taken outside any test transaction, which would keep it waiting), not on a file migrated
    again."""
    events = [audit.record(LOGIN, actor=None, data={"n": n}) for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor_name = 'x' WHERE id = %s", [events[1].pk])
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    result = manage("verify_audit")
    assert result.returncode == 1
    assert f"Audit chain broken at event #{events[1].pk}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr
