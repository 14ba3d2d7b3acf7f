from django.core.management.base import BaseCommand, CommandError

from registry.backups import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Restore a backup directory made by `manage.py backup`: the database (PostgreSQL: pg_restore --clean "
        "--if-exists; SQLite: the copy written back) and MEDIA_ROOT, then compare every table's row count with the "
        "backup's manifest. Replaces the current data: without --yes it only says what it would restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory (xueji-YYYYmmdd-HHMMSS).")
        parser.add_argument("--yes", action="store_true", help="Replace the current database and media.")
        parser.add_argument(
            "--database-name", help="PostgreSQL: restore into this existing database instead (e.g. to check a backup)."
        )

    def handle(self, *args, source, yes=False, database_name=None, **options):
        try:
            manifest = read_manifest(source)
            rows = sum(manifest["row_counts"].values())
            if not yes:
                self.stdout.write(
                    f"{source}: {manifest['vendor']} backup of {manifest['created_at']}, "
                    f"{len(manifest['row_counts'])} tables, {rows} rows. Run again with --yes to restore it; "
                    "the current database and media are replaced."
                )
                return
            result = restore(source, database=database_name)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result.mismatched:
            for table, (expected, found) in sorted(result.mismatched.items()):
                self.stderr.write(f"{table}: {expected} rows in the backup, {found} restored")
            raise CommandError("The restored row counts differ from the backup's manifest.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.database}: {result.tables} tables, row counts as in the backup; "
                f"{result.media_files} media files."
            )
        )
