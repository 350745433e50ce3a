"""Stop requests for running jobs, kept in Redis so the job itself can check for one."""

from __future__ import annotations

from redis import Redis

# A stop request outlives any job: the longest job timeout is far below a day.
STOP_REQUEST_TTL_SECONDS = 86_400


class JobStopped(BaseException):
    """Raised inside a job that a user stopped; not an Exception, so no job code records it."""


def _key(job_id: str) -> str:
    return f"bng:stop:{job_id}"


def request_stop(redis: Redis, job_id: str) -> None:
    """Record that job `job_id` should stop at its next progress report."""
    redis.set(_key(job_id), 1, ex=STOP_REQUEST_TTL_SECONDS)


def stop_requested(redis: Redis, job_id: str) -> bool:
    return bool(redis.exists(_key(job_id)))


def clear_stop(redis: Redis, job_id: str) -> None:
    """Forget a stop request; job ids repeat for identical requests, so a new job needs this."""
    redis.delete(_key(job_id))
