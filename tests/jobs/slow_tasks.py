"""A job that runs long enough to be killed or stopped mid-way; imported by test workers."""

from __future__ import annotations

import time

from rq import get_current_job


def sleep_with_progress(seconds: float) -> str:
    """Report a progress stage, then sleep for `seconds`."""
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = {"stage": "solving", "percent": 40}
        job.save_meta()
    time.sleep(seconds)
    return "slept"


def count_run_and_sleep(seconds: float) -> str:
    """Add 1 to the Redis counter `runs:<job id>`, then sleep for `seconds`."""
    job = get_current_job()
    if job is not None:
        job.connection.incr(f"runs:{job.id}")
    time.sleep(seconds)
    return "slept"
