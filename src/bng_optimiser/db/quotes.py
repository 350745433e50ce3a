"""Quote history: save, look up, search, export as CSV, and requote as a new revision.

A quote's reference is `BNG-A-NNNNN`, numbered by a database sequence so that concurrent saves
never collide. Requoting adds revisions `BNG-A-NNNNN.1`, `.2`, and so on under the same number.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..domain.exceptions import InvalidInputError
from ..domain.reference import ReferenceSource
from ..domain.request import QuoteRequest
from ..domain.result import QuoteResult
from .errors import QuoteNotFoundError
from .models import QUOTE_STATUSES, LpaRow, NcaRow, QuoteLineRow, QuoteRow, quote_number_sequence

REFERENCE_PREFIX = "BNG-A-"
MAX_PAGE_SIZE = 200

QuoteStatus = Literal["quoted", "manual_review", "accepted"]


class QuoteSummary(BaseModel):
    """One saved quote as search results list it; money in GBP."""

    reference: str
    revision: int
    status: QuoteStatus
    client_name: str | None
    lpa_code: str
    nca_number: int | None
    reference_version: str
    total: float
    created_at: datetime
    accepted_at: datetime | None


class QuoteRecord(QuoteSummary):
    """A saved quote in full: the request, the result and how long each step took (seconds)."""

    request: QuoteRequest
    result: QuoteResult
    timings: dict[str, float]


def format_reference(number: int, revision: int = 0) -> str:
    """Return `BNG-A-00042` for revision 0, else `BNG-A-00042.<revision>`."""
    base = f"{REFERENCE_PREFIX}{number:05d}"
    return base if revision == 0 else f"{base}.{revision}"


def save_quote(
    session: Session,
    request: QuoteRequest,
    result: QuoteResult,
    *,
    client_name: str | None = None,
    timings: dict[str, float] | None = None,
) -> str:
    """Store a new quote with its lines under the next sequence number; flushes, no commit.

    `timings` maps step names to seconds. Returns the new reference, such as `BNG-A-00042`.
    """
    number = session.scalar(select(quote_number_sequence.next_value()))
    assert number is not None
    return _insert_quote(session, number, 0, request, result, client_name, timings)


def get_quote(session: Session, reference: str) -> QuoteRecord:
    """Return the saved quote `reference`; raises QuoteNotFoundError if there is none."""
    return _record(find_quote_row(session, reference))


def search_quotes(
    session: Session,
    *,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    client: str | None = None,
    lpa: str | None = None,
    nca: int | str | None = None,
    reference: str | None = None,
    status: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[QuoteSummary], int]:
    """Return one page of saved quotes, newest first, and the count of all matches.

    Dates are UTC; a plain date in `date_to` includes that whole day. `client` matches part of
    the client name (case ignored), `lpa` an LPA code or name, `nca` an NCA number or name,
    and `reference` the start of a reference, so `BNG-A-00042` also finds its revisions.
    Raises InvalidInputError for an unknown status or a page out of range.
    """
    if page < 1:
        raise InvalidInputError(f"page must be 1 or more, got {page!r}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInputError(f"page_size must be from 1 to {MAX_PAGE_SIZE}, got {page_size!r}")
    statement = _filtered(
        session, select(QuoteRow), date_from, date_to, client, lpa, nca, reference, status
    )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.order_by(QuoteRow.created_at.desc(), QuoteRow.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return [_summary(row) for row in rows], total


def export_quotes_csv(session: Session, **filters: Any) -> str:
    """Return every quote matching the `search_quotes` filters as CSV text, oldest first."""
    rows = _all_matching(session, filters)
    columns = [
        "reference", "created_at", "status", "client_name", "lpa_code", "nca_number",
        "reference_version", "contract_size", "total_units", "subtotal", "suo_discount",
        "admin_fee", "total_gbp", "banks_used", "accepted_at",
    ]
    records = []
    for row in rows:
        result = row.result
        records.append([
            row.reference, row.created_at.isoformat(), row.status, row.client_name or "",
            row.lpa_code, row.nca_number if row.nca_number is not None else "",
            row.reference_version, result.get("contract_size", ""), result.get("total_units", ""),
            result.get("subtotal", ""), result.get("suo_discount", ""),
            result.get("admin_fee", ""), row.total, " ".join(result.get("banks_used", [])),
            row.accepted_at.isoformat() if row.accepted_at else "",
        ])
    return _csv_text(columns, records)


def export_quote_lines_csv(session: Session, **filters: Any) -> str:
    """Return the lines of every quote matching the `search_quotes` filters as CSV text.

    Each line is an allocation (bank, tier, supply, GBP), a manual line or a blocked row.
    """
    rows = _all_matching(session, filters)
    by_quote = {row.id: row.reference for row in rows}
    lines = session.scalars(
        select(QuoteLineRow)
        .where(QuoteLineRow.quote_id.in_(list(by_quote)))
        .order_by(QuoteLineRow.quote_id, QuoteLineRow.position)
    )
    columns = [
        "reference", "kind", "row_id", "demand_habitat", "ledger", "bank_id", "bank_name",
        "tier", "supply", "units", "unit_price_gbp", "cost_gbp", "paired", "stock_drawn",
        "reason",
    ]
    records = [
        [
            by_quote[line.quote_id], line.kind, line.row_id, line.demand_habitat,
            line.ledger or "", line.bank_id or "", line.bank_name or "", line.tier or "",
            line.supply or "", line.units, _blank_if_none(line.unit_price),
            _blank_if_none(line.cost), "yes" if line.paired else "no",
            "; ".join(f"{k}={v:g}" for k, v in sorted(line.stock_drawn.items())),
            line.reason or "",
        ]
        for line in lines
    ]
    return _csv_text(columns, records)


def requote(
    session: Session,
    reference: str,
    source: ReferenceSource,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> str:
    """Quote the request of `reference` again on the current reference data; flushes only.

    The new quote is the next revision under the same number and keeps the client name.
    Returns its reference, such as `BNG-A-00042.2`. Raises QuoteNotFoundError.
    """
    from ..domain.engine import quote  # local: saving and searching need no solver

    original = find_quote_row(session, reference)
    # Locking revision 0 makes concurrent requotes of one number take turns for the next
    # revision; the unique (number, revision) constraint backs this up.
    session.execute(
        select(QuoteRow.id)
        .where(QuoteRow.number == original.number, QuoteRow.revision == 0)
        .with_for_update()
    )
    request = QuoteRequest.model_validate(original.request)

    started = time.perf_counter()
    reference_data = source.load()
    loaded = time.perf_counter()
    result = quote(request, reference_data, progress=progress)
    solved = time.perf_counter()
    timings = {"load_seconds": loaded - started, "quote_seconds": solved - loaded}

    latest = session.scalar(
        select(func.max(QuoteRow.revision)).where(QuoteRow.number == original.number)
    )
    return _insert_quote(
        session, original.number, (latest or 0) + 1, request, result, original.client_name,
        timings,
    )


# Private helpers


def _insert_quote(
    session: Session,
    number: int,
    revision: int,
    request: QuoteRequest,
    result: QuoteResult,
    client_name: str | None,
    timings: dict[str, float] | None,
) -> str:
    reference = format_reference(number, revision)
    row = QuoteRow(
        reference=reference,
        number=number,
        revision=revision,
        status=result.status,
        client_name=client_name,
        lpa_code=_resolve_lpa(session, request.lpa_code),
        nca_number=_resolve_nca(session, request.nca_number),
        reference_version=result.reference_version,
        total=result.total,
        request=request.model_dump(mode="json"),
        result=result.model_dump(mode="json"),
        timings=dict(timings or {}),
    )
    session.add(row)
    session.flush()
    session.add_all(_line_rows(row.id, result))
    session.flush()
    return reference


def _line_rows(quote_id: int, result: QuoteResult) -> list[QuoteLineRow]:
    rows: list[QuoteLineRow] = []
    for line in result.lines:
        rows.append(QuoteLineRow(
            quote_id=quote_id, position=len(rows), kind="allocation", row_id=line.row_id,
            demand_habitat=line.demand_habitat, ledger=line.ledger.value, bank_id=line.bank_id,
            bank_name=line.bank_name, tier=line.tier.value, supply=" + ".join(line.supply),
            units=line.units, unit_price=line.unit_price, cost=line.cost, paired=line.paired,
            stock_drawn=dict(line.stock_drawn),
        ))
    for manual in result.manual_lines:
        rows.append(QuoteLineRow(
            quote_id=quote_id, position=len(rows), kind="manual", row_id=manual.row_id,
            demand_habitat=manual.demand_habitat, ledger=manual.ledger.value,
            units=manual.units, reason=manual.reason,
        ))
    for blocked in result.blocked:
        rows.append(QuoteLineRow(
            quote_id=quote_id, position=len(rows), kind="blocked", row_id=blocked.row_id,
            demand_habitat=blocked.demand_habitat, units=blocked.units,
            reason=f"{blocked.code}: {blocked.reason}",
        ))
    return rows


def find_quote_row(session: Session, reference: str) -> QuoteRow:
    """Return the row of quote `reference` (any revision); raises QuoteNotFoundError."""
    row = session.scalar(select(QuoteRow).where(QuoteRow.reference == reference.strip().upper()))
    if row is None:
        raise QuoteNotFoundError(
            f"quote {reference!r} not found; references look like {format_reference(42)}"
        )
    return row


def _resolve_lpa(session: Session, text: str) -> str:
    """Return the ONS code for an LPA code or name, or the text itself if it matches none."""
    value = " ".join(text.split())
    code = session.scalar(
        select(LpaRow.code).where(
            or_(LpaRow.code == value.upper(), func.lower(LpaRow.name) == value.casefold())
        )
    )
    return code or value


def _resolve_nca(session: Session, value: int | str) -> int | None:
    text = " ".join(str(value).split())
    if text.isdigit():
        return int(text)
    return session.scalar(select(NcaRow.number).where(func.lower(NcaRow.name) == text.casefold()))


def _filtered(
    session: Session,
    statement: Select[Any],
    date_from: date | datetime | None,
    date_to: date | datetime | None,
    client: str | None,
    lpa: str | None,
    nca: int | str | None,
    reference: str | None,
    status: str | None,
) -> Select[Any]:
    if date_from is not None:
        statement = statement.where(QuoteRow.created_at >= _as_datetime(date_from))
    if date_to is not None:
        if isinstance(date_to, datetime):
            statement = statement.where(QuoteRow.created_at <= _as_datetime(date_to))
        else:
            statement = statement.where(
                QuoteRow.created_at < _as_datetime(date_to + timedelta(days=1))
            )
    if client:
        statement = statement.where(
            QuoteRow.client_name.ilike(f"%{_escape_like(client)}%", escape="\\")
        )
    if lpa:
        statement = statement.where(QuoteRow.lpa_code == _resolve_lpa(session, lpa))
    if nca is not None and str(nca).strip():
        statement = statement.where(QuoteRow.nca_number == _resolve_nca(session, nca))
    if reference:
        prefix = _escape_like(reference.strip().upper())
        statement = statement.where(QuoteRow.reference.like(f"{prefix}%", escape="\\"))
    if status:
        if status not in QUOTE_STATUSES:
            raise InvalidInputError(
                f"status {status!r} is invalid; use one of {', '.join(QUOTE_STATUSES)}"
            )
        statement = statement.where(QuoteRow.status == status)
    return statement


def _all_matching(session: Session, filters: dict[str, Any]) -> Sequence[QuoteRow]:
    allowed = {"date_from", "date_to", "client", "lpa", "nca", "reference", "status"}
    unknown = set(filters) - allowed
    if unknown:
        raise InvalidInputError(
            f"unknown filter {', '.join(sorted(unknown))}; use {', '.join(sorted(allowed))}"
        )
    values = {name: filters.get(name) for name in allowed}
    statement = _filtered(session, select(QuoteRow), **values)
    return session.scalars(statement.order_by(QuoteRow.created_at, QuoteRow.id)).all()


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, day_time(0), tzinfo=UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _blank_if_none(value: float | None) -> float | str:
    return "" if value is None else value


def _csv_text(columns: list[str], records: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_safe_cell(value) for value in record] for record in records])
    return buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    # A text cell starting with = + - or @ runs as a formula in spreadsheet programs, so client
    # names typed by users are defused with a leading apostrophe.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _summary(row: QuoteRow) -> QuoteSummary:
    return QuoteSummary(
        reference=row.reference, revision=row.revision, status=row.status,  # type: ignore[arg-type]
        client_name=row.client_name, lpa_code=row.lpa_code, nca_number=row.nca_number,
        reference_version=row.reference_version, total=row.total, created_at=row.created_at,
        accepted_at=row.accepted_at,
    )


def _record(row: QuoteRow) -> QuoteRecord:
    return QuoteRecord(
        **_summary(row).model_dump(),
        request=QuoteRequest.model_validate(row.request),
        result=QuoteResult.model_validate(row.result),
        timings=row.timings,
    )
