"""Accepting quotes holds stock; concurrent over-acceptance is rejected for exactly one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bng_optimiser.db.errors import InsufficientStockError, QuoteNotAcceptableError
from bng_optimiser.db.holds import accept_quote, active_holds, expire_holds, release_holds
from bng_optimiser.db.models import StockLineRow
from bng_optimiser.db.quotes import get_quote, save_quote
from bng_optimiser.db.session import session_scope
from bng_optimiser.db.source import PostgresSource
from bng_optimiser.db.versions import current_version_label
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import LOCAL_BANK, make_reference, make_request, price_rows
from bng_optimiser.domain.reference import StockLine, Tier

from .conftest import replace_all_banks

NEUTRAL_GRASSLAND = "Grassland - Other neutral grassland"


@pytest.fixture
def one_line_bank(committed_factory):
    """A local bank with one stock line of 1.0 unit of neutral grassland at 20,000 per unit."""
    reference = make_reference(
        [LOCAL_BANK],
        [StockLine("LOC-1", "LOC", NEUTRAL_GRASSLAND, 1.0)],
        price_rows("LOC", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000.0),
    )
    with session_scope(committed_factory) as session:
        replace_all_banks(session, reference)
    return committed_factory


def _save(factory, units, policy="ignore"):
    request = make_request([(NEUTRAL_GRASSLAND, units)], stock_hold_policy=policy)
    result = quote(request, PostgresSource(factory).load())
    with session_scope(factory) as session:
        return save_quote(session, request, result)


def _held(factory, stock_id="LOC-1"):
    with factory() as session:
        return session.get(StockLineRow, stock_id).units_held


def test_accept_holds_stock(one_line_bank):
    reference = _save(one_line_bank, 0.6)
    with one_line_bank() as session:
        version_before = current_version_label(session)

    with session_scope(one_line_bank) as session:
        holds = accept_quote(session, reference, hold_days=30)

    assert [(h.stock_id, h.units) for h in holds] == [("LOC-1", pytest.approx(0.6))]
    assert holds[0].expires_at - datetime.now(UTC) > timedelta(days=29)
    assert _held(one_line_bank) == pytest.approx(0.6)
    with one_line_bank() as session:
        assert get_quote(session, reference).status == "accepted"
        assert current_version_label(session) != version_before


def test_concurrent_over_acceptance_one_rejected(one_line_bank):
    # Each quote draws 0.6 of the 1.0 unit line (local tier, 1 stock unit per unit of demand),
    # so both together (1.2) exceed it and only one acceptance may succeed.
    references = [_save(one_line_bank, 0.6), _save(one_line_bank, 0.6)]
    barrier = threading.Barrier(2)
    accepted: list[str] = []
    rejected: list[InsufficientStockError] = []
    unexpected: list[BaseException] = []

    def accept(reference: str) -> None:
        try:
            barrier.wait()
            with session_scope(one_line_bank) as session:
                accept_quote(session, reference)
            accepted.append(reference)
        except InsufficientStockError as error:
            rejected.append(error)
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            unexpected.append(error)

    threads = [threading.Thread(target=accept, args=(r,)) for r in references]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert unexpected == []
    assert len(accepted) == 1
    assert len(rejected) == 1
    assert "LOC-1 needs 0.6 units but only 0.4 are free" in str(rejected[0])
    assert _held(one_line_bank) == pytest.approx(0.6)


def test_accept_after_release(one_line_bank):
    first, second = _save(one_line_bank, 0.6), _save(one_line_bank, 0.6)
    with session_scope(one_line_bank) as session:
        accept_quote(session, first)

    with session_scope(one_line_bank) as session:
        released = release_holds(session, first)
    with session_scope(one_line_bank) as session:
        accept_quote(session, second)

    assert [h.status for h in released] == ["released"]
    assert _held(one_line_bank) == pytest.approx(0.6)
    with one_line_bank() as session:
        assert active_holds(session, first) == []
        assert len(active_holds(session, second)) == 1


def test_accept_twice_rejected(one_line_bank):
    reference = _save(one_line_bank, 0.2)
    with session_scope(one_line_bank) as session:
        accept_quote(session, reference)

    with pytest.raises(QuoteNotAcceptableError, match="already accepted"):
        with session_scope(one_line_bank) as session:
            accept_quote(session, reference)
    assert _held(one_line_bank) == pytest.approx(0.2)


def test_accept_manual_review_rejected(one_line_bank):
    # 1.5 units cannot fit in a 1.0 unit line, so the quote needs manual review.
    reference = _save(one_line_bank, 1.5)
    with one_line_bank() as session:
        assert get_quote(session, reference).status == "manual_review"

    with pytest.raises(QuoteNotAcceptableError, match="manual review"):
        with session_scope(one_line_bank) as session:
            accept_quote(session, reference)
    assert _held(one_line_bank) == 0.0


def test_expired_holds_free_stock(one_line_bank):
    reference = _save(one_line_bank, 0.3)
    with session_scope(one_line_bank) as session:
        accept_quote(session, reference, hold_days=1)

    with session_scope(one_line_bank) as session:
        early = expire_holds(session, now=datetime.now(UTC) + timedelta(hours=23))
    assert early == 0
    assert _held(one_line_bank) == pytest.approx(0.3)

    with session_scope(one_line_bank) as session:
        expired = expire_holds(session, now=datetime.now(UTC) + timedelta(days=2))
    assert expired == 1
    assert _held(one_line_bank) == 0.0


def test_hold_all_quote_sees_held_units(one_line_bank):
    reference = _save(one_line_bank, 0.6)
    with session_scope(one_line_bank) as session:
        accept_quote(session, reference)

    # 1.0 available - 0.6 held = 0.4 free under hold_all, so 0.5 units no longer fit.
    request = make_request([(NEUTRAL_GRASSLAND, 0.5)], stock_hold_policy="hold_all")
    result = quote(request, PostgresSource(one_line_bank).load())

    assert result.status == "manual_review"
