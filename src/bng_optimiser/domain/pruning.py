"""Safe pruning of options: leave out options that no optimal allocation can use.

Pruning only shrinks the model. The optimum of every goal stays the same, because each
removed option is dominated by a kept option of the same row and bank.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import Option, OptionSet, _RowAtBank


def slack_lines(at_bank: Iterable[list[_RowAtBank]], available: dict[str, float]) -> set[str]:
    """Return stock lines that cannot run out, whatever options the rows choose.

    `at_bank` holds, per row, the row's view of each bank. A line is slack when the sum over
    rows of the most that any one of the row's options draws from it fits the available
    units. This bound needs no options, so option building can prune with it.
    """
    peak: dict[str, float] = {}
    for row_views in at_bank:
        for view in row_views:
            for stock_id, draw in view.peak_draws().items():
                peak[stock_id] = peak.get(stock_id, 0.0) + draw
    return {stock_id for stock_id, draw in peak.items() if draw <= available.get(stock_id, 0.0)} | {
        stock_id for stock_id in available if stock_id not in peak
    }


def prune_dominated(option_set: OptionSet, cost_tolerance_gbp: float) -> int:
    """Remove options that no optimal allocation uses; return how many were removed.

    Option B is dominated by option A of the same row and bank, which share the tier and
    bank stock, when every stock line that A draws on is slack and one of two cases holds.
    A line is slack if it would not run out even with every row taking its largest draw
    from it, so swapping B for A keeps any allocation feasible. The two cases:

    - A costs more than `cost_tolerance_gbp` less than B. The swap would then undercut the
      minimum cost by more than the tolerance, so no allocation with B lies within it.
    - A costs no more than B and comes earlier in the stable order: the swap is at least as
      good on every goal and strictly better on the last one.
    """
    units = {row.row_id: row.units for row in option_set.rows}
    peak_draw: dict[str, float] = {}
    for row_id, options in option_set.options.items():
        row_peak: dict[str, float] = {}
        for option in options:
            for part in option.parts:
                draw = units[row_id] * part.stock_per_unit
                row_peak[part.stock_id] = max(row_peak.get(part.stock_id, 0.0), draw)
        for stock_id, draw in row_peak.items():
            peak_draw[stock_id] = peak_draw.get(stock_id, 0.0) + draw
    slack = {
        stock_id
        for stock_id, draw in peak_draw.items()
        if draw <= option_set.available.get(stock_id, 0.0)
    }

    removed = 0
    for row_id, options in option_set.options.items():
        by_bank: dict[str, list[Option]] = {}
        for option in options:
            by_bank.setdefault(option.bank_id, []).append(option)
        kept: list[Option] = []
        for bank_options in by_bank.values():
            # Cheapest cost and earliest rank among the slack options seen so far.
            slack_cost: float | None = None
            slack_rank: int | None = None
            for option in sorted(bank_options, key=lambda o: (o.unit_price, o.order_rank)):
                cost = units[row_id] * option.unit_price
                if slack_cost is not None and slack_rank is not None:
                    if slack_cost + cost_tolerance_gbp < cost or slack_rank < option.order_rank:
                        removed += 1
                        continue
                kept.append(option)
                if all(part.stock_id in slack for part in option.parts):
                    if slack_cost is None:
                        slack_cost = cost
                    slack_rank = (
                        option.order_rank
                        if slack_rank is None
                        else min(slack_rank, option.order_rank)
                    )
        kept.sort(key=lambda option: option.order_rank)
        option_set.options[row_id] = kept
    return removed
