"""Queue a Celery task by its name (DESIGN §6: the task module imports its service, never the reverse, so a
service that queues work names the task instead of importing it). Runs in-process when tasks are eager."""

from registry.celery import app


def enqueue(name, *args):
    """Queue the registered task `name` (e.g. "transfers.tasks.render_transfer_form_task") with `args`; the
    apps' task modules are imported on first use, as a worker imports them when it starts."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name].delay(*args)
