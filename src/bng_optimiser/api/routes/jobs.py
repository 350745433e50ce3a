"""Quote jobs: submit (returned from the cache or queued), poll and cancel."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import JSONResponse
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from starlette.concurrency import run_in_threadpool

from bng_optimiser.jobs import cache
from bng_optimiser.jobs.canonical import canonicalise
from bng_optimiser.jobs.registry import clean_started_jobs
from bng_optimiser.jobs.stopping import request_stop, stop_requested
from bng_optimiser.jobs.submit import submit_quote
from bng_optimiser.settings import Settings

from ..deps import RedisDep, ServicesDep
from ..promoter_terms import apply_promoter
from ..schemas import JobCached, JobCanceled, JobCreate, JobError, JobQueued, JobState

logger = logging.getLogger(__name__)

router = APIRouter(tags=["jobs"])

JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
WAITING = frozenset({JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED, JobStatus.CREATED})
RUNNING = frozenset(status.value for status in (*WAITING, JobStatus.STARTED))
# Longest wait a client may request on GET /jobs/{id}, so that no request keeps a connection
# busy for long. A client whose job is still running sends the request again.
MAX_WAIT_SECONDS = 60.0
# A medium quote takes tens of milliseconds, so the first checks are 5 ms apart. The interval
# then grows by half each time up to 0.2 s, so a long job costs about five Redis reads a second.
WAIT_FIRST_INTERVAL_SECONDS = 0.005
WAIT_MAX_INTERVAL_SECONDS = 0.2


@router.post(
    "/jobs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobQueued,
    responses={200: {"model": JobCached, "description": "Returned from the cache"}},
)
async def create_job(body: JobCreate, services: ServicesDep) -> Response:
    """Quote from the cache at once, or queue a job and return its id."""
    settings = services.settings
    if len(body.demand) > settings.max_demand_rows:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "loc": ["body", "demand"],
                    "msg": f"too many demand rows: {len(body.demand):,}, the limit is "
                    f"{settings.max_demand_rows:,}; split the request",
                    "type": "too_long",
                }
            ],
        )
    # A cache hit runs on the event loop: an async version read, in-memory canonicalisation
    # and an async Redis GET. Only reloading reference data and queueing use the thread pool.
    reference_cache = services.reference_cache
    version = await services.versions.current()
    reference = reference_cache.held(version)
    if reference is None:
        reference = await run_in_threadpool(reference_cache.get)
    request = body.quote_request()
    if body.promoter:
        request = await run_in_threadpool(apply_promoter, services, request, body.promoter)
    canonical = canonicalise(request, reference, body.client_name)

    digest = cache.request_hash(canonical, reference.version)
    job_id = cache.job_id_for(digest)
    hit = await cache.get_cached_async(services.async_redis, digest)
    if hit is None:
        submission = await run_in_threadpool(
            submit_quote, services.redis, settings, canonical, reference.version
        )
        hit = submission.cached
        if hit is None:
            return JSONResponse(
                {"job_id": submission.job_id, "status": submission.status},
                status_code=status.HTTP_202_ACCEPTED,
            )
    # The stored document is already JSON; splicing it avoids parsing a whole quote per hit.
    head = f'{{"job_id":"{job_id}","status":"finished","cached":true,'.encode()
    return Response(head + hit[1:], media_type="application/json")


@router.get("/jobs/{job_id}", response_model=JobState, response_model_exclude_none=True)
async def get_job(
    job_id: str,
    services: ServicesDep,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_SECONDS,
            description="Seconds to wait for a queued or running job to end before responding",
        ),
    ] = 0,
) -> dict[str, Any]:
    """Return the job's status: progress while it runs, the quote when finished."""
    if wait > 0 and JOB_ID_PATTERN.match(job_id):
        await _wait_for_end(services.async_redis, job_id, wait)
    return await run_in_threadpool(_job_state, services.redis, services.settings, job_id)


async def _wait_for_end(redis: AsyncRedis, job_id: str, seconds: float) -> None:
    """Return once the job has ended, is missing, or `seconds` have passed.

    Reads only the status field, first every `WAIT_FIRST_INTERVAL_SECONDS` so that a short
    quote is answered promptly, then less often so that long jobs cost little.
    """
    deadline = time.monotonic() + seconds
    interval = WAIT_FIRST_INTERVAL_SECONDS
    key = Job.key_for(job_id)
    while True:
        raw = await redis.hget(key, "status")
        if raw is None or (raw.decode() if isinstance(raw, bytes) else raw) not in RUNNING:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            return
        await asyncio.sleep(min(interval, left))
        interval = min(interval * 1.5, WAIT_MAX_INTERVAL_SECONDS)


def _job_state(redis: Redis, settings: Settings, job_id: str) -> dict[str, Any]:
    job = _fetch(redis, job_id)
    job_status = job.get_status(refresh=True)
    if job_status == JobStatus.STARTED:
        # A killed worker's job stays `started` until cleanup notices its missing heartbeats.
        clean_started_jobs(redis, settings)
        job = _fetch(redis, job_id)
        job_status = job.get_status(refresh=False)

    state: dict[str, Any] = {"job_id": job.id, "retries_left": job.retries_left}
    if job_status in WAITING:
        state["status"] = "queued"
    elif job_status == JobStatus.STARTED:
        state["status"] = "canceling" if stop_requested(redis, job.id) else "started"
        job.meta = job.get_meta(refresh=True)
        progress = job.meta.get("progress")
        state["progress"] = progress or {"stage": "starting", "percent": 0}
    elif job_status == JobStatus.FINISHED:
        value = job.return_value()
        if not isinstance(value, dict):
            value = {}
        state["status"] = "finished"
        state["reference"] = value.get("reference")
        state["result"] = value.get("result")
    elif job_status == JobStatus.FAILED:
        state.update(status="failed", error=_failure(job, settings))
    elif job_status in (JobStatus.STOPPED, JobStatus.CANCELED):
        state["status"] = "canceled"
    else:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"job {job_id!r} not found")
    return state


@router.delete("/jobs/{job_id}", response_model=JobCanceled)
def cancel_job(job_id: str, redis: RedisDep) -> JSONResponse:
    """Cancel a queued job, or stop a running one (202 while the worker stops it)."""
    job = _fetch(redis, job_id)
    job_status = job.get_status(refresh=True)
    if job_status in WAITING:
        job.cancel()
        logger.info("job %s canceled while queued", job_id)
        return JSONResponse({"job_id": job_id, "status": "canceled"})
    if job_status == JobStatus.STARTED:
        # The job checks this flag at each progress report; the command below interrupts it
        # sooner when it is running Python code rather than a long native call.
        request_stop(redis, job_id)
        try:
            send_stop_job_command(redis, job_id)
        except InvalidJobOperation:
            # The worker took the job a moment ago and has not recorded its name yet.
            job.cancel()
            logger.info("job %s canceled while starting", job_id)
            return JSONResponse({"job_id": job_id, "status": "canceled"})
        logger.info("job %s: stop command sent to worker %s", job_id, job.worker_name)
        return JSONResponse(
            {"job_id": job_id, "status": "canceling"}, status_code=status.HTTP_202_ACCEPTED
        )
    raise HTTPException(
        status.HTTP_409_CONFLICT,
        f"job {job_id!r} has already ended ({_ended(job_status)}); there is nothing to cancel",
    )


def _fetch(redis: Redis, job_id: str) -> Job:
    if not JOB_ID_PATTERN.match(job_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"job {job_id!r} not found")
    try:
        return Job.fetch(job_id, connection=redis)
    except NoSuchJobError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"job {job_id!r} not found") from None


def _ended(job_status: JobStatus | None) -> str:
    if job_status in (JobStatus.STOPPED, JobStatus.CANCELED):
        return "canceled"
    return job_status.value if job_status is not None else "unknown"


def _failure(job: Job, settings: Settings) -> dict[str, Any]:
    """Return the structured error of a failed job, from the job itself or from how it ended."""
    recorded = job.get_meta(refresh=True).get("error")
    if recorded:
        return dict(JobError.model_validate(recorded).model_dump())
    text = job.exc_info or ""
    if "AbandonedJobError" in text:
        return {
            "code": "worker_lost",
            "message": "The worker computing this quote stopped before it finished, and the "
            "retry did not finish either. Submit the quote again.",
            "detail": {"retries": settings.job_retries},
        }
    if "JobTimeoutException" in text:
        return {
            "code": "timeout",
            "message": f"The quote took longer than {settings.job_timeout_seconds} s and was "
            "stopped. Split the demand into smaller requests.",
            "detail": {},
        }
    return {
        "code": "internal_error",
        "message": f"The quote failed unexpectedly. Report job id {job.id}.",
        "detail": {"exception": text.strip().splitlines()[-1][:500] if text.strip() else ""},
    }
