"""Finding tables by their text: band columns or sections, decoys, totals and targets."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bng_optimiser.domain.catalogue import NET_GAIN_AREA, NET_GAIN_HEDGEROW, Ledger
from bng_optimiser.domain.exceptions import InvalidInputError
from bng_optimiser.domain.metric import read_metric
from bng_optimiser.domain.metric.cells import MAX_SHEET_ROWS

from .builders import MetricWorkbook, Row
from .conftest import demand_of

MODIFIED = "Grassland - Modified grassland"  # Low
NEUTRAL = "Grassland - Other neutral grassland"  # Medium
SCRUB = "Heathland and shrub - Mixed scrub"  # Medium
REEDBEDS = "Wetland - Reedbeds"  # High

MIXED_ROWS = (
    Row(REEDBEDS, "High", 0.5),
    Row(NEUTRAL, "Medium", -1),
    Row(SCRUB, "Medium", 2),
    Row(MODIFIED, "Low", -1.5),
)
BASELINES = {"area": 10.0, "hedgerow": 1.0, "watercourse": 0.0}


def summary(metric):
    return (demand_of(metric), metric.suo_surplus_units, metric.offsets)


def test_mixed_book_expected_demand(read_book):
    metric = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES))
    # Neutral grassland (Medium) takes Reedbeds 0.5 (Mixed scrub is another broad habitat):
    # 1 - 0.5 = 0.5 left. Modified grassland (Low) takes 1.5 of Mixed scrub, leaving 0.5.
    # Area requirement 10 x 0.1 = 1 takes that 0.5, so 0.5 is net gain; hedgerow 1 x 0.1 = 0.1.
    assert demand_of(metric) == [
        (NEUTRAL, pytest.approx(0.5)),
        (NET_GAIN_AREA, pytest.approx(0.5)),
        (NET_GAIN_HEDGEROW, pytest.approx(0.1)),
    ]
    assert metric.suo_surplus_units == 0


def test_band_column_matches_band_sections(read_book):
    sections = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES))
    column = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES, layout="column"))
    assert summary(column) == summary(sections)


def test_short_band_headings_match_long(read_book):
    long = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES))
    short = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES, short_headings=True))
    assert summary(short) == summary(long)
    assert short.warnings == []


@pytest.mark.parametrize("layout", ["sections", "column"])
def test_decoy_summary_column_ignored(read_book, layout):
    plain = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES, layout=layout))
    decoy = read_book(
        MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES, layout=layout, decoy=True)
    )
    assert summary(decoy) == summary(plain)
    assert decoy.ledgers[Ledger.AREA].surplus_units == pytest.approx(2.5)


def test_total_rows_not_read_as_habitats(read_book):
    metric = read_book(MetricWorkbook(area=MIXED_ROWS, baselines=BASELINES, layout="column"))
    # 1 + 1.5 = 2.5 of deficit and 0.5 + 2 = 2.5 of surplus; the 'Total' row (0) adds nothing.
    assert metric.ledgers[Ledger.AREA].deficit_units == pytest.approx(2.5)
    assert metric.warnings == []


def test_unreadable_band_column_surplus_offsets_nothing(read_book):
    metric = read_book(
        MetricWorkbook(area=[Row(MODIFIED, "Low", -1), Row(NEUTRAL, "???", 4)], layout="column")
    )
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1))]
    assert metric.offsets == []
    assert metric.suo_surplus_units == 0
    assert any("cannot be read ('???')" in w and "offsets nothing" in w for w in metric.warnings)


def test_unreadable_band_column_deficit_is_demand(read_book):
    metric = read_book(
        MetricWorkbook(area=[Row(MODIFIED, "", -1), Row(NEUTRAL, "Medium", 4)], layout="column")
    )
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1))]
    assert any("not offset on site" in w for w in metric.warnings)
    assert metric.suo_surplus_units == pytest.approx(4)


def test_row_above_band_sections_is_unreadable(read_book):
    metric = read_book(MetricWorkbook(area=[Row(NEUTRAL, None, 3), Row(MODIFIED, "Low", -1)]))
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1))]
    assert any("no band section above it" in w for w in metric.warnings)


def test_misspelt_band_section_is_unreadable(read_book):
    metric = read_book(
        MetricWorkbook(area=[Row(NEUTRAL, "Medum Distinctiveness", 3), Row(MODIFIED, "Low", -1)])
    )
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1))]
    assert any("'Medum Distinctiveness'" in w for w in metric.warnings)


@pytest.mark.parametrize("target", [0.15, "15%", 15])
def test_target_other_than_ten_percent(read_book, target):
    book = MetricWorkbook(
        area=[Row(NEUTRAL, "Medium", 1)],
        baselines={"area": 10.0, "hedgerow": 0.0, "watercourse": 0.0},
        targets={"area": target, "hedgerow": 0.1, "watercourse": 0.1},
    )
    metric = read_book(book)
    area = metric.ledgers[Ledger.AREA]
    assert area.target == pytest.approx(0.15)
    assert area.target_from_workbook
    # 10 x 0.15 = 1.5 required, 1 covered by surplus, 0.5 is net gain.
    assert demand_of(metric) == [(NET_GAIN_AREA, pytest.approx(0.5))]


def test_invalid_target_rejected(read_book):
    book = MetricWorkbook(targets={"area": "lots", "hedgerow": 0.1, "watercourse": 0.1})
    with pytest.raises(InvalidInputError, match="net gain target 'lots'"):
        read_book(book)


def test_baseline_block_without_table_uses_default_target(read_book):
    book = MetricWorkbook(
        baselines={"area": 4.0, "hedgerow": 0.5, "watercourse": 0.0}, headline="block"
    )
    metric = read_book(book)
    area = metric.ledgers[Ledger.AREA]
    assert area.baseline_units == pytest.approx(4.0)
    assert area.target == pytest.approx(0.1)
    assert not area.target_from_workbook
    # 4 x 0.1 = 0.4 and 0.5 x 0.1 = 0.05 with no surplus at all.
    assert demand_of(metric) == [
        (NET_GAIN_AREA, pytest.approx(0.4)),
        (NET_GAIN_HEDGEROW, pytest.approx(0.05)),
    ]


def test_missing_ledger_sheet_warns(read_book):
    book = MetricWorkbook(
        area=[Row(NEUTRAL, "Medium", 3)],
        baselines={"area": 1.0, "hedgerow": 2.0, "watercourse": 0.0},
        ledgers=("area",),
    )
    metric = read_book(book)
    # Without a hedgerow sheet no surplus is known, so all of 2 x 0.1 = 0.2 is demand.
    assert demand_of(metric) == [(NET_GAIN_HEDGEROW, pytest.approx(0.2))]
    assert any("no hedgerow trading summary sheet" in w for w in metric.warnings)


def test_rows_past_sheet_limit_ignored(catalogue):
    workbook = openpyxl.load_workbook(io.BytesIO(MetricWorkbook(layout="column").to_bytes()))
    sheet = workbook["Trading Summary Area Habitats"]
    while sheet.max_row < MAX_SHEET_ROWS + 100:
        sheet.append([None, "Cropland - Cereal crops", "Low", 0])
    sheet.cell(row=MAX_SHEET_ROWS + 50, column=4, value=-1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    metric = read_metric(buffer.getvalue(), catalogue)
    # The only deficit sits past the row limit, so it is not read.
    assert metric.demand == []
    assert any(f"more than {MAX_SHEET_ROWS:,} rows" in w for w in metric.warnings)


def test_blank_change_cells_warn(read_book):
    # A formula that Excel never calculated has no saved value, which openpyxl reads as None.
    metric = read_book(MetricWorkbook(area=[Row(MODIFIED, "Low", None)], layout="column"))
    assert metric.demand == []
    assert any("has 1 habitat row(s) but no project-wide unit change" in w for w in metric.warnings)
