"""Minimum delivery: below 0.01 units supplied in total, the cheapest line is raised."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import minimum_delivery
from bng_optimiser.domain.rules.delivery import DeliveryLine, minimum_delivery_raise


def test_example_raises_first_cheapest_line():
    example = minimum_delivery()
    result = quote(example.request, example.reference)
    first, second = result.lines
    # 0.0064 + 0.0012 = 0.0076; the shortfall 0.0024 goes to the first of two equal prices.
    assert first.units == pytest.approx(0.0088)
    assert first.demand_units == pytest.approx(0.0064)
    assert second.units == pytest.approx(0.0012)
    # Asked 0.0064 + 0.0012 = 0.0076 units; delivered 0.0088 + 0.0012 = 0.01.
    assert result.total_units == pytest.approx(0.0076)
    assert result.delivered_units == pytest.approx(0.01)
    # 0.01 x 22,000 = 220.00 before the admin fee; 0.0076 units is fractional, fee 300.
    assert result.subtotal == pytest.approx(220.00)
    assert result.admin_fee == 300
    assert result.total == pytest.approx(520.00)
    assert first.stock_drawn == {"LOC-1": pytest.approx(0.0088)}
    assert any("minimum delivery" in w for w in result.warnings)


def test_raise_picks_cheapest_line():
    lines = [
        DeliveryLine(0.004, 30_000, {"A": 1.0}),
        DeliveryLine(0.002, 20_000, {"B": 2.0}),
    ]
    result = minimum_delivery_raise(lines, {"A": 1.0, "B": 1.0}, RulesConfig())
    assert result is not None
    assert result.index == 1
    # 0.01 - (0.004 + 0.002) = 0.004.
    assert result.extra_units == pytest.approx(0.004)
    assert result.fits_stock is True


def test_raise_skips_line_without_stock():
    lines = [
        DeliveryLine(0.004, 30_000, {"A": 1.0}),
        # The cheaper line would draw 0.004 x 2 = 0.008 from B, which has 0.005 left.
        DeliveryLine(0.002, 20_000, {"B": 2.0}),
    ]
    result = minimum_delivery_raise(lines, {"A": 1.0, "B": 0.005}, RulesConfig())
    assert result is not None
    assert result.index == 0
    assert result.fits_stock is True


def test_no_raise_at_minimum():
    lines = [DeliveryLine(0.006, 30_000, {"A": 1.0}), DeliveryLine(0.004, 20_000, {"B": 1.0})]
    assert minimum_delivery_raise(lines, {"A": 1.0, "B": 1.0}, RulesConfig()) is None
