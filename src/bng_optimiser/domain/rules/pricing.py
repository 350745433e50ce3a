"""Contract size, promoter discounts, admin fee and the SUO discount fraction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import RulesConfig
from ..reference import CONTRACT_SIZES, ContractSize
from ..request import PromoterDiscount


@dataclass(frozen=True, slots=True)
class PricedSize:
    """The contract size whose prices are used, and a warning when it differs by fallback."""

    size: ContractSize
    warning: str | None = None


def contract_size(total_units: float, config: RulesConfig) -> ContractSize:
    """Return the contract size for total demand `total_units` (manual lines excluded)."""
    if total_units < config.small_from_units:
        return ContractSize.FRACTIONAL
    if total_units < config.medium_from_units:
        return ContractSize.SMALL
    if total_units < config.large_from_units:
        return ContractSize.MEDIUM
    return ContractSize.LARGE


def next_larger(size: ContractSize) -> ContractSize:
    """Return the next larger contract size; large stays large."""
    index = CONTRACT_SIZES.index(size)
    return CONTRACT_SIZES[min(index + 1, len(CONTRACT_SIZES) - 1)]


def priced_size(
    size: ContractSize, discount: PromoterDiscount, sizes_in_price_list: Iterable[ContractSize]
) -> PricedSize:
    """Return the contract size to price from.

    `tier_up` moves one size up. If the price list has no prices at that size, the nearest
    larger size present is used. If no larger size is present either, the nearest smaller
    size is used.
    """
    requested = next_larger(size) if discount.type == "tier_up" else size
    present = set(sizes_in_price_list)
    if requested in present or not present:
        return PricedSize(requested)
    index = CONTRACT_SIZES.index(requested)
    larger = [s for s in CONTRACT_SIZES[index + 1 :] if s in present]
    smaller = [s for s in reversed(CONTRACT_SIZES[:index]) if s in present]
    used = larger[0] if larger else smaller[0]
    warning = (
        f"the price list has no {requested.value} contract prices, "
        f"so {used.value} contract prices are used"
    )
    return PricedSize(used, warning)


def percentage_factor(discount: PromoterDiscount) -> float:
    """Return the factor applied to every unit price: 1 - p/100 for `percentage`, else 1."""
    if discount.type == "percentage":
        return 1.0 - discount.value / 100.0
    return 1.0


def admin_fee(size: ContractSize, config: RulesConfig) -> float:
    """Return the planning discharge pack fee in GBP for the real contract size."""
    if size is ContractSize.FRACTIONAL:
        return config.admin_fee_fractional_gbp
    return config.admin_fee_other_gbp


def suo_fraction(eligible_units: float, units_supplied: float, config: RulesConfig) -> float:
    """Return the SUO discount fraction f = min(0.5 x eligible / units supplied, 0.60).

    `eligible_units` is the on-site area surplus of band Medium or higher left after
    on-site offsetting; `units_supplied` the units of demand met by allocation lines.
    """
    if eligible_units <= 0 or units_supplied <= 0:
        return 0.0
    return min(config.suo_rate * eligible_units / units_supplied, config.suo_cap)
