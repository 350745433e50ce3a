"""Bank limit: at most 2 banks up to 5 units of total demand, 5 above that."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import make_reference, make_request, price_rows
from bng_optimiser.domain.reference import StockLine, Tier

from .factories import local_bank

# Three habitats, each stocked at one bank only, so meeting all three needs three banks.
HABITATS = [
    "Grassland - Other neutral grassland",
    "Heathland and shrub - Mixed scrub",
    "Cropland - Arable field margins tussocky",
]


def three_bank_reference():
    stock = [StockLine(f"B{i}-1", f"B{i}", habitat, 100.0) for i, habitat in enumerate(HABITATS)]
    prices = {}
    for i, habitat in enumerate(HABITATS):
        prices |= price_rows(f"B{i}", habitat, Tier.LOCAL, 20_000)
    return make_reference([local_bank(f"B{i}") for i in range(3)], stock, prices)


def test_bank_limit_threshold():
    config = RulesConfig()
    assert config.bank_limit(5.0) == 2
    assert config.bank_limit(5.01) == 5


def test_two_banks_at_five_units():
    # 2.0 + 2.0 + 1.0 = 5.0 units: at most 2 banks, so one row is blocked.
    request = make_request(list(zip(HABITATS, [2.0, 2.0, 1.0], strict=True)))
    result = quote(request, three_bank_reference())
    assert result.bank_limit == 2
    assert result.status == "manual_review"
    assert len(result.lines) == 2
    assert len(result.banks_used) == 2
    assert [b.code for b in result.blocked] == ["bank_limit"]


def test_five_banks_above_five_units():
    # 2.0 + 2.0 + 1.01 = 5.01 units: up to 5 banks, so all three rows are met.
    request = make_request(list(zip(HABITATS, [2.0, 2.0, 1.01], strict=True)))
    result = quote(request, three_bank_reference())
    assert result.bank_limit == 5
    assert result.status == "quoted"
    assert result.banks_used == ["B0", "B1", "B2"]
    # 5.01 x 20,000 = 100,200.
    assert result.subtotal == pytest.approx(100_200)
