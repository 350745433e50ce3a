"""Watercourse quotes: catchment tiers, the far fallback warning and same-type rules."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import make_reference, price_rows
from bng_optimiser.domain.reference import Bank, StockLine, Tier
from bng_optimiser.domain.request import QuoteRequest

TILL_A = "GB102021073050"
TILL_B = "GB102021072860"


def ditch_reference(bank_wbid):
    bank = Bank("W", "Ditch Bank", "E60000016", 61, bank_wbid)
    stock = [StockLine("W-1", "W", "Ditches", 1.0), StockLine("W-2", "W", "Canals", 1.0)]
    prices = {}
    for tier, price in [(Tier.LOCAL, 80_000), (Tier.ADJACENT, 100_000), (Tier.FAR, 120_000)]:
        prices |= price_rows("W", "Ditches", tier, price)
        prices |= price_rows("W", "Canals", tier, 1_000)
    return make_reference([bank], stock, prices)


def ditch_request(site_wbid, units=0.1, habitat="Ditches"):
    return QuoteRequest(
        lpa_code="E60000016",
        nca_number=61,
        waterbody_id=site_wbid,
        demand=[{"habitat": habitat, "units": units}],
    )


@pytest.mark.parametrize(
    ("site_wbid", "bank_wbid", "tier", "unit_price", "drawn"),
    [
        # Same waterbody: local, 0.1 x 1 drawn; same operational catchment: adjacent,
        # 0.1 x 4/3 drawn; a bank without a WBID: far, 0.1 x 2 drawn.
        (TILL_A, TILL_A, Tier.LOCAL, 80_000, 0.1),
        (TILL_A, TILL_B, Tier.ADJACENT, 100_000, 0.1 * 4 / 3),
        (TILL_A, None, Tier.FAR, 120_000, 0.2),
    ],
)
def test_ditch_tier_by_catchment(site_wbid, bank_wbid, tier, unit_price, drawn):
    result = quote(ditch_request(site_wbid), ditch_reference(bank_wbid))
    line = result.lines[0]
    assert line.tier is tier
    assert line.unit_price == unit_price
    # Canals are cheaper but never substitute for ditches.
    assert line.supply == ["Ditches"]
    assert line.stock_drawn == {"W-1": pytest.approx(drawn)}


def test_missing_bank_waterbody_warns():
    result = quote(ditch_request(TILL_A), ditch_reference(None))
    assert any("bank W has no known waterbody id" in w for w in result.warnings)


def test_missing_site_waterbody_warns():
    result = quote(ditch_request(None), ditch_reference(TILL_A))
    assert result.lines[0].tier is Tier.FAR
    assert any("site has no waterbody id" in w for w in result.warnings)


def test_canal_demand_never_takes_ditches():
    reference = ditch_reference(TILL_A)
    result = quote(ditch_request(TILL_A, habitat="Canals"), reference)
    # 0.1 x 1,000 = 100 from the canal stock line.
    assert result.lines[0].supply == ["Canals"]
    assert result.subtotal == pytest.approx(100)
