"""On-site offsetting of area habitats: each band's rule, the net gain row and SUO surplus."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.catalogue import NET_GAIN_AREA, Ledger
from bng_optimiser.domain.request import QuoteRequest

from .builders import MetricWorkbook, Row
from .conftest import demand_of

MODIFIED = "Grassland - Modified grassland"  # Low, Grassland
CEREAL = "Cropland - Cereal crops"  # Low, Cropland
NEUTRAL = "Grassland - Other neutral grassland"  # Medium, Grassland
ACID = "Grassland - Other lowland acid grassland"  # Medium, Grassland
SCRUB = "Heathland and shrub - Mixed scrub"  # Medium, Heathland and shrub
CALCAREOUS = "Grassland - Lowland calcareous grassland"  # High, Grassland
REEDBEDS = "Wetland - Reedbeds"  # High, Wetland
MEADOWS = "Grassland - Lowland meadows"  # V.High, Grassland


def area_book(*rows: Row, baseline: float = 0.0, **options) -> MetricWorkbook:
    return MetricWorkbook(
        area=rows, baselines={"area": baseline, "hedgerow": 0.0, "watercourse": 0.0}, **options
    )


def test_low_deficit_takes_low_surplus_first(read_book):
    metric = read_book(
        area_book(Row(MODIFIED, "Low", -3), Row(CEREAL, "Low", 1), Row(NEUTRAL, "Medium", 5))
    )
    assert metric.demand == []
    # Cereal crops (Low) covers 1 first, then Other neutral grassland (Medium) covers 3 - 1 = 2.
    assert [(o.surplus_habitat, o.units) for o in metric.offsets] == [(CEREAL, 1), (NEUTRAL, 2)]
    # 5 - 2 = 3 Medium units left for the SUO discount.
    assert metric.suo_surplus_units == pytest.approx(3)


def test_low_deficit_left_becomes_demand(read_book):
    metric = read_book(area_book(Row(MODIFIED, "Low", -3), Row(CEREAL, "Low", 1.25)))
    # 3 - 1.25 = 1.75 units of Modified grassland left to buy.
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1.75))]
    assert metric.demand[0].ledger is Ledger.AREA


def test_medium_deficit_takes_same_broad_habitat_only(read_book):
    metric = read_book(
        area_book(Row(NEUTRAL, "Medium", -2), Row(SCRUB, "Medium", 3), Row(ACID, "Medium", 0.5))
    )
    # Other lowland acid grassland shares the Grassland broad habitat and covers 0.5; Mixed
    # scrub (Heathland and shrub) may not, so 2 - 0.5 = 1.5 is demand.
    assert demand_of(metric) == [(NEUTRAL, pytest.approx(1.5))]
    assert [(o.surplus_habitat, o.units) for o in metric.offsets] == [(ACID, 0.5)]
    # Mixed scrub's 3 Medium units are untouched and feed the SUO discount.
    assert metric.suo_surplus_units == pytest.approx(3)


def test_medium_deficit_takes_any_higher_band(read_book):
    metric = read_book(area_book(Row(NEUTRAL, "Medium", -2.5), Row(REEDBEDS, "High", 4)))
    assert metric.demand == []
    assert metric.offsets[0].surplus_habitat == REEDBEDS
    # 4 - 2.5 = 1.5 High units left.
    assert metric.suo_surplus_units == pytest.approx(1.5)


def test_high_deficit_needs_same_habitat(read_book):
    metric = read_book(
        area_book(Row(CALCAREOUS, "High", -2), Row(REEDBEDS, "High", 5), Row(MEADOWS, "V.High", 5))
    )
    assert demand_of(metric) == [(CALCAREOUS, pytest.approx(2))]
    assert metric.offsets == []
    assert metric.warnings == []


def test_very_high_deficit_warns_bespoke_compensation(read_book):
    metric = read_book(area_book(Row(MEADOWS, "V.High", -0.8), Row(REEDBEDS, "High", 5)))
    assert demand_of(metric) == [(MEADOWS, pytest.approx(0.8))]
    assert len(metric.warnings) == 1
    assert "bespoke compensation" in metric.warnings[0]
    assert MEADOWS in metric.warnings[0]


def test_higher_band_deficit_offset_first(read_book):
    # The Low row comes first in the sheet, yet the Medium deficit is offset first: Reedbeds
    # covers Neutral grassland 2, then Modified grassland takes the 3 - 2 = 1 left.
    metric = read_book(
        area_book(
            Row(MODIFIED, "Low", -2),
            Row(NEUTRAL, "Medium", -2),
            Row(REEDBEDS, "High", 3),
            layout="column",
        )
    )
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1))]
    assert [(o.covered, o.units) for o in metric.offsets] == [(NEUTRAL, 2), (MODIFIED, 1)]


def test_net_gain_covered_highest_band_first(read_book):
    metric = read_book(area_book(Row(CEREAL, "Low", 0.5), Row(NEUTRAL, "Medium", 0.5), baseline=6))
    # 6 x 0.1 = 0.6 required: Neutral grassland (Medium) gives 0.5, Cereal crops (Low) 0.1.
    assert metric.demand == []
    assert [(o.surplus_habitat, o.covered, o.units) for o in metric.offsets] == [
        (NEUTRAL, NET_GAIN_AREA, pytest.approx(0.5)),
        (CEREAL, NET_GAIN_AREA, pytest.approx(0.1)),
    ]
    # Only Low surplus is left, so there is nothing for the SUO discount.
    assert metric.suo_surplus_units == 0
    assert metric.ledgers[Ledger.AREA].surplus_left_units == pytest.approx(0.4)


def test_net_gain_remainder_becomes_demand(read_book):
    metric = read_book(
        area_book(
            Row(MODIFIED, "Low", -1),
            Row(NEUTRAL, "Medium", 1.5),
            Row(CEREAL, "Low", 0.2),
            baseline=20,
        )
    )
    # Cereal crops covers 0.2 of the Low deficit, Neutral grassland the other 0.8, leaving
    # 1.5 - 0.8 = 0.7 for the requirement of 20 x 0.1 = 2.0, so 2.0 - 0.7 = 1.3 is net gain.
    assert demand_of(metric) == [(NET_GAIN_AREA, pytest.approx(1.3))]
    area = metric.ledgers[Ledger.AREA]
    assert area.requirement_units == pytest.approx(2.0)
    assert area.requirement_covered_units == pytest.approx(0.7)
    assert area.net_gain_units == pytest.approx(1.3)


def test_suo_counts_medium_and_higher_only(read_book):
    metric = read_book(
        area_book(Row(CEREAL, "Low", 2), Row(NEUTRAL, "Medium", 1), Row(REEDBEDS, "High", 0.5))
    )
    # 1 Medium + 0.5 High; the 2 Low units do not count.
    assert metric.suo_surplus_units == pytest.approx(1.5)


def test_felled_woodland_label_maps_to_catalogue(read_book):
    metric = read_book(
        area_book(Row("Woodland and forest - Felled/Replacement for felled woodland", "High", -1))
    )
    assert demand_of(metric) == [("Woodland and forest - Felled", pytest.approx(1))]
    assert metric.warnings == []


def test_unknown_habitat_left_out_with_warning(read_book):
    metric = read_book(area_book(Row("Grassland - Modified grasland", "Low", -1)))
    assert metric.demand == []
    assert any("not in the catalogue" in w and MODIFIED in w for w in metric.warnings)
    assert any("left out of the demand" in w for w in metric.warnings)


def test_band_differing_from_catalogue_warns(read_book):
    # The catalogue puts Modified grassland in band Low; the workbook's band is used.
    metric = read_book(area_book(Row(MODIFIED, "Medium", -1), Row(SCRUB, "Medium", 2)))
    assert any("catalogue in band Low" in w for w in metric.warnings)
    # As a Medium Grassland deficit it may not take Heathland and shrub surplus.
    assert demand_of(metric) == [(MODIFIED, pytest.approx(1))]


def test_rounding_noise_is_not_a_deficit(read_book):
    metric = read_book(area_book(Row(MODIFIED, "Low", -1e-12), Row(NEUTRAL, "Medium", 1e-12)))
    assert metric.demand == []
    assert metric.ledgers[Ledger.AREA].deficit_units == 0
    assert metric.suo_surplus_units == 0


def test_demand_rows_fit_quote_request(read_book):
    metric = read_book(
        area_book(Row(MODIFIED, "Low", -1), Row(CALCAREOUS, "High", -2), baseline=10)
    )
    # Calcareous 2, Modified 1 and net gain 10 x 0.1 = 1, in sheet order with the net gain last.
    assert [row.row_id for row in metric.demand] == ["M1", "M2", "M3"]
    request = QuoteRequest(
        lpa_code="E60000016",
        nca_number=61,
        demand=metric.demand,
        suo_surplus_units=metric.suo_surplus_units,
    )
    assert [(item.habitat, item.units) for item in request.demand] == [
        (CALCAREOUS, pytest.approx(2)),
        (MODIFIED, pytest.approx(1)),
        (NET_GAIN_AREA, pytest.approx(1)),
    ]
    assert "ledger" not in request.model_dump()["demand"][0]
    plain = QuoteRequest(lpa_code="E60000016", nca_number=61, demand=metric.demand_items())
    assert plain.demand[2].habitat == NET_GAIN_AREA


def test_very_low_deficit_takes_any_band(read_book):
    # V.Low area losses need no like-for-like compensation, so any area surplus covers them.
    metric = read_book(
        area_book(
            Row("Urban - Developed land; sealed surface", "V.Low", -0.5),
            Row("Urban - Unvegetated garden", "V.Low", 0.2),
            Row(CEREAL, "Low", 1),
        )
    )
    assert metric.demand == []
    # The lowest band goes first: 0.2 of V.Low, then 0.5 - 0.2 = 0.3 of Cereal crops.
    assert [(o.surplus_habitat, o.units) for o in metric.offsets] == [
        ("Urban - Unvegetated garden", pytest.approx(0.2)),
        (CEREAL, pytest.approx(0.3)),
    ]
