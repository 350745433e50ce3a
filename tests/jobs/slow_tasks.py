"""A job that runs long enough to be killed or stopped mid-way; imported by test workers."""

from __future__ import annotations

import signal
import time

from rq import get_current_job

from bng_optimiser.jobs.tasks import engine_progress
from bng_optimiser.jobs.worker import STOP_SIGNAL


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


def report_after_gate(seconds: float) -> str:
    """Wait for Redis key `gate:<job id>`, then call the job's progress callback for `seconds`.

    The stop command's signal is blocked throughout, as it is in effect during a long native
    call, so only the progress callback's own check can stop the job.
    """
    job = get_current_job()
    assert job is not None
    report = engine_progress(job)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {STOP_SIGNAL})
    try:
        # Saved only now, so a test that reads this stage knows the signal is blocked.
        job.meta["progress"] = {"stage": "at gate", "percent": 10}
        job.save_meta()
        while not job.connection.exists(f"gate:{job.id}"):
            time.sleep(0.05)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            report("solving", 50.0)
            time.sleep(0.1)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return "reported"
