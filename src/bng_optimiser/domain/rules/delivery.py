"""Minimum delivery: a quote supplies at least 0.01 units, raising its cheapest line if needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import RulesConfig


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    """The fields of an allocation line that the minimum-delivery rule reads."""

    units: float
    unit_price: float
    stock_per_unit: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class DeliveryRaise:
    """Units of demand to add to the line at `index`. `fits_stock` is False when no line has
    the stock left to take the raise; `index` then names the cheapest line, for the message."""

    index: int
    extra_units: float
    fits_stock: bool


def minimum_delivery_raise(
    lines: Sequence[DeliveryLine],
    stock_left: Mapping[str, float],
    config: RulesConfig,
) -> DeliveryRaise | None:
    """Return the raise that lifts total units supplied to the minimum delivery, or None.

    The cheapest line by unit price (then by position) is raised, skipping lines whose
    stock lines have too little left (`stock_left`, units) to take the extra draw.
    """
    total = sum(line.units for line in lines)
    if not lines or total >= config.minimum_delivery_units:
        return None
    extra = config.minimum_delivery_units - total
    by_price = sorted(range(len(lines)), key=lambda i: (lines[i].unit_price, i))
    for index in by_price:
        draws = lines[index].stock_per_unit
        # A tiny allowance absorbs float error in stock_left, never a real shortfall.
        if all(
            extra * per_unit <= stock_left.get(stock_id, 0.0) + 1e-12
            for stock_id, per_unit in draws.items()
        ):
            return DeliveryRaise(index, extra, fits_stock=True)
    return DeliveryRaise(by_price[0], extra, fits_stock=False)
