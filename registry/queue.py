"""Queue a Celery task by its name (DESIGN §6: the task module imports its service, never the reverse, so a
service that queues work names the task instead of importing it). Runs in-process when tasks are eager."""

from celery import current_app


def enqueue(name, *args):
    """Queue the registered task `name` (e.g. "transfers.tasks.render_transfer_form_task") with `args`."""
    return current_app.tasks[name].delay(*args)
