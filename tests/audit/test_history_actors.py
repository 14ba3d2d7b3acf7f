"""100% of history rows name an actor: the person (web request, or the user a task or command acts for) or,
when no person acted, the system account (audit.history.SYSTEM_USERNAME)."""

from django.apps import apps
from django.core.management import call_command

from archives.models import ArchiveFile
from archives.services import ensure_archive
from audit.history import SYSTEM_USERNAME
from audit.tasks import verify_audit_chain_task
from registry.tasks import send_daily_reminders_task
from students.models import Student
from tests.conftest import client_for
from tests.transfers.test_imports import filled_template, pupil_row, upload
from transfers.bulk.services import promote_school


def history_models():
    return [model for model in apps.get_models() if hasattr(model, "instance_type") and hasattr(model, "history_id")]


def rows_without_actor():
    """(model, count) of history rows that name nobody, over every history model."""
    missing = []
    for model in history_models():
        count = model.objects.filter(history_user__isnull=True).count()
        if count:
            missing.append((model.__name__, count))
    return missing


def test_every_history_model_is_checked():
    names = {model.__name__ for model in history_models()}
    assert {"HistoricalStudent", "HistoricalSchool", "HistoricalChangeRequest", "HistoricalArchiveFile"} <= names


def test_tasks_commands_and_services_leave_no_history_row_without_an_actor(
    client, world, django_capture_on_commit_callbacks
):
    registrar = world.users["registrar"]
    # a Celery task acting for the user who uploaded the file
    rows = [pupil_row(n, world.class_a) for n in range(3)]
    job, _page = upload(
        client_for(client, world, "registrar"), world, filled_template(rows), django_capture_on_commit_callbacks
    )
    assert job.state == "imported"
    imported = Student.objects.filter(name__startswith="导入学生")
    assert {row.history_user for row in Student.history.filter(id__in=imported.values("pk"))} == {registrar}
    # a service run in bulk for a user, beat tasks and a command, and a service called with nobody acting
    promote_school(world.school_a, actor=registrar)
    send_daily_reminders_task.delay().get()
    verify_audit_chain_task.delay().get()
    call_command("send_reminders")
    archive = ensure_archive(world.pupils["sibling"])

    assert rows_without_actor() == []
    created = ArchiveFile.history.get(id=archive.pk, history_type="+")
    assert created.history_user.username == SYSTEM_USERNAME
    assert not created.history_user.is_active and not created.history_user.has_usable_password()


def test_the_demo_command_leaves_no_history_row_without_an_actor(db):
    call_command("demo")
    assert rows_without_actor() == []
