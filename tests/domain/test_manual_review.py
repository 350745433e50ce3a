"""Rows the optimiser cannot meet: blocked with a reason, the rest still quoted."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    MODIFIED_GRASSLAND,
    NEUTRAL_GRASSLAND,
    make_reference,
    make_request,
    price_rows,
)
from bng_optimiser.domain.exceptions import InvalidInputError, UnknownNameError
from bng_optimiser.domain.reference import StockLine, Tier
from bng_optimiser.domain.request import QuoteRequest

from .factories import far_bank, local_bank


def grassland_reference(units_available=10.0):
    stock = [StockLine("L-1", "L", NEUTRAL_GRASSLAND, units_available)]
    prices = price_rows("L", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000)
    return make_reference([local_bank("L")], stock, prices)


def test_priority_watercourse_blocked_others_quoted():
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), ("Priority habitat", 0.2)])
    result = quote(request, grassland_reference())
    assert result.status == "manual_review"
    assert [(b.row_id, b.code) for b in result.blocked] == [("R2", "bespoke_compensation")]
    assert [line.row_id for line in result.lines] == ["R1"]
    # 1.0 x 20,000 = 20,000.
    assert result.subtotal == pytest.approx(20_000)


def test_no_legal_habitat_stocked():
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), ("Grassland - Lowland meadows", 0.5)])
    result = quote(request, grassland_reference())
    assert result.status == "manual_review"
    assert [(b.row_id, b.code) for b in result.blocked] == [("R2", "no_legal_habitat")]
    assert "Grassland - Lowland meadows" in result.blocked[0].reason


def test_no_price_at_bank_tier():
    stock = [StockLine("F-1", "F", NEUTRAL_GRASSLAND, 10.0)]
    # Priced at local only, but the bank is far from the site.
    prices = price_rows("F", NEUTRAL_GRASSLAND, Tier.LOCAL, 20_000)
    reference = make_reference([far_bank("F")], stock, prices)
    result = quote(make_request([(NEUTRAL_GRASSLAND, 1.0)]), reference)
    assert [b.code for b in result.blocked] == ["no_price"]
    assert result.lines == []
    assert result.total == 0


def test_stock_too_small_alone():
    result = quote(make_request([(NEUTRAL_GRASSLAND, 5.0)]), grassland_reference(1.0))
    assert [b.code for b in result.blocked] == ["stock_too_small"]


def test_stock_too_small_together():
    # Each row fits the 1.0 units alone; together (0.6 + 0.6 = 1.2) they do not.
    request = make_request([(NEUTRAL_GRASSLAND, 0.6), (MODIFIED_GRASSLAND, 0.6)])
    result = quote(request, grassland_reference(1.0))
    assert result.status == "manual_review"
    assert len(result.lines) == 1
    assert [b.code for b in result.blocked] == ["stock_too_small"]


def test_felled_woodland_manual_line():
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), ("Woodland and forest - Felled", 0.3)])
    result = quote(request, grassland_reference())
    assert result.status == "quoted"
    assert [(m.row_id, m.units) for m in result.manual_lines] == [("R2", 0.3)]
    assert [line.row_id for line in result.lines] == ["R1"]
    # Only the optimised line is priced: 1.0 x 20,000 + 500.
    assert result.total == pytest.approx(20_500)


def test_v_high_area_warning():
    meadows = "Grassland - Lowland meadows"
    stock = [StockLine("L-1", "L", meadows, 10.0)]
    reference = make_reference(
        [local_bank("L")], stock, price_rows("L", meadows, Tier.LOCAL, 60_000)
    )
    result = quote(make_request([(meadows, 0.5)]), reference)
    assert result.status == "quoted"
    assert any("bespoke compensation" in w for w in result.warnings)


def test_unknown_habitat_raises():
    with pytest.raises(UnknownNameError) as caught:
        quote(make_request([("Grassland - Other neutral grasland", 1.0)]), grassland_reference())
    assert "Grassland - Other neutral grassland" in str(caught.value)


def test_unknown_lpa_raises():
    request = QuoteRequest(
        lpa_code="Cheshire West", nca_number=61, demand=[{"habitat": NEUTRAL_GRASSLAND, "units": 1}]
    )
    with pytest.raises(UnknownNameError) as caught:
        quote(request, grassland_reference())
    assert "Cheshire West and Chester" in str(caught.value)


def test_unknown_waterbody_raises():
    request = QuoteRequest(
        lpa_code="E60000016",
        nca_number=61,
        waterbody_id="GB000",
        demand=[{"habitat": "Ditches", "units": 0.1}],
    )
    with pytest.raises(InvalidInputError):
        quote(request, grassland_reference())
