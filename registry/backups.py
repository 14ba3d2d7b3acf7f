"""Backups of the whole registry and their restore: the database and the uploaded files (MEDIA_ROOT).

One backup is one timestamped directory, `xueji-YYYYmmdd-HHMMSS/`, holding
- `database.dump` — PostgreSQL, `pg_dump --format=custom` (restored with `pg_restore --clean --if-exists`), or
  `database.sqlite3` — SQLite, a consistent copy made with sqlite3's online backup API;
- `media.tar.gz` — every file under MEDIA_ROOT (evidence scans, archive documents, PDFs);
- `manifest.json` — when, which database engine, and the row count of every table at that moment, which the
  restore compares with what it restored.

个人信息保护法 第五十一条 and 等保 2.0 ask for backup and recovery of personal data: the backup holds full ID
numbers, so its directory must be as protected as the database (mode 0700 here; keep copies encrypted).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class Restored:
    database: str
    tables: int
    mismatched: dict  # table -> (in the manifest, restored)
    media_files: int


def row_counts(alias="default", *, connection=None) -> dict:
    """The number of rows of every table of the database, by table name."""
    connection = connection or connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def pg_binary(name, connection) -> str:
    """`pg_dump` or `pg_restore` of the server's major version when Debian has it installed side by side
    (/usr/lib/postgresql/<major>/bin): an older client refuses a newer server. PG_BIN_DIR overrides."""
    configured = os.environ.get("PG_BIN_DIR")
    if configured:
        return str(Path(configured) / name)
    connection.ensure_connection()
    versioned = Path(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _pg_args(settings_dict, database=None):
    args = ["--dbname", database or settings_dict["NAME"], "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _sqlite_connection(connection):
    connection.ensure_connection()
    return connection.connection


def back_up(destination, *, alias="default") -> Path:
    """Write a backup of the database `alias` and of MEDIA_ROOT into a new timestamped directory under
    `destination`, and return that directory."""
    connection = connections[alias]
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    target = destination / f"xueji-{timezone.localtime():%Y%m%d-%H%M%S}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = destination / f"xueji-{timezone.localtime():%Y%m%d-%H%M%S}-{suffix}"
    target.mkdir(mode=0o700)
    counts = row_counts(connection=connection)
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        _run([pg_binary("pg_dump", connection), "--format=custom", "--file", str(target / DUMP), *args], env)
    elif connection.vendor == "sqlite":
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            _sqlite_connection(connection).backup(copy)
        finally:
            copy.close()
    else:
        raise BackupError(f"No backup for the {connection.vendor} database engine.")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname=".")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": str(connection.settings_dict["NAME"]),
        "row_counts": counts,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return target


def read_manifest(source) -> dict:
    path = Path(source) / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.")
    return json.loads(path.read_text())


def _restore_media(source):
    """Replace the files under MEDIA_ROOT with the backup's."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=media_root.parent if media_root.parent.exists() else None) as staging:
        with tarfile.open(Path(source) / MEDIA, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        if media_root.exists():
            shutil.rmtree(media_root)
        shutil.copytree(staging, media_root)
    return sum(1 for path in media_root.rglob("*") if path.is_file())


def restore(source, *, alias="default", database=None) -> Restored:
    """Put the database and MEDIA_ROOT back as they were in the backup directory `source`. PostgreSQL:
    `pg_restore --clean --if-exists` into the configured database, or into `database` (an existing, e.g.
    scratch, database on the same server); SQLite: the copy is written back with the backup API. Then the
    row counts are compared with the manifest's."""
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections[alias]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"The backup is of a {manifest['vendor']} database; this one is {connection.vendor}.")
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict, database)
        command = [pg_binary("pg_restore", connection), "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
        elsewhere = database and database != connection.settings_dict["NAME"]
        if not elsewhere:
            connection.close()  # our own session must not hold a lock on a table being replaced
        _run([*command, *args, str(source / DUMP)], env)
        restored = _counts_of_other_database(connection, database) if elsewhere else row_counts(connection=connection)
    else:
        if database:
            raise BackupError("A SQLite backup restores into the configured database file only.")
        copy = sqlite3.connect(source / SQLITE_COPY)
        try:
            copy.backup(_sqlite_connection(connection))
        finally:
            copy.close()
        restored = row_counts(connection=connection)
    expected = manifest["row_counts"]
    mismatched = {
        table: (expected.get(table), restored.get(table))
        for table in set(expected) | set(restored)
        if expected.get(table) != restored.get(table)
    }
    media_files = _restore_media(source)
    return Restored(
        database=database or str(connection.settings_dict["NAME"]),
        tables=len(restored),
        mismatched=mismatched,
        media_files=media_files,
    )


def _counts_of_other_database(connection, database):
    """Row counts of another database on the same PostgreSQL server, through a connection of its own."""
    other = connection.copy()
    other.settings_dict = {**connection.settings_dict, "NAME": database}
    try:
        return row_counts(connection=other)
    finally:
        other.close()
