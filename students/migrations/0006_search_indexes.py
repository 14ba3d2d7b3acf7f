"""Trigram indexes for the pupil search on PostgreSQL (name, former name, pinyin keys, ID-number tail are
all `LIKE '%…%'` / `'%…'` searches, which a B-tree cannot serve). SQLite, the laptop default, scans."""

from django.db import migrations

FIELDS = ["name", "former_name", "name_pinyin", "name_initials", "id_number"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for field in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS students_student_{field}_trgm "
            f"ON students_student USING gin ({field} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS students_student_{field}_trgm")


class Migration(migrations.Migration):
    dependencies = [("students", "0005_spells_do_not_overlap")]

    operations = [migrations.RunPython(create, drop)]
