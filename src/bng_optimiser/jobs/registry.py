"""Registry cleanup: the step that ends jobs whose worker died mid-job."""

from __future__ import annotations

import logging
from typing import Any

from redis import Redis
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.registry import StartedJobRegistry

from bng_optimiser.settings import Settings

logger = logging.getLogger(__name__)


def clean_started_jobs(redis: Redis, settings: Settings) -> None:
    """Retry, or mark failed, every started job whose worker stopped sending heartbeats.

    RQ moves such a job back to the queue while it has retries left and otherwise to the
    failed registry with an AbandonedJobError. The call costs one sorted-set query when no job
    is abandoned, so it is safe to run often.
    """
    StartedJobRegistry(settings.queue_name, connection=redis).cleanup(
        exception_handlers=[log_abandoned_job]
    )


def log_abandoned_job(job: Job, exc_type: type, exc_value: Any, traceback: Any) -> bool:
    """Log an abandoned job that cleanup is about to retry or fail; pass other errors on.

    An RQ exception handler: registry cleanup calls it once per abandoned job, just before it
    re-queues the job (retries left) or moves it to the failed registry.
    """
    if isinstance(exc_type, type) and issubclass(exc_type, AbandonedJobError):
        retries_left = job.retries_left or 0
        logger.warning(
            "job %s abandoned by worker %s (no heartbeat); %d retries left, so it is %s",
            job.id,
            job.worker_name or "unknown",
            retries_left,
            "re-queued" if retries_left > 0 else "marked failed",
        )
    # True lets the next handler and RQ's own handling run.
    return True
