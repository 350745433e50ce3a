"""Totals and the client view: prices to the nearest 50, lines to whole pounds half up."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import local_beats_far
from bng_optimiser.domain.totals import client_view, round_half_up


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
