"""Saved quotes: search, read, accept (hold stock), requote and CSV exports."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bng_optimiser.db import holds as holds_db
from bng_optimiser.db import quotes as saved
from bng_optimiser.db.session import session_scope
from bng_optimiser.jobs.submit import quote_queue

from ..deps import RedisDep, ServicesDep, SessionDep, SettingsDep

logger = logging.getLogger(__name__)

router = APIRouter(tags=["quotes"])

REQUOTE_TASK = "bng_optimiser.jobs.tasks.run_requote"


class QuotePage(BaseModel):
    items: list[saved.QuoteSummary]
    total: int
    page: int
    page_size: int


class HoldOut(BaseModel):
    """Units of one stock line held for the quote until `expires_at` (UTC)."""

    stock_id: str
    units: float
    expires_at: datetime


class Acceptance(BaseModel):
    reference: str
    hold_days: int
    holds: list[HoldOut]


def _filters(
    date_from: date | None = None,
    date_to: date | None = None,
    client: str | None = Query(default=None, max_length=200),
    lpa: str | None = Query(default=None, max_length=120),
    nca: str | None = Query(default=None, max_length=120),
    reference: str | None = Query(default=None, max_length=40),
    quote_status: str | None = Query(default=None, alias="status", max_length=40),
) -> dict[str, Any]:
    return {
        "date_from": date_from,
        "date_to": date_to,
        "client": client,
        "lpa": lpa,
        "nca": nca,
        "reference": reference,
        "status": quote_status,
    }


FiltersDep = Annotated[dict[str, Any], Depends(_filters)]


@router.get("/quotes", response_model=QuotePage)
def list_quotes(
    session: SessionDep,
    filters: FiltersDep,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=500),
) -> QuotePage:
    """Return one page of saved quotes, newest first, with the count of all matches."""
    items, total = saved.search_quotes(session, **filters, page=page, page_size=page_size)
    return QuotePage(items=items, total=total, page=page, page_size=page_size)


@router.get("/quotes.csv", response_class=Response)
def export_quotes(
    session: SessionDep,
    filters: FiltersDep,
) -> Response:
    """Return the matching quotes as CSV, one row per quote."""
    return _csv(saved.export_quotes_csv(session, **filters), "quotes.csv")


@router.get("/quotes/lines.csv", response_class=Response)
def export_quote_lines(
    session: SessionDep,
    filters: FiltersDep,
) -> Response:
    """Return the lines of the matching quotes as CSV, one row per line."""
    return _csv(saved.export_quote_lines_csv(session, **filters), "quote_lines.csv")


@router.get("/quotes/{reference}", response_model=saved.QuoteRecord)
def get_quote(reference: str, session: SessionDep) -> saved.QuoteRecord:
    """Return a saved quote with its request, result and timings; 404 if unknown."""
    return saved.get_quote(session, reference)


@router.post("/quotes/{reference}/accept", response_model=Acceptance)
def accept_quote(reference: str, services: ServicesDep) -> Acceptance:
    """Accept a quote and hold its stock for `HOLD_DAYS` days; 409 when stock is short."""
    hold_days = services.settings.hold_days
    with session_scope(services.session_factory) as session:
        holds = holds_db.accept_quote(session, reference, hold_days=hold_days)
    logger.info("quote %s accepted, stock held for %d days", reference, hold_days)
    return Acceptance(
        reference=reference,
        hold_days=hold_days,
        holds=[HoldOut(stock_id=h.stock_id, units=h.units, expires_at=h.expires_at) for h in holds],
    )


@router.post("/quotes/{reference}/requote", status_code=status.HTTP_202_ACCEPTED)
def requote_quote(
    reference: str, session: SessionDep, redis: RedisDep, settings: SettingsDep
) -> JSONResponse:
    """Queue a new revision of a saved quote on the current reference data."""
    saved.get_quote(session, reference)
    job_id = f"requote-{uuid.uuid4().hex}"
    quote_queue(redis, settings).enqueue(
        REQUOTE_TASK,
        reference,
        job_id=job_id,
        job_timeout=settings.job_timeout_seconds,
        result_ttl=settings.job_result_ttl_seconds,
        failure_ttl=settings.job_result_ttl_seconds,
        description=f"requote {reference}",
    )
    logger.info("job %s enqueued: requote of %s", job_id, reference)
    return JSONResponse(
        {"job_id": job_id, "status": "queued"}, status_code=status.HTTP_202_ACCEPTED
    )


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

