"""Drop the trigram index on the ID number (0006). No search reads it since the tail search went to the
reversed B-tree (0009), and pg_trgm serves `=` too: once analyzed, PostgreSQL chose it for the duplicate
checks' `id_number IN (1,000 numbers)` (the new-pupil import, the onboarding import) and rechecked every pupil
sharing a digit triple — 8.7 s per chunk of a county's numbers, against 23 ms on the unique index
one_record_per_id_number. Dropped concurrently: a live registry goes on reading and writing pupils meanwhile.
PostgreSQL only; SQLite, the laptop default, never had it."""

from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS students_student_id_number_trgm "
    "ON students_student USING gin (id_number gin_trgm_ops)"
)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS students_student_id_number_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [("students", "0015_problem_counts_and_check_indexes")]

    operations = [migrations.RunPython(drop, create)]
