"""The Celery application. Tasks live in each app's tasks.py and call that app's services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

app = Celery("xueji")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(task_name, *args, **kwargs):
    """Queue the task registered as `task_name` (e.g. "archives.tasks.render_print_job_task") with `args`.

    Rule (DESIGN §6): a task module imports its service, never the reverse, so a service that must queue
    its own task does so by name through here. The app's task modules are imported on first use (Celery's
    autodiscovery), so this works in the web process as in the worker, and eagerly in tests."""
    if task_name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[task_name].apply_async(args, kwargs)
