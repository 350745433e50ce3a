"""Contract size, price list fallback and admin fee."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    NEUTRAL_GRASSLAND,
    make_reference,
    make_request,
    price_rows,
)
from bng_optimiser.domain.reference import ContractSize, StockLine, Tier
from bng_optimiser.domain.request import PromoterDiscount
from bng_optimiser.domain.rules.pricing import admin_fee, contract_size, priced_size

from .factories import local_bank


@pytest.mark.parametrize(
    ("total_units", "expected"),
    [
        (0.0999, ContractSize.FRACTIONAL),
        (0.1, ContractSize.SMALL),
        (2.4999, ContractSize.SMALL),
        (2.5, ContractSize.MEDIUM),
        (14.999, ContractSize.MEDIUM),
        (15, ContractSize.LARGE),
    ],
)
def test_contract_size_thresholds(total_units, expected):
    assert contract_size(total_units, RulesConfig()) is expected


def test_admin_fee_by_size():
    config = RulesConfig()
    assert admin_fee(ContractSize.FRACTIONAL, config) == 300
    assert admin_fee(ContractSize.SMALL, config) == 500
    assert admin_fee(ContractSize.LARGE, config) == 500


def test_priced_size_falls_back_to_larger():
    present = [ContractSize.SMALL, ContractSize.LARGE]
    result = priced_size(ContractSize.MEDIUM, PromoterDiscount(), present)
    assert result.size is ContractSize.LARGE
    assert result.warning is not None
    assert "medium" in result.warning
    assert "large" in result.warning


def test_priced_size_exact_has_no_warning():
    result = priced_size(ContractSize.SMALL, PromoterDiscount(), list(ContractSize))
    assert result.size is ContractSize.SMALL
    assert result.warning is None


def sized_reference():
    """One local bank pricing neutral grassland at 30,000 / 25,000 / 22,000 / 20,000."""
    stock = [StockLine("L-1", "L", NEUTRAL_GRASSLAND, 100.0)]
    sizes = {
        ContractSize.FRACTIONAL: 30_000,
        ContractSize.SMALL: 25_000,
        ContractSize.MEDIUM: 22_000,
        ContractSize.LARGE: 20_000,
    }
    prices = {}
    for size, price in sizes.items():
        prices |= price_rows("L", NEUTRAL_GRASSLAND, Tier.LOCAL, price, [size])
    return make_reference([local_bank("L")], stock, prices)


@pytest.mark.parametrize(
    ("units", "size", "unit_price", "fee"),
    [
        (0.0999, ContractSize.FRACTIONAL, 30_000, 300),
        (0.1, ContractSize.SMALL, 25_000, 500),
        (2.5, ContractSize.MEDIUM, 22_000, 500),
        (15, ContractSize.LARGE, 20_000, 500),
    ],
)
def test_quote_priced_at_contract_size(units, size, unit_price, fee):
    result = quote(make_request([(NEUTRAL_GRASSLAND, units)]), sized_reference())
    assert result.contract_size is size
    assert result.priced_contract_size is size
    assert result.lines[0].unit_price == unit_price
    assert result.admin_fee == fee
    assert result.total == pytest.approx(units * unit_price + fee)


def test_quote_fallback_size_warns():
    reference = sized_reference()
    for key in [k for k in reference.prices if k[2] is ContractSize.MEDIUM]:
        del reference.prices[key]
    result = quote(make_request([(NEUTRAL_GRASSLAND, 3.0)]), reference)
    assert result.contract_size is ContractSize.MEDIUM
    assert result.priced_contract_size is ContractSize.LARGE
    # 3.0 x 20,000 = 60,000 at the large price; the admin fee follows the real size.
    assert result.subtotal == pytest.approx(60_000)
    assert any("no medium contract prices" in w for w in result.warnings)


def test_contract_size_override():
    request = make_request([(NEUTRAL_GRASSLAND, 0.5)], contract_size=ContractSize.LARGE)
    result = quote(request, sized_reference())
    assert result.contract_size is ContractSize.LARGE
    # 0.5 x 20,000 = 10,000.
    assert result.subtotal == pytest.approx(10_000)


def test_manual_lines_excluded_from_contract_size():
    request = make_request([(NEUTRAL_GRASSLAND, 0.05), ("Woodland and forest - Felled", 5.0)])
    result = quote(request, sized_reference())
    assert result.total_units == pytest.approx(0.05)
    assert result.contract_size is ContractSize.FRACTIONAL


def test_config_overrides_defaults():
    config = RulesConfig(admin_fee_other_gbp=450, medium_from_units=5.0)
    result = quote(make_request([(NEUTRAL_GRASSLAND, 3.0)]), sized_reference(), config=config)
    # 3.0 units is below the raised medium threshold of 5.0, so small: 3.0 x 25,000 = 75,000.
    assert result.contract_size is ContractSize.SMALL
    assert result.subtotal == pytest.approx(75_000)
    assert result.admin_fee == 450
