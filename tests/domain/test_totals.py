"""Totals and the client view: prices to the nearest 50, lines to whole pounds half up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    NATIVE_HEDGEROW,
    NEUTRAL_GRASSLAND,
    local_beats_far,
    make_request,
)
from bng_optimiser.domain.totals import client_view, round_half_up, round_pence


@pytest.mark.parametrize(
    ("amount", "step", "expected"),
    [
        (29_600, 50, 29_600),
        (29_624.99, 50, 29_600),
        (29_625, 50, 29_650),  # 592.5 steps of 50 round half up to 593
        (2_502.5, 1, 2_503),
        # 0.11 x 22,750 is 2502.4999999999995 in binary floating point.
        (0.11 * 22_750, 1, 2_503),
        (2_502.49, 1, 2_502),
    ],
)
def test_round_half_up(amount, step, expected):
    assert round_half_up(amount, step) == expected


def test_client_view_total_adds_rounded_lines():
    example = local_beats_far()
    result = quote(example.request, example.reference)
    view = client_view(result)
    # Full precision: 2,502.50 + 0.2 x 30,000 = 8,502.50; 0.31 units is small, fee 500.
    assert result.total == pytest.approx(9_002.50)
    # Rounded: 2,503 + 6,000 + 500 = 9,003.
    assert [line.cost for line in view.lines] == [2_503, 6_000]
    assert [line.unit_price for line in view.lines] == [22_750, 30_000]
    assert view.admin_fee == 500
    assert view.total == 9_003


def test_client_view_rounds_price_to_fifty():
    example = local_beats_far()
    result = quote(example.request, example.reference)
    result.lines[0].unit_price = 22_774.0
    result.lines[1].unit_price = 22_775.0
    view = client_view(result)
    assert [line.unit_price for line in view.lines] == [22_750, 22_800]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (29_709.375, "29709.38"),
        (31_190.625, "31190.63"),  # half-even would give .62
        (2_502.5, "2502.50"),
        (0.125, "0.13"),
        # 1.115 x 3 is 3.3449999999999998 in binary floating point.
        (1.115 * 3, "3.35"),
        (-1.005, "-1.01"),
    ],
)
def test_round_pence_half_up(amount, expected):
    assert round_pence(amount) == Decimal(expected)


def test_client_view_reconciles_suo():
    example = local_beats_far()
    # f = 0.5 x 0.062 eligible / 0.31 units supplied = 0.1.
    request = make_request([(NEUTRAL_GRASSLAND, 0.11), (NATIVE_HEDGEROW, 0.2)],
                           suo_surplus_units=0.062)
    result = quote(request, example.reference)
    view = client_view(result)

    assert view.suo_fraction == pytest.approx(0.1)
    assert [line.unit_price for line in view.lines] == [22_750, 30_000]
    # Grassland: 2,502.50 before SUO rounds half up to 2,503; after SUO 2,502.50 x 0.9 =
    # 2,252.25 rounds to 2,252, so the line shows 2,503 - 251 = 2,252.
    # Hedgerow: 6,000 before, 600 off, 5,400 after.
    assert [line.cost_before_suo for line in view.lines] == [2_503, 6_000]
    assert [line.suo_reduction for line in view.lines] == [251, 600]
    assert [line.cost for line in view.lines] == [2_252, 5_400]
    # 2,503 + 6,000 = 8,503; 251 + 600 = 851; 8,503 - 851 + 500 = 2,252 + 5,400 + 500 = 8,152.
    assert view.subtotal == 8_503
    assert view.suo_discount == 851
    assert view.total == 8_152
    # Full precision: 8,502.50 - 850.25 + 500 = 8,152.25.
    assert result.total == pytest.approx(8_152.25)


def test_client_view_without_suo():
    example = local_beats_far()
    view = client_view(quote(example.request, example.reference))

    assert view.suo_fraction == 0
    assert view.suo_discount == 0
    assert [line.suo_reduction for line in view.lines] == [0, 0]
    assert [line.cost_before_suo for line in view.lines] == [line.cost for line in view.lines]
