"""In-process quoting for when no backend is configured or it is down.

`LocalBackend` offers the job methods of `ApiClient` (submit, status, cancel) and returns the
same status dicts, so the pages cannot tell the two apart. The solve runs on a worker thread of
a `ThreadPoolExecutor` so a page that polls it never waits for the solver.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import ValidationError

from bng_optimiser.domain.embedded import EmbeddedSource, load_static
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.exceptions import InvalidInputError
from bng_optimiser.domain.metric import read_metric
from bng_optimiser.domain.reference import ReferenceSource
from bng_optimiser.domain.request import QuoteRequest

logger = logging.getLogger(__name__)

# Fields the API accepts next to the QuoteRequest; in-process quoting has no promoters or history.
_API_ONLY_FIELDS = ("client_name", "promoter")


class JobCanceled(Exception):
    """Raised inside the solve thread from the progress callback once a user cancels."""


@lru_cache(maxsize=1)
def embedded_source() -> EmbeddedSource:
    """Return the process-wide source of the reference data shipped in the package."""
    return EmbeddedSource()


@dataclass
class _LocalJob:
    job_id: str
    future: Future | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    percent: int = 0
    stage: str = "queued"
    started: bool = False


def _failure(code: str, message: str, detail=None) -> dict:
    return {"status": "failed", "error": {"code": code, "message": message, "detail": detail}}


class LocalBackend:
    """Quotes in a worker thread, one solve at a time per session.

    `source` gives the reference data; None means the sample banks shipped in the package.
    """

    mode = "standalone"

    def __init__(self, source: ReferenceSource | None = None) -> None:
        self.source = source if source is not None else embedded_source()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bng-quote")
        self._jobs: dict[str, _LocalJob] = {}

    def shutdown(self) -> None:
        for job in self._jobs.values():
            job.cancel_requested.set()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def submit_quote(self, payload: dict) -> dict:
        """Validate the request and start solving it; returns a `queued` job status."""
        body = {key: value for key, value in payload.items() if key not in _API_ONLY_FIELDS}
        try:
            request = QuoteRequest.model_validate(body)
        except ValidationError as error:
            return {
                "job_id": None,
                **_failure(
                    "invalid_request",
                    "the quote request is invalid",
                    [_validation_line(e) for e in error.errors()],
                ),
            }
        job = _LocalJob(job_id=f"local-{uuid.uuid4().hex[:12]}")
        self._jobs[job.job_id] = job
        job.future = self._executor.submit(self._solve, job, request)
        logger.info("local job %s submitted with %d demand rows", job.job_id, len(request.demand))
        return {
            "job_id": job.job_id,
            "status": "queued",
            "progress": {"percent": 0, "stage": "queued"},
        }

    def job_status(self, job_id: str) -> dict:
        job = self._jobs.get(job_id)
        if job is None:
            return {
                "job_id": job_id,
                **_failure("unknown_job", f"job {job_id!r} is not known here"),
            }
        status = {"job_id": job_id, "progress": {"percent": job.percent, "stage": job.stage}}
        if job.future is None or not job.future.done():
            status["status"] = "started" if job.started else "queued"
            return status
        if job.future.cancelled():
            status["status"] = "canceled"
            return status
        status.update(job.future.result())
        return status

    def cancel_job(self, job_id: str) -> dict:
        job = self._jobs.get(job_id)
        if job is None:
            return {
                "job_id": job_id,
                **_failure("unknown_job", f"job {job_id!r} is not known here"),
            }
        job.cancel_requested.set()
        logger.info("local job %s cancel requested", job_id)
        if job.future is not None and not job.future.cancel() and not job.future.done():
            # A running solve stops at its next progress report.
            return {"job_id": job_id, "status": "canceling"}
        return self.job_status(job_id)

    def _solve(self, job: _LocalJob, request: QuoteRequest) -> dict:
        """Run one quote on the worker thread; catches every Exception so the status shows it."""

        def progress(stage: str, percent: int) -> None:
            if job.cancel_requested.is_set():
                raise JobCanceled()
            job.stage, job.percent = stage, int(percent)

        job.started = True
        try:
            progress("loading data", 5)
            reference = self.source.load()
            result = quote(request, reference, progress=progress)
        except JobCanceled:
            logger.info("local job %s canceled", job.job_id)
            return {"status": "canceled"}
        except InvalidInputError as error:
            logger.info("local job %s rejected: %s", job.job_id, error)
            return _failure("invalid_input", str(error), getattr(error, "problems", None))
        except Exception as error:
            # The one catch-all of this in-process worker: the page must show every failure.
            logger.exception("local job %s failed", job.job_id)
            return _failure(
                "internal_error", f"the quote failed: {error.__class__.__name__}: {error}"
            )
        job.stage, job.percent = "finished", 100
        logger.info("local job %s finished with status %s", job.job_id, result.status)
        return {"status": "finished", "cached": False, "result": result.model_dump(mode="json")}

    def promoters(self) -> list[str]:
        return []

    def bank_locations(self) -> dict[str, str]:
        return {bank.bank_id: bank.lpa_code for bank in self.source.load().banks.values()}

    def read_metric(self, filename: str, content: bytes) -> dict:
        """Read a statutory metric workbook in process; raises InvalidInputError for a bad file."""
        catalogue, _geography = load_static()
        return read_metric(content, catalogue).model_dump(mode="json")


def _validation_line(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return f"{location}: {error.get('msg', '')}" if location else error.get("msg", "")
