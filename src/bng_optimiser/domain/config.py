"""Configurable figures of the allocation rules, with the statutory and commercial defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RulesConfig:
    """Every tunable figure of the quote engine; the defaults are the product rules.

    Units are in the names: `_units` are biodiversity units, `_gbp` pounds sterling.
    """

    # Statutory spatial risk multipliers. Stock drawn per unit of demand is 1 / SRM, so
    # local draws 1, adjacent 1 / 0.75 = 4/3 and far 1 / 0.5 = 2.
    srm_local: float = 1.0
    srm_adjacent: float = 0.75
    srm_far: float = 0.5

    # Share w of a paired option's unit price that comes from the main supply. The companion
    # supplies the rest (1 - w) and draws 1 / SRM - 1 per unit, so 1/3 adjacent and 1 far.
    pair_weight_adjacent: float = 0.75
    pair_weight_far: float = 0.5

    # Contract size by total demand T: fractional below 0.1, small below 2.5, medium below 15.
    small_from_units: float = 0.1
    medium_from_units: float = 2.5
    large_from_units: float = 15.0

    # Planning discharge pack fee, never discounted.
    admin_fee_fractional_gbp: float = 300.0
    admin_fee_other_gbp: float = 500.0

    # Bank limit: at most 2 banks while total demand is 5 units or less, 5 above that.
    bank_limit_threshold_units: float = 5.0
    bank_limit_small: int = 2
    bank_limit_large: int = 5

    # Allocations within min(10 GBP, 0.01 % of the minimum cost) count as equally cheap
    # when the optimiser then looks for fewer banks.
    cost_tolerance_gbp: float = 10.0
    cost_tolerance_fraction: float = 0.0001

    # SUO discount fraction f = min(rate x eligible surplus / units supplied, cap).
    suo_rate: float = 0.5
    suo_cap: float = 0.60

    # Smallest total delivery; below it the cheapest line is raised to make it up.
    minimum_delivery_units: float = 0.01

    # Wall-clock limit shared by every HiGHS solve of one quote: trials, diagnosis and goals.
    solver_time_limit_seconds: float = 60.0

    def bank_limit(self, total_units: float) -> int:
        """Return the maximum number of banks for a quote of `total_units` of demand."""
        if total_units <= self.bank_limit_threshold_units:
            return self.bank_limit_small
        return self.bank_limit_large

    def cost_tolerance(self, minimum_cost_gbp: float) -> float:
        """Return the GBP margin within which two allocations count as equally cheap."""
        return min(self.cost_tolerance_gbp, self.cost_tolerance_fraction * abs(minimum_cost_gbp))
