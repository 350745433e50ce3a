"""Tier and SRM: LPA/NCA axes for area and hedgerow, catchments for watercourses."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.catalogue import Ledger
from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.reference import Bank, Tier
from bng_optimiser.domain.rules.tiers import (
    Site,
    area_tier,
    bank_tier,
    srm,
    stock_per_unit,
    watercourse_tier,
)

# Cheshire West and Chester (E60000016) in NCA 61; E60000015 Cheshire East neighbours it,
# NCA 62 Cheshire Sandstone Ridge neighbours NCA 61; Cornwall and NCA 152 neighbour neither.
SITE = Site("E60000016", 61)
# Two waterbodies of the River Till operational catchment and one of the Browney.
TILL_A = "GB102021073050"
TILL_B = "GB102021072860"
BROWNEY = "GB103024077552"


@pytest.mark.parametrize(
    ("lpa_code", "nca_number", "expected"),
    [
        ("E60000016", 152, Tier.LOCAL),  # same LPA, far NCA
        ("E60000291", 61, Tier.LOCAL),  # far LPA, same NCA
        ("E60000015", 152, Tier.ADJACENT),  # neighbouring LPA
        ("E60000291", 62, Tier.ADJACENT),  # neighbouring NCA
        ("E60000015", 61, Tier.LOCAL),  # the closer axis wins
        ("E60000291", 152, Tier.FAR),
    ],
)
def test_area_tier_by_lpa_and_nca(geography, lpa_code, nca_number, expected):
    bank = Bank("B", "Bank", lpa_code, nca_number)
    assert area_tier(bank, SITE, geography) is expected


def test_hedgerow_tier_uses_area_rule(geography):
    bank = Bank("B", "Bank", "E60000015", 152)
    assert bank_tier(bank, Ledger.HEDGEROW, SITE, geography).tier is Tier.ADJACENT


@pytest.mark.parametrize(
    ("site_wbid", "bank_wbid", "expected", "missing"),
    [
        (TILL_A, TILL_A, Tier.LOCAL, False),
        (TILL_A, TILL_B, Tier.ADJACENT, False),
        (TILL_A, BROWNEY, Tier.FAR, False),
        (None, TILL_A, Tier.FAR, True),
        (TILL_A, None, Tier.FAR, True),
        (TILL_A, "GB000000000000", Tier.FAR, True),
    ],
)
def test_watercourse_tier_by_catchment(geography, site_wbid, bank_wbid, expected, missing):
    site = Site("E60000016", 61, site_wbid)
    # The bank's LPA and NCA are the site's: watercourse tiers ignore them.
    bank = Bank("B", "Bank", "E60000016", 61, bank_wbid)
    result = watercourse_tier(bank, site, geography)
    assert result.tier is expected
    assert result.missing_waterbody is missing


def test_srm_and_stock_drawn_per_tier():
    config = RulesConfig()
    assert srm(Tier.LOCAL, config) == 1.0
    assert srm(Tier.ADJACENT, config) == 0.75
    assert srm(Tier.FAR, config) == 0.5
    assert stock_per_unit(Tier.LOCAL, config) == 1.0
    assert stock_per_unit(Tier.ADJACENT, config) == pytest.approx(4 / 3)
    assert stock_per_unit(Tier.FAR, config) == 2.0
