"""Stock holds: accepting a quote holds its stock units until they expire or are released.

Held units are stored on the stock line (`StockLine.units_held`), because the engine's
hold_all and hold_half policies read them there. Rows of `stock_holds` record which quote
holds what, and a bank import may not set `units_held` below the units of active holds. A
change in held units changes what hold_all quotes can use, so accepting, releasing and
expiring each record a new reference data version. A quote keeps the status `accepted`
after its holds are released or expire; to hold stock again, requote it and accept the new
revision.

Concurrency: an acceptance takes the reference data write lock and then locks the stock lines
it draws with SELECT ... FOR UPDATE in stock id order. Two acceptances that together exceed a
stock line therefore run one after the other, and the second sees the first one's holds and
is rejected. The CHECK units_held <= units_available backs this up inside the database.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain.result import QuoteResult
from .errors import InsufficientStockError, QuoteNotAcceptableError
from .models import StockHoldRow, StockLineRow
from .quotes import find_quote_row
from .versions import lock_reference_data, record_version

logger = logging.getLogger(__name__)

# Tolerance for comparing stock units, which are sums of floats such as 4/3 per unit.
UNITS_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Hold:
    """Units of one stock line held for a quote until `expires_at` (UTC)."""

    reference: str
    stock_id: str
    units: float
    expires_at: datetime
    status: str


def accept_quote(session: Session, reference: str, *, hold_days: int = 30) -> list[Hold]:
    """Hold the stock that quote `reference` draws for `hold_days` days; flushes, no commit.

    Returns one hold per stock line, in stock id order. The caller's commit ends the row locks.
    Raises QuoteNotFoundError, QuoteNotAcceptableError (manual review, accepted already,
    nothing to hold) or InsufficientStockError naming each stock line that is short.
    """
    if hold_days < 1:
        raise QuoteNotAcceptableError(f"hold_days must be 1 or more, got {hold_days!r}")
    lock_reference_data(session)
    quote = find_quote_row(session, reference)
    session.refresh(quote, with_for_update=True)
    if quote.status == "manual_review":
        raise QuoteNotAcceptableError(
            f"quote {quote.reference} needs manual review and cannot be accepted; requote it "
            "once the blocked rows are resolved"
        )
    if quote.status == "accepted":
        raise QuoteNotAcceptableError(
            f"quote {quote.reference} was already accepted at "
            f"{quote.accepted_at:%Y-%m-%d %H:%M} UTC"
        )

    drawn = _stock_drawn(QuoteResult.model_validate(quote.result))
    if not drawn:
        raise QuoteNotAcceptableError(f"quote {quote.reference} draws no bank stock to hold")
    lines = {
        line.stock_id: line
        for line in session.scalars(
            select(StockLineRow)
            .where(StockLineRow.stock_id.in_(sorted(drawn)))
            .order_by(StockLineRow.stock_id)
            .with_for_update()
        )
    }
    shortfalls = []
    for stock_id, units in sorted(drawn.items()):
        line = lines.get(stock_id)
        if line is None:
            shortfalls.append(f"stock line {stock_id} no longer exists")
            continue
        free = line.units_available - line.units_held
        if units > free + UNITS_TOLERANCE:
            shortfalls.append(
                f"stock line {stock_id} needs {units:.4g} units but only {free:.4g} are free "
                f"({line.units_available:.4g} available, {line.units_held:.4g} held)"
            )
    if shortfalls:
        logger.info("rejected acceptance of %s: %s", quote.reference, "; ".join(shortfalls))
        raise InsufficientStockError(quote.reference, shortfalls)

    now = datetime.now(UTC)
    expires_at = now + timedelta(days=hold_days)
    holds = []
    for stock_id, units in sorted(drawn.items()):
        line = lines[stock_id]
        # Clamp so float error never pushes held units past the CHECK on available units.
        line.units_held = min(line.units_held + units, line.units_available)
        session.add(StockHoldRow(quote_id=quote.id, stock_id=stock_id, units=units,
                                 created_at=now, expires_at=expires_at))
        holds.append(Hold(quote.reference, stock_id, units, expires_at, "active"))
    quote.status = "accepted"
    quote.accepted_at = now
    record_version(
        session, who=f"accept {quote.reference}",
        summary=f"hold {len(holds)} stock lines for {quote.reference} until {expires_at:%Y-%m-%d}",
        changes={"held": {h.stock_id: h.units for h in holds}},
    )
    logger.info("accepted %s: %d stock lines held until %s", quote.reference, len(holds),
                expires_at.isoformat())
    return holds


def release_holds(session: Session, reference: str) -> list[Hold]:
    """Release the active holds of quote `reference`; flushes, no commit.

    Returns the holds released, an empty list if the quote has no active holds.
    Raises QuoteNotFoundError.
    """
    lock_reference_data(session)
    quote = find_quote_row(session, reference)
    holds = session.scalars(
        select(StockHoldRow)
        .where(StockHoldRow.quote_id == quote.id, StockHoldRow.status == "active")
        .order_by(StockHoldRow.stock_id)
    ).all()
    released = _end_holds(session, list(holds), "released", who=f"release {quote.reference}")
    return [Hold(quote.reference, h.stock_id, h.units, h.expires_at, h.status) for h in released]


def expire_holds(session: Session, *, now: datetime | None = None) -> int:
    """End every active hold whose expiry has passed; flushes, no commit.

    Run it on a schedule (the API or a worker); held units stay counted until it runs.
    Returns the number of holds expired.
    """
    lock_reference_data(session)
    moment = now or datetime.now(UTC)
    holds = session.scalars(
        select(StockHoldRow)
        .where(StockHoldRow.status == "active", StockHoldRow.expires_at <= moment)
        .order_by(StockHoldRow.stock_id)
    ).all()
    return len(_end_holds(session, list(holds), "expired", who="hold expiry"))


def active_holds(session: Session, reference: str) -> list[Hold]:
    """Return the active holds of quote `reference` in stock id order."""
    quote = find_quote_row(session, reference)
    holds = session.scalars(
        select(StockHoldRow)
        .where(StockHoldRow.quote_id == quote.id, StockHoldRow.status == "active")
        .order_by(StockHoldRow.stock_id)
    )
    return [Hold(quote.reference, h.stock_id, h.units, h.expires_at, h.status) for h in holds]


def _end_holds(
    session: Session, holds: list[StockHoldRow], status: str, *, who: str
) -> list[StockHoldRow]:
    if not holds:
        return []
    now = datetime.now(UTC)
    by_line: dict[str, float] = defaultdict(float)
    for hold in holds:
        hold.status = status
        hold.released_at = now
        by_line[hold.stock_id] += hold.units
    for stock_id, units in sorted(by_line.items()):
        session.execute(
            update(StockLineRow)
            .where(StockLineRow.stock_id == stock_id)
            .values(units_held=func.greatest(StockLineRow.units_held - units, 0.0))
        )
    record_version(
        session, who=who, summary=f"{status} {len(holds)} holds on {len(by_line)} stock lines",
        changes={status: dict(by_line)},
    )
    logger.info("%s %d holds on stock lines %s", status, len(holds), ", ".join(sorted(by_line)))
    return holds


def _stock_drawn(result: QuoteResult) -> dict[str, float]:
    drawn: dict[str, float] = defaultdict(float)
    for line in result.lines:
        for stock_id, units in line.stock_drawn.items():
            drawn[stock_id] += units
    return dict(drawn)

