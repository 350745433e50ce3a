"""Quote jobs: submit (returned from the cache or queued), poll and cancel."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import JSONResponse
from redis import Redis
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from starlette.concurrency import run_in_threadpool

from bng_optimiser.jobs.canonical import canonicalise
from bng_optimiser.jobs.registry import clean_started_jobs
from bng_optimiser.jobs.submit import Submission, submit_quote
from bng_optimiser.settings import Settings

from ..deps import RedisDep, Services, ServicesDep, SettingsDep
from ..promoter_terms import apply_promoter
from ..schemas import JobCached, JobCanceled, JobCreate, JobError, JobQueued, JobState

logger = logging.getLogger(__name__)

router = APIRouter(tags=["jobs"])

JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
WAITING = frozenset({JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED, JobStatus.CREATED})


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
    # One trip to the thread pool for all the blocking work (PostgreSQL and Redis calls).
    submission = await run_in_threadpool(_submit, services, body)
    if submission.cached is not None:
        # The stored document is already JSON; splicing it avoids parsing a whole quote per hit.
        head = f'{{"job_id":"{submission.job_id}","status":"finished","cached":true,'.encode()
        return Response(head + submission.cached[1:], media_type="application/json")
    return JSONResponse(
        {"job_id": submission.job_id, "status": submission.status},
        status_code=status.HTTP_202_ACCEPTED,
    )


def _submit(services: Services, body: JobCreate) -> Submission:
    reference = services.reference_cache.get()
    request = body.quote_request()
    if body.promoter:
        request = apply_promoter(services, request, body.promoter)
    canonical = canonicalise(request, reference, body.client_name)
    return submit_quote(services.redis, services.settings, canonical, reference.version)


@router.get("/jobs/{job_id}", response_model=JobState, response_model_exclude_none=True)
def get_job(job_id: str, redis: RedisDep, settings: SettingsDep) -> dict[str, Any]:
    """Return the job's status: progress while it runs, the quote when finished."""
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
        state["status"] = "started"
        job.meta = job.get_meta(refresh=True)
        progress = job.meta.get("progress")
        state["progress"] = progress or {"stage": "starting", "percent": 0}
    elif job_status == JobStatus.FINISHED:
        value = job.return_value() or {}
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
