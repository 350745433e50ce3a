"""Stock-hold policy: how much of the units held by open quotes stays available."""

from __future__ import annotations

from typing import Literal

from ..exceptions import InvalidInputError
from ..reference import StockLine

HoldPolicy = Literal["ignore", "hold_all", "hold_half"]

# Share of held units subtracted from a stock line's available units.
HELD_SHARE: dict[str, float] = {"ignore": 0.0, "hold_all": 1.0, "hold_half": 0.5}


def available_units(line: StockLine, policy: HoldPolicy) -> float:
    """Return the stock units of `line` that a quote may draw under `policy`, never below 0."""
    try:
        share = HELD_SHARE[policy]
    except KeyError:
        raise InvalidInputError(
            f"stock-hold policy {policy!r} is not one of {', '.join(HELD_SHARE)}"
        ) from None
    return max(line.units_available - line.units_held * share, 0.0)
