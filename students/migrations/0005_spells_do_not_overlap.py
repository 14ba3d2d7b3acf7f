"""No two enrolment spells of one pupil overlap in time, enforced by the database (issue: pupil records).

PostgreSQL: an exclusion constraint over [started_on, ended_on) per pupil (btree_gist). SQLite, the laptop
default, has no exclusion constraints, so two triggers refuse an overlapping insert or update. A spell may
start on the day the previous one ends (a transfer's hand-over day).
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE students_enrolmentspell ADD CONSTRAINT spells_do_not_overlap EXCLUDE USING gist "
    "(student_id WITH =, daterange(started_on, ended_on, '[)') WITH &&)",
]
POSTGRESQL_REVERSE = ["ALTER TABLE students_enrolmentspell DROP CONSTRAINT spells_do_not_overlap"]

_OVERLAP = (
    "EXISTS (SELECT 1 FROM students_enrolmentspell s WHERE s.student_id = NEW.student_id {same} "
    "AND s.started_on < COALESCE(NEW.ended_on, '9999-12-31') "
    "AND NEW.started_on < COALESCE(s.ended_on, '9999-12-31'))"
)
SQLITE = [
    "CREATE TRIGGER spells_do_not_overlap_insert BEFORE INSERT ON students_enrolmentspell "
    f"WHEN {_OVERLAP.format(same='')} "
    "BEGIN SELECT RAISE(ABORT, 'spells_do_not_overlap: enrolment spells of one pupil overlap'); END",
    "CREATE TRIGGER spells_do_not_overlap_update BEFORE UPDATE ON students_enrolmentspell "
    f"WHEN {_OVERLAP.format(same='AND s.id <> NEW.id')} "
    "BEGIN SELECT RAISE(ABORT, 'spells_do_not_overlap: enrolment spells of one pupil overlap'); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS spells_do_not_overlap_insert",
    "DROP TRIGGER IF EXISTS spells_do_not_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("students", "0004_name_folded")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
