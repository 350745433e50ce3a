"""The RQ worker that runs quote jobs, with reference data preloaded before each fork."""

from __future__ import annotations

import logging

from redis import Redis
from rq import Queue, Worker
from rq.job import Job

from bng_optimiser.settings import Settings, get_settings

from . import runtime

logger = logging.getLogger(__name__)


class QuoteWorker(Worker):
    """A forking RQ worker that keeps reference data in the parent process.

    Each job runs in a forked child, so data loaded there would be lost after the job. The
    parent loads it just before the fork, so every child starts with it in memory. The parent
    reloads it only when the reference data version changes.

    A job's entry in the started registry expires `abandoned_job_grace_seconds` after the last
    heartbeat (RQ's own margin is a fixed 60 s). When a worker is killed, the entry expires and
    registry cleanup retries the job or marks it failed.
    """

    grace_seconds = 60

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            runtime.reference_cache().get()
        except Exception:
            # The job itself loads the data again and records any failure with its id.
            logger.exception(
                "worker %s: preloading reference data failed before job %s", self.name, job.id
            )
        super().execute_job(job, queue)

    def get_heartbeat_ttl(self, job: Job) -> int:
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = int(min(job.timeout - self.current_job_working_time, interval))
        return max(interval, 1) + self.grace_seconds


def build_worker(
    settings: Settings | None = None, *, name: str | None = None, connection: Redis | None = None
) -> QuoteWorker:
    """Return a worker on the quote queue configured from settings."""
    settings = settings or get_settings()
    connection = connection or runtime.redis_connection()
    queue = Queue(settings.queue_name, connection=connection)
    worker = QuoteWorker(
        [queue],
        connection=connection,
        name=name,
        job_monitoring_interval=settings.worker_heartbeat_seconds,
        maintenance_interval=settings.registry_cleanup_seconds,
    )
    worker.grace_seconds = settings.abandoned_job_grace_seconds
    return worker
