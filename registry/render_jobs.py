"""What every rendered document job shares (DESIGN §6): it is queued by its task's name once the creating
transaction commits; rendering is idempotent (a ready job with its file is left alone; any other — queued,
failed, or left half-done by a killed worker — is produced again over the same file name); a job whose task
was lost is queued again when its page is opened, at most once per pause; and it reports progress for the
page to poll. The four-copy transfer form (transfers.slip) and the archive's print jobs (archives.printing)
are the two kinds of job; each subclasses `RenderJobs` and says how to fetch, produce and measure one."""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from registry.queue import enqueue

logger = logging.getLogger(__name__)


class RenderJobs:
    """Subclasses set `model` (with a `State` holding READY, a `file` and `created_at`), `task_name`,
    `waiting_states` (states in which a job past `stuck_after_seconds` counts as lost) and implement
    `produce(job)` and `progress(job)`; `fetch(pk)` may add select_related."""

    model = None
    task_name = ""
    waiting_states = ()
    stuck_after_seconds = 5 * 60

    def fetch(self, pk):
        return self.model.objects.get(pk=pk)

    def produce(self, job):
        """Lay out the document, write its file and mark the job ready (a conditional update)."""
        raise NotImplementedError

    def progress(self, job) -> int:
        """How far the job is, in percent (100 when ready)."""
        raise NotImplementedError

    def queue(self, pk):
        """Hand the job to its Celery task (run in-process when tasks are eager)."""
        enqueue(self.task_name, pk)

    def queue_after_commit(self, pk):
        transaction.on_commit(lambda: self.queue(pk), robust=True)

    @staticmethod
    def has_file(job):
        return bool(job.file) and job.file.storage.exists(job.file.name)

    def render(self, pk):
        """Produce the job's document unless it is ready with its file. Returns the job."""
        job = self.fetch(pk)
        if job.state == self.model.State.READY and self.has_file(job):
            return job
        self.produce(job)
        job.refresh_from_db()
        return job

    def requeue_if_stuck(self, job) -> bool:
        """Queue again a job that is still waiting long after it was created (its task was lost or failed):
        rendering is idempotent, so this is safe. At most once per `stuck_after_seconds` per job."""
        if job.state not in self.waiting_states:
            return False
        if (timezone.now() - job.created_at).total_seconds() < self.stuck_after_seconds:
            return False
        if not cache.add(f"xueji:requeued:{self.model._meta.label_lower}:{job.pk}", 1, self.stuck_after_seconds):
            return False
        logger.warning("%s %s was still waiting after %s s; queued again", self.model.__name__, job.pk,
                       self.stuck_after_seconds)  # fmt: skip
        try:
            self.queue(job.pk)
        except Exception:  # the page still shows the job waiting; the next attempt comes after the pause
            logger.exception("%s %s could not be queued again", self.model.__name__, job.pk)
            return False
        return True
