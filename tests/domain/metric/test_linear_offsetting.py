"""On-site offsetting of hedgerows and watercourses, and their net-gain rows."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.catalogue import NET_GAIN_HEDGEROW, NET_GAIN_WATERCOURSE, Ledger

from .builders import MetricWorkbook, Row
from .conftest import demand_of

SPECIES_RICH_BANK = "Species-rich native hedgerow with trees - associated with bank or ditch"
SPECIES_RICH_TREES = "Species-rich native hedgerow with trees"  # High
SPECIES_RICH = "Species-rich native hedgerow"  # Medium
NATIVE_TREES = "Native hedgerow with trees"  # Medium
NATIVE = "Native hedgerow"  # Low
LINE_OF_TREES = "Line of trees"  # Low
ORNAMENTAL = "Non-native and ornamental hedgerow"  # V.Low


def hedgerow_book(*rows: Row, baseline: float = 0.0) -> MetricWorkbook:
    return MetricWorkbook(
        hedgerow=rows, baselines={"area": 0.0, "hedgerow": baseline, "watercourse": 0.0}
    )


def watercourse_book(*rows: Row, baseline: float = 0.0) -> MetricWorkbook:
    return MetricWorkbook(
        watercourse=rows, baselines={"area": 0.0, "hedgerow": 0.0, "watercourse": baseline}
    )


def test_hedgerow_band_equal_or_higher(read_book):
    metric = read_book(
        hedgerow_book(
            Row(NATIVE_TREES, "Medium", -0.3),
            Row(NATIVE, "Low", -0.4),
            Row(SPECIES_RICH, "Medium", 0.2),
            Row(LINE_OF_TREES, "Low", 1),
            baseline=2,
        )
    )
    # The Medium deficit takes Species-rich (Medium) 0.2 and may not use Line of trees (Low):
    # 0.3 - 0.2 = 0.1 left. The Low deficit takes 0.4 of Line of trees.
    assert demand_of(metric) == [(NATIVE_TREES, pytest.approx(0.1))]
    assert metric.demand[0].ledger is Ledger.HEDGEROW
    # 2 x 0.1 = 0.2 required, covered from the 1 - 0.4 = 0.6 Line of trees left.
    hedgerow = metric.ledgers[Ledger.HEDGEROW]
    assert hedgerow.requirement_covered_units == pytest.approx(0.2)
    assert hedgerow.surplus_left_units == pytest.approx(0.4)
    # Hedgerow surplus never counts towards the area SUO discount.
    assert metric.suo_surplus_units == 0


def test_hedgerow_net_gain_remainder(read_book):
    metric = read_book(hedgerow_book(Row(NATIVE, "Low", 0.6), baseline=10))
    # 10 x 0.1 = 1.0 required, 0.6 covered, 0.4 left as the hedgerow net-gain row.
    assert demand_of(metric) == [(NET_GAIN_HEDGEROW, pytest.approx(0.4))]
    assert metric.demand[0].ledger is Ledger.HEDGEROW


def test_hedgerow_very_high_not_covered_by_high(read_book):
    metric = read_book(
        hedgerow_book(Row(SPECIES_RICH_BANK, "V.High", -1), Row(SPECIES_RICH_TREES, "High", 2))
    )
    assert demand_of(metric) == [(SPECIES_RICH_BANK, pytest.approx(1))]


def test_hedgerow_very_low_covered_by_any_band(read_book):
    metric = read_book(hedgerow_book(Row(ORNAMENTAL, "V.Low", -0.5), Row(NATIVE, "Low", 1)))
    assert metric.demand == []
    assert metric.offsets[0].covered == ORNAMENTAL


def test_canals_never_offset_ditches(read_book):
    metric = read_book(watercourse_book(Row("Ditches", "Medium", -1), Row("Canals", "Medium", 2)))
    assert demand_of(metric) == [("Ditches", pytest.approx(1))]
    assert metric.offsets == []


def test_ditches_never_offset_canals(read_book):
    metric = read_book(watercourse_book(Row("Canals", "Medium", -0.7), Row("Ditches", "Medium", 2)))
    assert demand_of(metric) == [("Canals", pytest.approx(0.7))]


def test_culvert_traded_up_to_higher_band(read_book):
    metric = read_book(watercourse_book(Row("Culvert", "Low", -1.5), Row("Ditches", "Medium", 1)))
    # Ditches (Medium) covers 1 of the Culvert deficit; 1.5 - 1 = 0.5 is left to buy.
    assert demand_of(metric) == [("Culvert", pytest.approx(0.5))]
    assert metric.demand[0].ledger is Ledger.WATERCOURSE
    assert [(o.surplus_habitat, o.units) for o in metric.offsets] == [("Ditches", 1)]


def test_rivers_need_same_type(read_book):
    metric = read_book(
        watercourse_book(
            Row("Other rivers and streams", "High", -1), Row("Priority habitat", "V.High", 2)
        )
    )
    assert demand_of(metric) == [("Other rivers and streams", pytest.approx(1))]


def test_priority_habitat_deficit_warns(read_book):
    metric = read_book(watercourse_book(Row("Priority habitat", "V.High", -0.25)))
    assert demand_of(metric) == [("Priority habitat", pytest.approx(0.25))]
    assert len(metric.warnings) == 1
    assert "manual review" in metric.warnings[0]


def test_watercourse_net_gain_remainder(read_book):
    metric = read_book(watercourse_book(Row("Canals", "Medium", 0.1), baseline=3))
    # 3 x 0.1 = 0.3 required, the Canals surplus covers 0.1, so 0.2 is net gain.
    assert demand_of(metric) == [(NET_GAIN_WATERCOURSE, pytest.approx(0.2))]
    assert metric.ledgers[Ledger.WATERCOURSE].net_gain_units == pytest.approx(0.2)


def test_ledgers_never_offset_each_other(read_book):
    book = MetricWorkbook(
        area=[Row("Grassland - Other neutral grassland", "Medium", 5)],
        hedgerow=[Row(NATIVE, "Low", -0.5)],
        watercourse=[Row("Ditches", "Medium", -0.2)],
    )
    metric = read_book(book)
    assert demand_of(metric) == [(NATIVE, pytest.approx(0.5)), ("Ditches", pytest.approx(0.2))]
    assert metric.suo_surplus_units == pytest.approx(5)


def test_culvert_never_offsets_culvert(read_book):
    # Two Culvert rows, as a sheet listing the habitat twice would give: a loss of Culvert
    # needs a higher band, so the Culvert gain does not cover it.
    metric = read_book(
        watercourse_book(Row("Culvert", "Low", -1), Row("Culvert", "Low", 1), baseline=0)
    )
    assert demand_of(metric) == [("Culvert", pytest.approx(1))]
    assert metric.offsets == []
