"""The schema itself rejects inconsistent reference data, whatever code writes it."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import IntegrityError

from bng_optimiser.db.models import PriceRow, StockLineRow

GOOD_PRICE = {"bank_id": "BNK001", "habitat": "Grassland - Modified grassland",
              "contract_size": "small", "tier": "far", "price": 1000.0}

# Each bad value and the constraint that must reject it.
BAD_PRICES = {
    "unknown habitat": ({"habitat": "Grassland - Blue grassland"}, "fk_prices_habitat_habitats"),
    "unknown bank": ({"bank_id": "NO-SUCH-BANK"}, "fk_prices_bank_id_banks"),
    "unknown tier": ({"tier": "near"}, "ck_prices_tier"),
    "unknown contract size": ({"contract_size": "huge"}, "ck_prices_contract_size"),
    "zero price": ({"price": 0.0}, "ck_prices_price_positive"),
    "negative price": ({"price": -5.0}, "ck_prices_price_positive"),
}


@pytest.fixture
def unpriced_bank(session):
    """BNK001 without prices, so a test insert can only fail for the reason it tests."""
    session.execute(delete(PriceRow).where(PriceRow.bank_id == "BNK001"))
    return session


@pytest.mark.parametrize("case", sorted(BAD_PRICES))
def test_bad_price_rejected(unpriced_bank, case):
    change, constraint = BAD_PRICES[case]

    with pytest.raises(IntegrityError, match=constraint):
        with unpriced_bank.begin_nested():
            unpriced_bank.execute(insert(PriceRow).values(**(GOOD_PRICE | change)))


def test_negative_stock_rejected(session):
    with pytest.raises(IntegrityError, match="available_not_negative"):
        with session.begin_nested():
            session.execute(
                update(StockLineRow)
                .where(StockLineRow.stock_id == "BNK001-S01")
                .values(units_available=-1.0, units_held=0.0)
            )


def test_held_above_available_rejected(session):
    line = session.get(StockLineRow, "BNK001-S01")

    with pytest.raises(IntegrityError, match="held_within_available"):
        with session.begin_nested():
            session.execute(
                update(StockLineRow)
                .where(StockLineRow.stock_id == "BNK001-S01")
                .values(units_held=line.units_available + 0.5)
            )


def test_second_line_for_same_habitat_rejected(session):
    line = session.get(StockLineRow, "BNK001-S01")

    # The (bank, habitat) constraint is deferred to commit, so SET CONSTRAINTS ALL IMMEDIATE
    # makes PostgreSQL check it inside the savepoint.
    with pytest.raises(IntegrityError, match="uq_stock_lines_bank_habitat"):
        with session.begin_nested():
            session.execute(insert(StockLineRow).values(
                stock_id="BNK001-DUPLICATE", bank_id=line.bank_id, habitat=line.habitat,
                units_available=1.0, units_held=0.0,
            ))
            session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


def test_good_price_accepted(unpriced_bank):
    with unpriced_bank.begin_nested():
        unpriced_bank.execute(insert(PriceRow).values(**GOOD_PRICE))

    assert unpriced_bank.get(PriceRow, ("BNK001", GOOD_PRICE["habitat"], "small", "far"))
