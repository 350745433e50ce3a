"""Choosing the allocation: cost, then fewest banks within tolerance, tiers, stock, order."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    NATIVE_HEDGEROW,
    NEUTRAL_GRASSLAND,
    local_beats_far,
    make_reference,
    make_request,
    price_rows,
)
from bng_optimiser.domain.reference import StockLine, Tier

from .factories import adjacent_bank, far_bank, local_bank

SCRUB = "Heathland and shrub - Mixed scrub"


def test_cheaper_local_beats_far_bank_in_use():
    example = local_beats_far()
    result = quote(example.request, example.reference)
    grassland, hedgerow = result.lines
    assert (grassland.bank_id, grassland.tier) == ("LOC", Tier.LOCAL)
    # 0.11 x 22,750 = 2,502.50, against 0.11 x 27,800 = 3,058.00 at the far bank.
    assert grassland.cost == pytest.approx(2_502.50)
    assert (hedgerow.bank_id, hedgerow.tier) == ("FAR", Tier.FAR)
    # Hedgerow at far draws 0.2 x 2 = 0.4 stock units.
    assert hedgerow.stock_drawn == {"FAR-3": pytest.approx(0.4)}
    assert result.banks_used == ["FAR", "LOC"]


def two_bank_reference(scrub_price_at_a, scrub_price_at_b, grass_price=20_000):
    """Bank A stocks grassland and scrub; bank B only scrub."""
    stock = [
        StockLine("A-1", "A", NEUTRAL_GRASSLAND, 100.0),
        StockLine("A-2", "A", SCRUB, 100.0),
        StockLine("B-1", "B", SCRUB, 100.0),
    ]
    prices = (
        price_rows("A", NEUTRAL_GRASSLAND, Tier.LOCAL, grass_price)
        | price_rows("A", SCRUB, Tier.LOCAL, scrub_price_at_a)
        | price_rows("B", SCRUB, Tier.LOCAL, scrub_price_at_b)
    )
    return make_reference([local_bank("A"), local_bank("B")], stock, prices)


@pytest.mark.parametrize(
    ("scrub_at_a", "expected_banks"),
    [
        # Minimum 40,000 on two banks; tolerance min(10, 0.0001 x 40,000 = 4) = 4 GBP.
        (20_003, ["A"]),  # one bank costs 3 more: within tolerance
        (20_005, ["A", "B"]),  # one bank costs 5 more: beyond it
    ],
)
def test_fewest_banks_within_percent_tolerance(scrub_at_a, expected_banks):
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), (SCRUB, 1.0)])
    result = quote(request, two_bank_reference(scrub_at_a, 20_000))
    assert result.banks_used == expected_banks


@pytest.mark.parametrize(
    ("scrub_at_a", "expected_banks"),
    [
        # Minimum 200,000; tolerance min(10, 0.0001 x 200,000 = 20) = 10 GBP.
        (100_009, ["A"]),
        (100_011, ["A", "B"]),
    ],
)
def test_fewest_banks_within_ten_pounds(scrub_at_a, expected_banks):
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), (SCRUB, 1.0)])
    result = quote(request, two_bank_reference(scrub_at_a, 100_000, grass_price=100_000))
    assert result.banks_used == expected_banks


def test_closer_tier_at_equal_cost():
    stock = [
        StockLine("Z-1", "Z", NEUTRAL_GRASSLAND, 10.0),
        StockLine("F-1", "F", NEUTRAL_GRASSLAND, 100.0),
    ]
    # "Z" is adjacent, "F" far with more stock and an id that sorts first; prices are equal.
    prices = price_rows("Z", NEUTRAL_GRASSLAND, Tier.ADJACENT, 20_000) | price_rows(
        "F", NEUTRAL_GRASSLAND, Tier.FAR, 20_000
    )
    reference = make_reference([adjacent_bank("Z"), far_bank("F")], stock, prices)
    result = quote(make_request([(NEUTRAL_GRASSLAND, 1.0)]), reference)
    assert result.lines[0].bank_id == "Z"
    assert result.lines[0].tier is Tier.ADJACENT


def test_more_stock_at_equal_cost_and_tier():
    stock = [
        StockLine("A-1", "A", NEUTRAL_GRASSLAND, 5.0),
        StockLine("B-1", "B", NEUTRAL_GRASSLAND, 50.0),
    ]
    prices = price_rows("A", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000) | price_rows(
        "B", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000
    )
    reference = make_reference([local_bank("A"), local_bank("B")], stock, prices)
    result = quote(make_request([(NEUTRAL_GRASSLAND, 1.0)]), reference)
    assert result.lines[0].bank_id == "B"


def test_stable_order_breaks_full_tie():
    stock = [
        StockLine("B-1", "B", NEUTRAL_GRASSLAND, 5.0),
        StockLine("A-1", "A", NEUTRAL_GRASSLAND, 5.0),
    ]
    prices = price_rows("A", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000) | price_rows(
        "B", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000
    )
    reference = make_reference([local_bank("B"), local_bank("A")], stock, prices)
    result = quote(make_request([(NEUTRAL_GRASSLAND, 1.0)]), reference)
    assert result.lines[0].bank_id == "A"


def test_two_rows_same_habitat_keep_ids():
    stock = [StockLine("L-1", "L", NATIVE_HEDGEROW, 10.0)]
    reference = make_reference(
        [local_bank("L")], stock, price_rows("L", NATIVE_HEDGEROW, Tier.LOCAL, 15_000)
    )
    request = make_request([(NATIVE_HEDGEROW, 0.2), (NATIVE_HEDGEROW, 0.3)])
    result = quote(request, reference)
    assert [(line.row_id, line.units) for line in result.lines] == [("R1", 0.2), ("R2", 0.3)]
    # (0.2 + 0.3) x 15,000 = 7,500.
    assert result.subtotal == pytest.approx(7_500)
