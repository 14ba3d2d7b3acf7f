from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.backups import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format; SQLite: a consistent copy) and MEDIA_ROOT into "
        "a new timestamped directory under --to (default BACKUP_ROOT). Restore with `manage.py restore DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(settings.BACKUP_ROOT), help="Directory that receives the backup.")

    def handle(self, *args, to, **options):
        try:
            target = back_up(to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
