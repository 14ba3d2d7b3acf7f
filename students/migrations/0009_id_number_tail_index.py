"""A B-tree on the reversed ID number for the search by its tail (issue 14): `reverse(id_number) LIKE
'<reversed tail>%'` is a range scan of this index, where the trigram index of 0006 had to weigh every pupil
sharing a digit triple (25 ms → 0.06 ms at 100,000 pupils). PostgreSQL only; SQLite, the laptop default, scans."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS students_student_id_tail "
            "ON students_student ((reverse(id_number)) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS students_student_id_tail")


class Migration(migrations.Migration):
    dependencies = [("students", "0008_roll_check")]

    operations = [migrations.RunPython(create, drop)]
