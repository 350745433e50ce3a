"""Submit a quote: return a cached result, join an identical job in flight, or enqueue one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from bng_optimiser.settings import Settings

from . import cache
from .stopping import clear_stop

logger = logging.getLogger(__name__)

TASK = "bng_optimiser.jobs.tasks.run_quote"
IN_FLIGHT = frozenset(
    {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
)
# Long enough for the check-and-enqueue below (a few Redis calls); a crashed holder frees the
# lock after this many seconds.
SUBMIT_LOCK_SECONDS = 10
SUBMIT_LOCK_WAIT_SECONDS = 5


@dataclass(frozen=True)
class Submission:
    """Outcome of a submission: a cache hit carries the stored document, else a job status."""

    digest: str
    job_id: str
    status: str
    cached: bytes | None = None


def quote_queue(redis: Redis, settings: Settings) -> Queue:
    return Queue(settings.queue_name, connection=redis)


def submit_quote(
    redis: Redis, settings: Settings, canonical: dict[str, Any], reference_version: str
) -> Submission:
    """Return a cache hit, the identical job already queued or running, or a new queued job.

    A lock per job id makes the check and the enqueue one step, so concurrent identical
    requests create one job.
    """
    digest = cache.request_hash(canonical, reference_version)
    job_id = cache.job_id_for(digest)
    hit = cache.get_cached(redis, digest)
    if hit is not None:
        return Submission(digest, job_id, JobStatus.FINISHED.value, hit)

    with redis.lock(
        f"lock:{job_id}", timeout=SUBMIT_LOCK_SECONDS, blocking_timeout=SUBMIT_LOCK_WAIT_SECONDS
    ):
        # The job may have finished while this request waited for the lock.
        hit = cache.get_cached(redis, digest)
        if hit is not None:
            return Submission(digest, job_id, JobStatus.FINISHED.value, hit)

        try:
            existing: Job | None = Job.fetch(job_id, connection=redis)
        except NoSuchJobError:
            existing = None
        if existing is not None:
            status = existing.get_status(refresh=False)
            if status in IN_FLIGHT:
                return Submission(digest, job_id, _public_status(status))
            # A finished job whose cache entry was purged, or a failed or canceled one:
            # start again under the same id.
            logger.info("job %s ended as %s earlier; enqueueing it again", job_id, status)
            existing.delete()

        # An identical earlier job may have ended just as a stop was requested for it.
        clear_stop(redis, job_id)
        quote_queue(redis, settings).enqueue(
            TASK,
            canonical,
            job_id=job_id,
            job_timeout=settings.job_timeout_seconds,
            result_ttl=settings.job_result_ttl_seconds,
            failure_ttl=settings.job_result_ttl_seconds,
            retry=Retry(max=settings.job_retries) if settings.job_retries > 0 else None,
            description=_describe(canonical),
        )
    logger.info("job %s enqueued on reference version %s", job_id, reference_version)
    return Submission(digest, job_id, JobStatus.QUEUED.value)


def _describe(canonical: dict[str, Any]) -> str:
    request = canonical["request"]
    return f"quote {request['lpa_code']} {len(request['demand'])} rows"


def _public_status(status: JobStatus | None) -> str:
    if status == JobStatus.STARTED:
        return "started"
    return "queued"
