"""SUO discount: f = min(0.5 x eligible surplus / units supplied, 0.60) off allocation lines."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    NEUTRAL_GRASSLAND,
    make_reference,
    make_request,
    price_rows,
)
from bng_optimiser.domain.reference import StockLine, Tier
from bng_optimiser.domain.rules.pricing import suo_fraction

from .factories import local_bank


@pytest.mark.parametrize(
    ("eligible", "supplied", "expected"),
    [
        (0.1, 1.0, 0.05),  # 0.5 x 0.1 / 1.0
        (1.0, 1.0, 0.5),  # 0.5 x 1.0 / 1.0
        (2.0, 1.0, 0.6),  # 0.5 x 2.0 / 1.0 = 1.0, capped at 0.60
        (0.0, 1.0, 0.0),
    ],
)
def test_suo_fraction(eligible, supplied, expected):
    assert suo_fraction(eligible, supplied, RulesConfig()) == pytest.approx(expected)


def test_suo_reduces_lines_not_fee():
    stock = [StockLine("L-1", "L", NEUTRAL_GRASSLAND, 10.0)]
    reference = make_reference(
        [local_bank("L")], stock, price_rows("L", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000)
    )
    request = make_request(
        [(NEUTRAL_GRASSLAND, 1.0), ("Woodland and forest - Felled", 0.5)], suo_surplus_units=0.2
    )
    result = quote(request, reference)
    # f = 0.5 x 0.2 / 1.0 = 0.1 of 1.0 x 20,000 = 2,000; total 20,000 - 2,000 + 500 = 18,500.
    assert result.subtotal == pytest.approx(20_000)
    assert result.suo_discount == pytest.approx(2_000)
    assert result.lines[0].suo_reduction == pytest.approx(2_000)
    assert result.admin_fee == 500
    assert result.total == pytest.approx(18_500)
    # The felled woodland manual line is neither priced nor counted in units supplied.
    assert [m.row_id for m in result.manual_lines] == ["R2"]
