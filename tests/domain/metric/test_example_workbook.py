"""The real, completed statutory metric workbook from a planning submission."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.catalogue import Ledger
from bng_optimiser.domain.metric import read_metric
from bng_optimiser.domain.request import QuoteRequest

from .conftest import EXAMPLE_WORKBOOK

# Trading summary figures of the example, as the workbook shows them:
# Medium surplus: Other neutral grassland 5.401023987136453, Mixed scrub 0.5157308714242559,
# Urban tree 0.04645593688495209, total 5.963210795445661.
# Low deficit: Modified grassland -5.090192195707278.
NEUTRAL_GRASSLAND = 5.401023987136453
MIXED_SCRUB = 0.5157308714242559
URBAN_TREE = 0.04645593688495209
MODIFIED_GRASSLAND = 5.090192195707278


@pytest.fixture(scope="module")
def example(catalogue):
    return read_metric(EXAMPLE_WORKBOOK, catalogue)


def test_example_baselines_read_exactly(example):
    assert example.ledgers[Ledger.AREA].baseline_units == pytest.approx(6.84135, abs=1e-12)
    assert example.ledgers[Ledger.HEDGEROW].baseline_units == pytest.approx(0.052, abs=1e-12)
    assert example.ledgers[Ledger.WATERCOURSE].baseline_units == 0


def test_example_targets_are_ten_percent_from_workbook(example):
    for summary in example.ledgers.values():
        assert summary.target == pytest.approx(0.1)
        assert summary.target_from_workbook


def test_example_demand_is_empty(example):
    assert example.demand == []
    assert example.warnings == []


def test_example_low_deficit_offset_by_medium_surplus(example):
    area = example.ledgers[Ledger.AREA]
    assert area.deficit_units == pytest.approx(MODIFIED_GRASSLAND)
    assert area.surplus_units == pytest.approx(NEUTRAL_GRASSLAND + MIXED_SCRUB + URBAN_TREE)
    assert area.offset_units == pytest.approx(MODIFIED_GRASSLAND)
    # No Low surplus exists, so the largest Medium surplus covers the Low deficit.
    first = example.offsets[0]
    assert first.surplus_habitat == "Grassland - Other neutral grassland"
    assert first.covered == "Grassland - Modified grassland"
    assert first.units == pytest.approx(MODIFIED_GRASSLAND)


def test_example_net_gain_covered_by_surplus(example):
    area = example.ledgers[Ledger.AREA]
    # 6.84135 x 0.1 = 0.684135 required; 5.963210795 - 5.090192196 = 0.873018600 left.
    assert area.requirement_units == pytest.approx(0.684135)
    assert area.requirement_covered_units == pytest.approx(0.684135)
    assert area.net_gain_units == 0
    hedgerow = example.ledgers[Ledger.HEDGEROW]
    # 0.052 x 0.1 = 0.0052 required, covered by the Native hedgerow surplus of 0.0346.
    assert hedgerow.requirement_covered_units == pytest.approx(0.0052)
    assert hedgerow.surplus_left_units == pytest.approx(0.0346 - 0.0052)


def test_example_suo_surplus(example):
    # 0.873018600 - 0.684135 = 0.188883600 Medium surplus left.
    assert example.suo_surplus_units == pytest.approx(0.1888835997383830, abs=1e-9)


def test_example_reads_same_from_bytes(example, catalogue):
    from_bytes = read_metric(EXAMPLE_WORKBOOK.read_bytes(), catalogue, name="upload.xlsx")
    assert from_bytes == example


def test_example_suo_fits_quote_request(example):
    request = QuoteRequest(
        lpa_code="E60000016",
        nca_number=61,
        demand=[{"habitat": "Grassland - Modified grassland", "units": 1.0}],
        suo_surplus_units=example.suo_surplus_units,
    )
    assert request.suo_surplus_units == pytest.approx(0.188883600, abs=1e-9)
