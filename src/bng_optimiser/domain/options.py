"""Options: the ways one bank can meet one demand row, single or paired, with prices.

Building options is separate from solving (see `milp.py`) so each step can be timed alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .catalogue import Habitat, Ledger
from .config import RulesConfig
from .pruning import prune_dominated, slack_lines
from .reference import ContractSize, ReferenceData, Tier
from .rules.holds import HoldPolicy, available_units
from .rules.tiers import Site, TierResult, bank_tier, srm, stock_per_unit
from .rules.trading import can_be_companion, can_supply


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
    # After a percentage promoter discount; `list_unit_price` is the price before it.
    unit_price: float
    list_unit_price: float
    parts: tuple[OptionPart, ...]
    # Position in the stable order of bank id, then main and companion stock line ids.
    # It does not depend on which other options exist, so pruning never changes it.
    order_rank: int = 0

    @property
    def paired(self) -> bool:
        return len(self.parts) > 1

    @property
    def stock_per_unit(self) -> dict[str, float]:
        """Stock units drawn from each stock line per unit of demand met."""
        return {part.stock_id: part.stock_per_unit for part in self.parts}


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
    """Build the single and paired options of every row; see `OptionBuilder`."""
    builder = OptionBuilder(
        rows,
        reference,
        site,
        size,
        price_factor=price_factor,
        hold_policy=hold_policy,
        bank_limit=bank_limit,
        config=config,
        prune=prune,
    )
    return builder.build()


class OptionBuilder:
    """Builds the single and paired options of every demand row.

    `size` is the contract size whose prices are used; `price_factor` scales every unit
    price (a percentage promoter discount) before the optimiser compares them. A missing
    price means no option: prices are never guessed from another habitat or tier.
    With `prune`, options that no optimal allocation uses are left out (see `pruning.py`).
    """

    def __init__(
        self,
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
    ) -> None:
        self.rows = rows
        self.size = size
        self.bank_limit = bank_limit
        self.config = config
        self.prune = prune
        self.price_factor = price_factor

        self.available = {
            stock_id: available_units(line, hold_policy)
            for stock_id, line in reference.stock.items()
        }
        self.bank_stock = {
            bank_id: sum(self.available[line.stock_id] for line in lines)
            for bank_id, lines in reference.stock_by_bank.items()
        }
        self.menus = _Menus(reference, site, size, config)

        # Every (row, bank) pair with at least one legal stock line, priced or not.
        self.at_bank: dict[str, list[_RowAtBank]] = {}
        for row in rows:
            legal = {
                label
                for label, habitat in reference.catalogue.habitats.items()
                if can_supply(row.habitat, habitat)
            }
            self.at_bank[row.row_id] = []
            for bank_index, bank_id in enumerate(self.menus.bank_ids):
                tier_result = self.menus.tier(bank_id, row.habitat.ledger)
                menu = self.menus.menu(bank_id, tier_result.tier)
                mains = [item for item in menu.items if item.habitat.label in legal]
                if mains:
                    self.at_bank[row.row_id].append(
                        _RowAtBank(row, bank_id, bank_index, tier_result, menu, mains, self)
                    )

        self.slack = slack_lines(self.at_bank.values(), self.available) if prune else set()

    def cheapest_cost(self, row: DemandRow) -> float:
        """Return the GBP cost of the row's cheapest option ignoring stock, inf if none."""
        return min((item.cheapest_cost() for item in self.at_bank[row.row_id]), default=math.inf)

    def build(
        self, cost_caps: dict[str, float] | None = None, only: set[str] | None = None
    ) -> OptionSet:
        """Build the options; `cost_caps` (GBP by row id) leaves out dearer options and
        `only` (row ids) skips every other row."""
        option_set = OptionSet(self.rows, {}, self.available, self.bank_stock, self.bank_limit)
        tolerance = self.config.cost_tolerance_gbp if self.prune else math.inf
        for row in self.rows:
            if only is not None and row.row_id not in only:
                continue
            cap = cost_caps.get(row.row_id, math.inf) if cost_caps else math.inf
            found: list[Option] = []
            for item in self.at_bank[row.row_id]:
                if item.tier_result.missing_waterbody:
                    option_set.missing_waterbody_banks.add(item.bank_id)
                found.extend(item.options(self.slack, tolerance, cap))
            found.sort(key=lambda option: option.order_rank)
            option_set.options[row.row_id] = found
            if not found:
                legal_stock_seen = bool(self.at_bank[row.row_id])
                option_set.empty[row.row_id] = _empty_reason(row, legal_stock_seen, self.size)
        if self.prune:
            prune_dominated(option_set, self.config.cost_tolerance_gbp)
        return option_set


@dataclass(frozen=True, slots=True)
class _MenuItem:
    """A stock line at a bank with its habitat, position in the bank and price (or None)."""

    stock_id: str
    habitat: Habitat
    position: int
    price: float | None


@dataclass(frozen=True, slots=True)
class _Menu:
    """A bank's stock lines priced at one tier, and its companions for pairing, cheapest first."""

    items: list[_MenuItem]
    companions: list[_MenuItem]


class _Menus:
    """Tiers and priced stock of every bank, computed once per quote."""

    def __init__(
        self, reference: ReferenceData, site: Site, size: ContractSize, config: RulesConfig
    ):
        self.reference = reference
        self.site = site
        self.size = size
        self.config = config
        self.bank_ids = sorted(reference.banks)
        # Slots per bank for the stable order rank: one per stock line plus one for "none".
        self.slots = max((len(lines) for lines in reference.stock_by_bank.values()), default=0) + 1
        self._tiers: dict[tuple[str, Ledger], TierResult] = {}
        self._menus: dict[tuple[str, Tier], _Menu] = {}

    def tier(self, bank_id: str, ledger: Ledger) -> TierResult:
        key = (bank_id, ledger)
        if key not in self._tiers:
            bank = self.reference.banks[bank_id]
            self._tiers[key] = bank_tier(bank, ledger, self.site, self.reference.geography)
        return self._tiers[key]

    def menu(self, bank_id: str, tier: Tier) -> _Menu:
        key = (bank_id, tier)
        if key not in self._menus:
            items = []
            for position, line in enumerate(self.reference.stock_by_bank.get(bank_id, [])):
                habitat = self.reference.catalogue.habitats.get(line.habitat)
                if habitat is None:
                    continue
                price = self.reference.price(bank_id, line.habitat, self.size, tier)
                items.append(_MenuItem(line.stock_id, habitat, position, price))
            companions = sorted(
                (i for i in items if i.price is not None and can_be_companion(i.habitat)),
                key=lambda i: (i.price, i.position),
            )
            self._menus[key] = _Menu(items, companions)
        return self._menus[key]


class _RowAtBank:
    """Options of one demand row at one bank that stocks a legal habitat for it."""

    def __init__(
        self,
        row: DemandRow,
        bank_id: str,
        bank_index: int,
        tier_result: TierResult,
        menu: _Menu,
        mains: list[_MenuItem],
        builder: OptionBuilder,
    ) -> None:
        config = builder.config
        tier = tier_result.tier
        slots = builder.menus.slots
        self.row = row
        self.bank_id = bank_id
        self.bank_rank = bank_index * slots * slots
        self.slots = slots
        self.tier_result = tier_result
        self.tier = tier
        self.menu = menu
        self.mains = mains
        self.priced = [main for main in mains if main.price is not None]
        self.price_factor = builder.price_factor
        self.srm = srm(tier, config)
        self.draw = stock_per_unit(tier, config)
        self.pairing = row.habitat.ledger is Ledger.AREA and tier is not Tier.LOCAL
        self.weight = (
            config.pair_weight_adjacent if tier is Tier.ADJACENT else config.pair_weight_far
        )
        # The companion covers the SRM uplift beyond one-for-one: 4/3 - 1 = 1/3 adjacent,
        # 2 - 1 = 1 far.
        self.companion_draw = self.draw - 1.0
        # Cost of the cheapest option on slack lines only; the slack set is fixed per quote.
        self._slack_cheapest: float | None = None

    def peak_draws(self) -> dict[str, float]:
        """Return the most stock units any option here draws from each stock line."""
        peaks: dict[str, float] = {}
        for main in self.priced:
            peaks[main.stock_id] = self.row.units * self.draw
        if self.pairing and self.priced:
            for companion in self.menu.companions:
                draw = self.row.units * self.companion_draw
                peaks[companion.stock_id] = max(peaks.get(companion.stock_id, 0.0), draw)
        return peaks

    def cheapest_cost(self) -> float:
        """Return the GBP cost of the cheapest option here, ignoring stock."""
        return self._cheapest_cost(lambda stock_id: True)

    def options(self, slack: set[str], tolerance: float, cap: float) -> list[Option]:
        """Return the options costing at most `cap` GBP. Options more than `tolerance` GBP
        dearer than the cheapest option on slack lines only are dominated and left out."""
        if self._slack_cheapest is None:
            self._slack_cheapest = self._cheapest_cost(slack.__contains__)
        bound = min(self._slack_cheapest + tolerance, cap)
        found = []
        for main in self.priced:
            assert main.price is not None
            if self._cost(main.price) <= bound:
                found.append(self._single(main))
            if not self.pairing:
                continue
            for companion in self.menu.companions:
                assert companion.price is not None
                if companion.habitat.label == main.habitat.label:
                    continue
                unit_price = self.weight * main.price + (1.0 - self.weight) * companion.price
                if self._cost(unit_price) > bound:
                    break
                found.append(self._pair(main, companion))
        return found

    def _cost(self, list_price: float) -> float:
        return self.row.units * list_price * self.price_factor

    def _cheapest_cost(self, usable: Callable[[str], bool]) -> float:
        """Return the cheapest cost among options whose stock lines are all `usable`."""
        cheapest = math.inf
        for main in self.priced:
            assert main.price is not None
            if not usable(main.stock_id):
                continue
            cheapest = min(cheapest, self._cost(main.price))
            if not self.pairing:
                continue
            for companion in self.menu.companions:
                assert companion.price is not None
                if usable(companion.stock_id) and companion.habitat.label != main.habitat.label:
                    unit_price = self.weight * main.price + (1.0 - self.weight) * companion.price
                    cheapest = min(cheapest, self._cost(unit_price))
                    break
        return cheapest

    def _single(self, main: _MenuItem) -> Option:
        assert main.price is not None
        price = main.price * self.price_factor
        part = OptionPart("main", main.stock_id, main.habitat.label, 1.0, price, self.draw)
        rank = self.bank_rank + main.position * self.slots
        return Option(
            self.row.row_id, self.bank_id, self.tier, self.srm, price, main.price, (part,), rank
        )

    def _pair(self, main: _MenuItem, companion: _MenuItem) -> Option:
        assert main.price is not None and companion.price is not None
        factor = self.price_factor
        list_price = self.weight * main.price + (1.0 - self.weight) * companion.price
        parts = (
            OptionPart(
                "main", main.stock_id, main.habitat.label, self.weight, main.price * factor, 1.0
            ),
            OptionPart(
                "companion",
                companion.stock_id,
                companion.habitat.label,
                1.0 - self.weight,
                companion.price * factor,
                self.companion_draw,
            ),
        )
        rank = self.bank_rank + main.position * self.slots + 1 + companion.position
        return Option(
            self.row.row_id,
            self.bank_id,
            self.tier,
            self.srm,
            list_price * factor,
            list_price,
            parts,
            rank,
        )


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
