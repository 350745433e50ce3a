"""Registry cleanup: the step that ends jobs whose worker died mid-job."""

from __future__ import annotations

import logging

from redis import Redis
from rq.registry import StartedJobRegistry

from bng_optimiser.settings import Settings

logger = logging.getLogger(__name__)


def clean_started_jobs(redis: Redis, settings: Settings) -> None:
    """Retry, or mark failed, every started job whose worker stopped sending heartbeats.

    RQ moves such a job back to the queue while it has retries left and otherwise to the
    failed registry with an AbandonedJobError. The call costs one sorted-set query when no job
    is abandoned, so it is safe to run often.
    """
    StartedJobRegistry(settings.queue_name, connection=redis).cleanup()
