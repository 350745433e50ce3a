"""The RQ job that computes one quote: load reference data, solve, cache, save.

Job functions take and return plain JSON values so that any worker host can run them.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from rq import get_current_job
from rq.job import Job
from rq.timeouts import JobTimeoutException

from bng_optimiser.db import quotes
from bng_optimiser.db.session import session_scope
from bng_optimiser.domain import engine
from bng_optimiser.domain.exceptions import InvalidInputError, UnknownNameError
from bng_optimiser.domain.request import QuoteRequest
from bng_optimiser.settings import get_settings

from . import cache, runtime
from .stopping import JobStopped, stop_requested

logger = logging.getLogger(__name__)

# Percent complete reported at each stage of the job; the engine's own stages are scaled into
# the span between loading and saving.
PERCENT_LOADING = 5
PERCENT_ENGINE_START = 10
PERCENT_ENGINE_END = 85
PERCENT_SAVING = 90
# Each saved stage is one Redis write. The engine reports six stages, and a quote that
# takes 50 ms would spend a tenth of that saving stages that no client polls quickly enough to see.
PROGRESS_MIN_INTERVAL_SECONDS = 0.25


def run_quote(canonical: dict[str, Any]) -> dict[str, Any]:
    """Quote a canonical request and return `{"reference", "result", "cache_hash"}`.

    `canonical` is what `jobs.canonical.canonicalise` returns. The result is written to the
    cache under the hash of the reference version it was computed on, then saved in PostgreSQL.
    Failures are recorded in `job.meta["error"]` as `{code, message, detail}` for the API.
    """
    job = get_current_job()
    return _guarded(job, lambda: _run(job, canonical, time.perf_counter()))


def run_requote(reference: str) -> dict[str, Any]:
    """Quote saved quote `reference` again on current data; return `{"reference", "result"}`."""
    job = get_current_job()
    return _guarded(job, lambda: _requote(job, reference))


def _guarded(job: Job | None, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run the job body; the one place a job's failure is recorded, with its id."""
    job_id = job.id if job is not None else "-"
    logger.info("job %s started in pid %d", job_id, os.getpid())
    try:
        return work()
    except InvalidInputError as error:
        # Bad input fails the same way on every attempt, so it is not retried.
        _no_retry(job)
        _record_failure(job, _input_error(error))
        logger.warning("job %s failed on invalid input: %s", job_id, error)
        raise
    except JobTimeoutException:
        _no_retry(job)
        settings = get_settings()
        _record_failure(
            job,
            {
                "code": "timeout",
                "message": f"The quote took longer than {settings.job_timeout_seconds} s and was "
                "stopped. Split the demand into smaller requests.",
                "detail": {"timeout_seconds": settings.job_timeout_seconds},
            },
        )
        logger.warning("job %s timed out", job_id)
        raise
    except Exception as error:
        _record_failure(
            job,
            {
                "code": "internal_error",
                "message": "The quote failed unexpectedly. Submit it again; if it fails again, "
                f"report job id {job_id}.",
                "detail": {"exception": type(error).__name__, "text": str(error)[:500]},
            },
        )
        logger.exception("job %s failed", job_id)
        raise


def _run(job: Job | None, canonical: dict[str, Any], started: float) -> dict[str, Any]:
    settings = get_settings()

    runtime.after_fork()
    _report(job, "loading data", PERCENT_LOADING)
    reference = runtime.reference_cache().get()
    request = QuoteRequest.model_validate(canonical["request"])
    loaded = time.perf_counter()

    result = engine.quote(request, reference, progress=engine_progress(job))
    solved = time.perf_counter()

    _report(job, "saving", PERCENT_SAVING)
    result_json = result.model_dump(mode="json")
    timings = {
        "load_seconds": round(loaded - started, 4),
        "solve_seconds": round(solved - loaded, 4),
    }
    with session_scope(runtime.session_factory()) as session:
        reference_id = quotes.save_quote(
            session, request, result, client_name=canonical.get("client_name"), timings=timings
        )
    # The hash uses the version this job solved on. It may be newer than the version the API
    # saw at enqueue time, and a later identical request computes its key from the newer one.
    digest = cache.request_hash(canonical, reference.version)
    redis = job.connection if job is not None else runtime.redis_connection()
    cache.set_cached(redis, digest, result_json, reference_id, settings.cache_ttl_seconds)

    logger.info(
        "job %s finished: quote %s, status %s, total %.2f GBP, %.3f s",
        job.id if job is not None else "-",
        reference_id,
        result.status,
        result.total,
        time.perf_counter() - started,
    )
    return {"reference": reference_id, "result": result_json, "cache_hash": digest}


def _requote(job: Job | None, reference: str) -> dict[str, Any]:
    runtime.after_fork()
    _report(job, "loading data", PERCENT_LOADING)
    source = runtime.reference_cache().source

    with session_scope(runtime.session_factory()) as session:
        new_reference = quotes.requote(session, reference, source, progress=engine_progress(job))
        _report(job, "saving", PERCENT_SAVING)
        record = quotes.get_quote(session, new_reference)
    logger.info(
        "job %s finished: quote %s requoted as %s",
        job.id if job is not None else "-",
        reference,
        new_reference,
    )
    return {"reference": new_reference, "result": record.result.model_dump(mode="json")}


def engine_progress(job: Job | None) -> Callable[[str, float], None]:
    """Return a callback that maps the engine's 0-100 percent into this job's solving span.

    It saves a stage only when `PROGRESS_MIN_INTERVAL_SECONDS` have passed since the last save.
    On every call it checks for a stop request and raises JobStopped if there is one: the stop
    command's signal waits for a long native call to return, and this check does not need it.
    """
    span = PERCENT_ENGINE_END - PERCENT_ENGINE_START
    last_saved = time.monotonic()

    def report(stage: str, percent: float) -> None:
        nonlocal last_saved
        if job is not None and stop_requested(job.connection, job.id):
            logger.info("job %s: stop requested, leaving at stage %r", job.id, stage)
            raise JobStopped(f"job {job.id} stopped on request at stage {stage!r}")
        if time.monotonic() - last_saved < PROGRESS_MIN_INTERVAL_SECONDS:
            return
        last_saved = time.monotonic()
        share = max(0.0, min(float(percent), 100.0)) / 100
        _report(job, stage, PERCENT_ENGINE_START + round(span * share))

    return report


def _report(job: Job | None, stage: str, percent: int) -> None:
    if job is None:
        return
    job.meta["progress"] = {"stage": stage, "percent": percent}
    job.save_meta()


def _input_error(error: InvalidInputError) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    if isinstance(error, UnknownNameError):
        detail = {"kind": error.kind, "value": error.value, "suggestions": error.suggestions}
    problems = getattr(error, "problems", None)
    if problems is not None:
        detail["problems"] = [str(problem) for problem in problems]
    return {"code": "invalid_input", "message": str(error), "detail": detail}


def _no_retry(job: Job | None) -> None:
    if job is not None:
        job.retries_left = 0


def _record_failure(job: Job | None, error: dict[str, Any]) -> None:
    if job is None:
        return
    job.meta["error"] = error
    job.save_meta()
