"""Request and response bodies of the API, as they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from bng_optimiser.domain.request import QuoteRequest
from bng_optimiser.domain.result import QuoteResult


class JobCreate(QuoteRequest):
    """A quote request plus who it is for and, optionally, the promoter whose terms apply."""

    client_name: str | None = Field(default=None, max_length=200)
    promoter: str | None = Field(
        default=None, max_length=200, description="Promoter name; replaces promoter_discount"
    )

    @model_validator(mode="after")
    def _promoter_or_discount(self) -> JobCreate:
        # The promoter's terms replace any discount given, so sending both loses one silently.
        if self.promoter is not None and "promoter_discount" in self.model_fields_set:
            raise ValueError("give either promoter or promoter_discount, not both")
        return self

    def quote_request(self) -> QuoteRequest:
        return QuoteRequest.model_validate(self.model_dump(exclude={"client_name", "promoter"}))


class JobQueued(BaseModel):
    """A request that missed the cache and is queued, or joined an identical job."""

    job_id: str
    status: Literal["queued", "started"]


class JobCached(BaseModel):
    """A cache hit: the stored result, returned without a job."""

    job_id: str
    status: Literal["finished"]
    cached: Literal[True]
    reference: str | None = Field(description="Saved quote that first computed this result")
    result: QuoteResult


class Progress(BaseModel):
    stage: str
    percent: int = Field(ge=0, le=100)


class JobError(BaseModel):
    """The reason a job failed, in terms a user can act on."""

    code: str = Field(description="invalid_input, timeout, worker_lost or internal_error")
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


class JobState(BaseModel):
    """The state of a quote job; `result` and `reference` are set once it has finished."""

    job_id: str
    status: Literal["queued", "started", "canceling", "finished", "failed", "canceled"]
    cached: bool = False
    progress: Progress | None = None
    retries_left: int | None = None
    reference: str | None = None
    result: QuoteResult | None = None
    error: JobError | None = None


class JobCanceled(BaseModel):
    job_id: str
    status: Literal["canceled", "canceling"]


class HabitatOut(BaseModel):
    label: str
    ledger: str
    band: str
    broad_habitat: str | None
    net_gain: bool


class LpaOut(BaseModel):
    code: str
    name: str


class NcaOut(BaseModel):
    number: int
    name: str


class VersionOut(BaseModel):
    version: str
    label: str
    banks: int
    stock_lines: int
    prices: int


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    redis: str
    postgres: str


class PurgeOut(BaseModel):
    deleted: int


class ImportOut(BaseModel):
    version: str


class WorkerOut(BaseModel):
    name: str
    state: str
    current_job: str | None
    successful_jobs: int
    failed_jobs: int


class QueueOut(BaseModel):
    """Queue length, workers and jobs by registry for the operator."""

    queue: str
    queued: int
    started: int
    failed: int
    canceled: int = Field(description="Jobs canceled while queued or stopped while running")
    finished: int
    workers: list[WorkerOut]
    failed_job_ids: list[str]
