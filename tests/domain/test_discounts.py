"""Promoter discounts: tier_up and percentage; the admin fee is never discounted."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import NEUTRAL_GRASSLAND, make_request
from bng_optimiser.domain.reference import ContractSize
from bng_optimiser.domain.request import PromoterDiscount
from bng_optimiser.domain.rules.pricing import next_larger

from .test_pricing import sized_reference


def test_tier_up_prices_from_next_size():
    request = make_request(
        [(NEUTRAL_GRASSLAND, 0.07)], promoter_discount=PromoterDiscount(type="tier_up")
    )
    result = quote(request, sized_reference())
    assert result.contract_size is ContractSize.FRACTIONAL
    assert result.priced_contract_size is ContractSize.SMALL
    # 0.07 x 25,000 (small) = 1,750.00, with the fractional admin fee 300 kept.
    assert result.subtotal == pytest.approx(1_750.00)
    assert result.admin_fee == 300
    assert result.total == pytest.approx(2_050.00)


def test_tier_up_large_stays_large():
    assert next_larger(ContractSize.LARGE) is ContractSize.LARGE
    assert next_larger(ContractSize.MEDIUM) is ContractSize.LARGE


def test_percentage_discount_scales_unit_prices():
    request = make_request(
        [(NEUTRAL_GRASSLAND, 0.07)],
        promoter_discount=PromoterDiscount(type="percentage", value=10),
    )
    result = quote(request, sized_reference())
    # 30,000 x (1 - 10/100) = 27,000; 0.07 x 27,000 = 1,890.00; fee 300 undiscounted.
    assert result.lines[0].unit_price == pytest.approx(27_000)
    assert result.subtotal == pytest.approx(1_890.00)
    assert result.admin_fee == 300
    assert result.total == pytest.approx(2_190.00)
    # 0.07 x (30,000 - 27,000) = 210.00 taken off.
    assert result.promoter_discount == pytest.approx(210.00)


def test_no_discount_changes_nothing():
    request = make_request([(NEUTRAL_GRASSLAND, 0.07)])
    result = quote(request, sized_reference())
    # 0.07 x 30,000 = 2,100.00.
    assert result.subtotal == pytest.approx(2_100.00)
    assert result.promoter_discount == 0
