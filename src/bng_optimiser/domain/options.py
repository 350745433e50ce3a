"""Options: the ways one bank can meet one demand row, single or paired, with prices.

Building options is separate from solving (see `milp.py`) so each step can be timed alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from .catalogue import Habitat, Ledger
from .config import RulesConfig
from .reference import ContractSize, ReferenceData, Tier
from .rules.holds import HoldPolicy, available_units
from .rules.tiers import Site, TierResult, bank_tier, srm, stock_per_unit
from .rules.trading import can_supply, is_companion


@dataclass(frozen=True, slots=True)
class DemandRow:
    """One demand row that the optimiser must meet: a catalogue habitat and its units."""

    row_id: str
    habitat: Habitat
    units: float


@dataclass(frozen=True, slots=True)
class OptionPart:
    """One stock line of an option, with its share of the unit price."""

    role: Literal["main", "companion"]
    stock_id: str
    habitat: str
    weight: float
    unit_price: float
    stock_per_unit: float


@dataclass(frozen=True, slots=True)
class Option:
    """One bank meeting one demand row; prices in GBP per unit of demand met."""

    row_id: str
    bank_id: str
    tier: Tier
    srm: float
    unit_price: float
    list_unit_price: float
    parts: tuple[OptionPart, ...]
    # Position within the row's options in the stable order of `order_key`, 0 first.
    order_rank: int = 0

    @property
    def paired(self) -> bool:
        return len(self.parts) > 1

    @property
    def stock_per_unit(self) -> dict[str, float]:
        """Stock units drawn from each stock line per unit of demand met."""
        return {part.stock_id: part.stock_per_unit for part in self.parts}

    @property
    def order_key(self) -> tuple[str, tuple[str, ...]]:
        """Stable order by bank id, then stock line ids, for the final tie-break."""
        return (self.bank_id, tuple(part.stock_id for part in self.parts))


@dataclass(frozen=True, slots=True)
class EmptyRow:
    """The block code and message for a demand row that has no option at all."""

    code: Literal["no_legal_habitat", "no_price"]
    reason: str


@dataclass
class OptionSet:
    """Every option of every demand row, plus the stock and bank facts the solver needs."""

    rows: list[DemandRow]
    options: dict[str, list[Option]]
    available: dict[str, float]
    bank_stock: dict[str, float]
    bank_limit: int
    empty: dict[str, EmptyRow] = field(default_factory=dict)
    # Banks whose watercourse tier fell back to far for want of a waterbody id.
    missing_waterbody_banks: set[str] = field(default_factory=set)

    @property
    def option_count(self) -> int:
        return sum(len(found) for found in self.options.values())


def build_options(
    rows: list[DemandRow],
    reference: ReferenceData,
    site: Site,
    size: ContractSize,
    *,
    price_factor: float = 1.0,
    hold_policy: HoldPolicy = "ignore",
    bank_limit: int,
    config: RulesConfig,
    prune: bool = True,
) -> OptionSet:
    """Build the single and paired options of every row.

    `size` is the contract size whose prices are used; `price_factor` scales every unit
    price (a percentage promoter discount) before the optimiser compares them. A missing
    price means no option: prices are never guessed from another habitat or tier.
    With `prune`, options that no optimal allocation uses are dropped (`prune_dominated`).
    """
    catalogue = reference.catalogue
    available = {
        stock_id: available_units(line, hold_policy) for stock_id, line in reference.stock.items()
    }
    bank_stock = {
        bank_id: sum(available[line.stock_id] for line in lines)
        for bank_id, lines in reference.stock_by_bank.items()
    }
    option_set = OptionSet(rows, {}, available, bank_stock, bank_limit)
    tiers: dict[tuple[str, Ledger], TierResult] = {}

    for row in rows:
        found: list[Option] = []
        legal_stock_seen = False
        for bank_id in sorted(reference.banks):
            lines = reference.stock_by_bank.get(bank_id, [])
            key = (bank_id, row.habitat.ledger)
            if key not in tiers:
                tiers[key] = bank_tier(
                    reference.banks[bank_id], row.habitat.ledger, site, reference.geography
                )
            tier_result = tiers[key]
            tier = tier_result.tier

            for line in lines:
                supply = catalogue.habitats.get(line.habitat)
                if supply is None or not can_supply(row.habitat, supply):
                    continue
                legal_stock_seen = True
                if tier_result.missing_waterbody:
                    option_set.missing_waterbody_banks.add(bank_id)
                main_price = reference.price(bank_id, line.habitat, size, tier)
                if main_price is None:
                    continue
                found.append(
                    _single(
                        row,
                        line.stock_id,
                        line.habitat,
                        bank_id,
                        tier,
                        main_price,
                        price_factor,
                        config,
                    )
                )
                if row.habitat.ledger is Ledger.AREA and tier is not Tier.LOCAL:
                    found.extend(
                        _pairs(
                            row,
                            supply,
                            line.stock_id,
                            main_price,
                            bank_id,
                            tier,
                            reference,
                            size,
                            price_factor,
                            config,
                        )
                    )

        found.sort(key=lambda option: option.order_key)
        option_set.options[row.row_id] = [
            replace(option, order_rank=rank) for rank, option in enumerate(found)
        ]
        if not found:
            option_set.empty[row.row_id] = _empty_reason(row, legal_stock_seen, size)
    if prune:
        prune_dominated(option_set, config.cost_tolerance_gbp)
    return option_set


def prune_dominated(option_set: OptionSet, cost_tolerance_gbp: float) -> int:
    """Remove options that no optimal allocation uses; return how many were removed.

    Option B is dominated by option A of the same row and bank, which share the tier and
    bank stock, when every stock line that A draws on is slack and one of two cases holds.
    A line is slack if it would not run out even with every row taking its largest draw
    from it, so swapping B for A keeps any allocation feasible. The two cases:

    - A costs more than `cost_tolerance_gbp` less than B: the swap would undercut the
      minimum cost by more than the tolerance, so no allocation with B is within it; or
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


def _single(
    row: DemandRow,
    stock_id: str,
    habitat: str,
    bank_id: str,
    tier: Tier,
    price: float,
    price_factor: float,
    config: RulesConfig,
) -> Option:
    part = OptionPart(
        "main", stock_id, habitat, 1.0, price * price_factor, stock_per_unit(tier, config)
    )
    return Option(
        row.row_id, bank_id, tier, srm(tier, config), price * price_factor, price, (part,)
    )


def _pairs(
    row: DemandRow,
    main: Habitat,
    main_stock_id: str,
    main_price: float,
    bank_id: str,
    tier: Tier,
    reference: ReferenceData,
    size: ContractSize,
    price_factor: float,
    config: RulesConfig,
) -> list[Option]:
    """Return paired options: main supply one-for-one plus a companion for the uplift."""
    weight = config.pair_weight_adjacent if tier is Tier.ADJACENT else config.pair_weight_far
    # The companion covers the SRM uplift beyond one-for-one: 4/3 - 1 = 1/3 adjacent, 2 - 1 = 1 far.
    companion_draw = stock_per_unit(tier, config) - 1.0
    pairs = []
    for line in reference.stock_by_bank.get(bank_id, []):
        companion = reference.catalogue.habitats.get(line.habitat)
        if companion is None or not is_companion(main, companion):
            continue
        companion_price = reference.price(bank_id, line.habitat, size, tier)
        if companion_price is None:
            continue
        list_price = weight * main_price + (1.0 - weight) * companion_price
        parts = (
            OptionPart("main", main_stock_id, main.label, weight, main_price * price_factor, 1.0),
            OptionPart(
                "companion",
                line.stock_id,
                line.habitat,
                1.0 - weight,
                companion_price * price_factor,
                companion_draw,
            ),
        )
        pairs.append(
            Option(
                row.row_id,
                bank_id,
                tier,
                srm(tier, config),
                list_price * price_factor,
                list_price,
                parts,
            )
        )
    return pairs


def _empty_reason(row: DemandRow, legal_stock_seen: bool, size: ContractSize) -> EmptyRow:
    if not legal_stock_seen:
        return EmptyRow(
            "no_legal_habitat",
            f"no bank stocks a habitat that may legally meet {row.habitat.label!r}",
        )
    return EmptyRow(
        "no_price",
        f"banks stock a legal habitat for {row.habitat.label!r} but none has a "
        f"{size.value} contract price at its tier",
    )
