"""Stock-hold policy: ignore, hold_all and hold_half."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    NEUTRAL_GRASSLAND,
    make_reference,
    make_request,
    price_rows,
)
from bng_optimiser.domain.reference import StockLine, Tier
from bng_optimiser.domain.rules.holds import available_units

from .factories import local_bank


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("ignore", 10.0), ("hold_all", 6.0), ("hold_half", 8.0)],
)
def test_available_units_by_policy(policy, expected):
    line = StockLine("S", "B", NEUTRAL_GRASSLAND, units_available=10.0, units_held=4.0)
    # 10 - 4 x {0, 1, 0.5}.
    assert available_units(line, policy) == expected


def test_available_units_never_negative():
    line = StockLine("S", "B", NEUTRAL_GRASSLAND, units_available=1.0, units_held=3.0)
    assert available_units(line, "hold_all") == 0.0


@pytest.mark.parametrize(
    ("policy", "status"),
    # 1.0 available, 0.6 held, 0.5 wanted: ignore 1.0, hold_half 0.7, hold_all 0.4 left.
    [("ignore", "quoted"), ("hold_half", "quoted"), ("hold_all", "manual_review")],
)
def test_quote_respects_hold_policy(policy, status):
    stock = [StockLine("L-1", "L", NEUTRAL_GRASSLAND, 1.0, units_held=0.6)]
    reference = make_reference(
        [local_bank("L")], stock, price_rows("L", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000)
    )
    result = quote(make_request([(NEUTRAL_GRASSLAND, 0.5)], stock_hold_policy=policy), reference)
    assert result.status == status
    if status == "manual_review":
        assert [b.code for b in result.blocked] == ["stock_too_small"]
        assert result.lines == []
