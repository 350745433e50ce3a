"""The quote engine: a request and a reference data snapshot in, a priced allocation out."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection
from typing import Literal

from .catalogue import Habitat, Ledger
from .config import RulesConfig
from .milp import (
    Allocation,
    SolveBudget,
    SolveStatus,
    build_model,
    max_served_rows,
    minimum_cost,
    solve,
)
from .options import DemandRow, Option, OptionBuilder, OptionSet
from .reference import ContractSize, ReferenceData
from .request import QuoteRequest
from .result import BlockCode, BlockedRow, ManualLine, PairedPart, QuoteLine, QuoteResult
from .rules.delivery import DeliveryLine, minimum_delivery_raise
from .rules.pricing import contract_size, percentage_factor, priced_size
from .rules.tiers import Site
from .rules.trading import DemandHandling, demand_handling, needs_bespoke_warning
from .totals import apply_totals

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int], None]

# Allowance for float error when checking stock drawn against stock available, in units.
STOCK_EPSILON = 1e-9
# Maximum row ids listed in one warning before "and N more".
LISTED_ROW_IDS = 10
HEURISTIC_WARNING = (
    "the optimiser ran out of time; this allocation is feasible but may not be the cheapest"
)
# Description of what each later goal settles, for the warning when it runs out of time.
UNPROVEN_GOAL_TEXT = {
    "banks": "the fewest banks, closest tiers or banks with most stock",
    "tiers": "the closest tiers or banks with most stock",
    "bank_stock": "the banks with most stock",
    "order": "the first bank and stock lines in id order",
}


def quote(
    request: QuoteRequest,
    reference: ReferenceData,
    *,
    progress: ProgressCallback | None = None,
    config: RulesConfig | None = None,
) -> QuoteResult:
    """Quote the cheapest legal allocation of bank units for a development's demand.

    Money is GBP at full precision, units are biodiversity units of demand. `progress` is
    called with ("building options" | "solving" | "totals", percent 0-100).

    Raises InvalidInputError (UnknownNameError) for an unknown habitat, LPA, NCA or
    waterbody. Rows that cannot be met are not errors: the result has status
    `manual_review` and lists them under `blocked`. Every solve of the quote shares
    `config.solver_time_limit_seconds`. When the time runs out, the best allocation found is
    kept, or a greedy one if none was found, with a warning and status `manual_review`.
    """
    config = config or RulesConfig()
    report = progress or (lambda stage, percent: None)
    report("building options", 0)

    site, habitats = _resolve(request, reference)
    warnings: list[str] = []
    rows, manual_lines, blocked = _triage(request, habitats, warnings)

    # Contract size and bank limit count all demand but manual lines. Only manual lines are
    # excluded by rule, so blocked rows count too: the broker prices them in manual review,
    # and the quote warns when they change the size (_blocked_size_warning).
    total_units = sum(row.units for row in rows) + sum(b.units for b in blocked)
    size = request.contract_size or contract_size(total_units, config)
    sizes_present = {key[2] for key in reference.prices}
    pricing = priced_size(size, request.promoter_discount, sizes_present)
    if pricing.warning:
        warnings.append(pricing.warning)
    bank_limit = config.bank_limit(total_units)
    # One budget for every solve of this quote, so the limit holds for the quote as a whole.
    budget = SolveBudget(config.solver_time_limit_seconds)

    builder = OptionBuilder(
        rows,
        reference,
        site,
        pricing.size,
        price_factor=percentage_factor(request.promoter_discount),
        hold_policy=request.stock_hold_policy,
        bank_limit=bank_limit,
        config=config,
    )
    option_set = _build_bounded(builder, config, budget=budget)
    report("building options", 100)

    report("solving", 0)
    allocation, solver_blocked = _allocate(
        option_set,
        config,
        lambda row_ids: _build_bounded(builder, config, row_ids, budget=budget),
        budget,
    )
    blocked.extend(solver_blocked)
    report("solving", 100)

    report("totals", 0)
    lines = [
        _line(option_set, allocation.chosen[row.row_id], row, reference)
        for row in rows
        if row.row_id in allocation.chosen
    ]
    status_ok = _apply_minimum_delivery(lines, allocation, option_set, config, warnings)
    warnings.extend(_waterbody_warnings(site, rows, lines, option_set))
    totals = apply_totals(lines, size, request.suo_surplus_units, config)
    promoter_discount = sum(
        line.units * (_list_price(allocation, line.row_id) - line.unit_price) for line in lines
    )

    row_order = {item.row_id: index for index, item in enumerate(request.demand)}
    blocked.sort(key=lambda b: row_order[b.row_id])
    if request.contract_size is None:
        warnings.extend(_blocked_size_warning(blocked, total_units, size, config))
    # An allocation not proven cheapest goes to a broker, even with every row met.
    status: Literal["quoted", "manual_review"] = (
        "quoted" if not blocked and status_ok and allocation.cost_proven else "manual_review"
    )
    warnings.extend(_solve_warnings(allocation))
    result = QuoteResult(
        status=status,
        contract_size=size,
        priced_contract_size=pricing.size,
        total_units=total_units,
        delivered_units=sum(line.units for line in lines),
        subtotal=totals.subtotal,
        promoter_discount=promoter_discount,
        suo_discount=totals.suo_discount,
        admin_fee=totals.admin_fee,
        total=totals.total,
        banks_used=sorted({line.bank_id for line in lines}),
        bank_limit=bank_limit,
        lines=lines,
        manual_lines=manual_lines,
        blocked=blocked,
        warnings=warnings,
        reference_version=reference.version,
        solver_status=allocation.status.value,
        solve_seconds=budget.spent,
    )
    logger.info(
        "quote finished: status=%s lines=%d blocked=%d manual=%d total=%.2f version=%s",
        status,
        len(lines),
        len(blocked),
        len(manual_lines),
        totals.total,
        reference.version,
    )
    report("totals", 100)
    return result


def _resolve(request: QuoteRequest, reference: ReferenceData) -> tuple[Site, dict[str, Habitat]]:
    """Look up the site and every demand habitat, raising UnknownNameError on a miss."""
    geography = reference.geography
    lpa = geography.lpa(request.lpa_code)
    nca = geography.nca(request.nca_number)
    waterbody = geography.waterbody(request.waterbody_id).wbid if request.waterbody_id else None
    habitats = {item.row_id or "": reference.catalogue.get(item.habitat) for item in request.demand}
    return Site(lpa.code, nca.number, waterbody), habitats


# Trial cost bands above each row's cheapest option, tried in turn to find a feasible
# allocation whose cost bounds every option worth building: 10 %, then 50 %.
TRIAL_BANDS = (0.10, 0.50)


def _build_bounded(
    builder: OptionBuilder,
    config: RulesConfig,
    row_ids: Collection[str] | None = None,
    *,
    budget: SolveBudget | None = None,
) -> OptionSet:
    """Build options, leaving out those too dear to be in any allocation within tolerance.

    A trial solve on each row's near-cheapest options gives a feasible cost U. Any
    allocation within tolerance costs at most U + tolerance. An option of row r can be part
    of one only if its cost plus the cheapest options of the other rows fits under that.
    So every option above the cap U + tolerance - (sum of other rows' cheapest) is left out.
    If no trial is feasible, every option is built. `row_ids` limits building to those rows.
    """
    wanted = [row for row in builder.rows if row_ids is None or row.row_id in row_ids]
    only = None if row_ids is None else set(row_ids)
    # Rows with no priced option at all are blocked anyway and take no part in the bound.
    cheapest = {
        row.row_id: cost for row in wanted if math.isfinite(cost := builder.cheapest_cost(row))
    }
    if not builder.prune or not cheapest:
        return builder.build(only=only)
    priced = list(cheapest)
    floor = sum(cheapest.values())
    tolerance = config.cost_tolerance_gbp
    for band in TRIAL_BANDS:
        trial_caps = {row_id: cost * (1 + band) + tolerance for row_id, cost in cheapest.items()}
        trial = builder.build(trial_caps, only=only)
        upper = minimum_cost(
            trial, priced, bank_limit=builder.bank_limit, config=config, budget=budget
        )
        if upper is None:
            continue
        # A relative allowance keeps float error from cutting an option that exactly fits.
        allowance = 1e-9 * max(1.0, upper)
        caps = {
            row_id: upper + tolerance + allowance - (floor - cost)
            for row_id, cost in cheapest.items()
        }
        return builder.build(caps, only=only)
    # NOTE: when the cheap stock is short, both trials fail and every option is built. A
    # 30-row hold_all quote on the sample banks then has about 19,000 options, and HiGHS can
    # reach its time limit on the later goals (see docs/BENCHMARKS.md, short stock).
    return builder.build(only=only)


def _blocked_size_warning(
    blocked: list[BlockedRow], total_units: float, size: ContractSize, config: RulesConfig
) -> list[str]:
    """Return a warning if the blocked rows' units change the contract size, else nothing."""
    blocked_units = sum(b.units for b in blocked)
    without = contract_size(total_units - blocked_units, config)
    if not blocked or without == size:
        return []
    row_ids = _row_list([b.row_id for b in blocked])
    return [
        f"blocked rows {row_ids} ({blocked_units:g} units) count towards the contract size: "
        f"it is {size.value} with them and would be {without.value} without them"
    ]


def _row_list(row_ids: list[str]) -> str:
    """Return row ids for a warning: the first LISTED_ROW_IDS, then how many more."""
    listed = ", ".join(row_ids[:LISTED_ROW_IDS])
    more = len(row_ids) - LISTED_ROW_IDS
    return f"{listed} and {more} more" if more > 0 else listed


def _solve_warnings(allocation: Allocation) -> list[str]:
    """Return the warnings for an allocation the time limit left unproven, else nothing."""
    if allocation.status is SolveStatus.HEURISTIC:
        return [HEURISTIC_WARNING]
    if allocation.status is not SolveStatus.TIME_LIMIT:
        return []
    if allocation.unproven_goal is not None:
        wanted = UNPROVEN_GOAL_TEXT.get(allocation.unproven_goal, "the later preferences")
        return [
            "the solver time limit was reached after the cheapest allocation was proven; "
            f"it may not use {wanted}"
        ]
    gap = f" (optimality gap {allocation.gap:.2%})" if allocation.gap is not None else ""
    return [
        "the solver time limit was reached: the allocation is the best found in the time "
        f"limit, not proven cheapest{gap}"
    ]


def _triage(
    request: QuoteRequest, habitats: dict[str, Habitat], warnings: list[str]
) -> tuple[list[DemandRow], list[ManualLine], list[BlockedRow]]:
    """Split demand into rows to optimise, manual lines and rows blocked by rule alone."""
    manual_lines: list[ManualLine] = []
    blocked: list[BlockedRow] = []
    rows: list[DemandRow] = []
    for item in request.demand:
        row_id = item.row_id or ""
        habitat = habitats[row_id]
        handling = demand_handling(habitat)
        if handling is DemandHandling.MANUAL_LINE:
            manual_lines.append(
                ManualLine(
                    row_id=row_id,
                    demand_habitat=habitat.label,
                    ledger=habitat.ledger,
                    units=item.units,
                    reason="felled woodland is never optimised; a broker prices this line by hand",
                )
            )
            warnings.append(
                f"row {row_id}: {habitat.label!r} is priced by hand and is not in the total"
            )
            continue
        if handling is DemandHandling.MANUAL_REVIEW:
            blocked.append(
                BlockedRow(
                    row_id=row_id,
                    demand_habitat=habitat.label,
                    units=item.units,
                    code="bespoke_compensation",
                    reason="Priority habitat watercourse units are never allocated automatically; "
                    "bespoke compensation needs manual review",
                )
            )
            continue
        if needs_bespoke_warning(habitat):
            warnings.append(
                f"row {row_id}: {habitat.label!r} is V.High distinctiveness; "
                "bespoke compensation is usually required"
            )
        rows.append(DemandRow(row_id, habitat, item.units))
    return rows, manual_lines, blocked


def _allocate(
    option_set: OptionSet,
    config: RulesConfig,
    rebuild: Callable[[list[str]], OptionSet],
    budget: SolveBudget,
) -> tuple[Allocation, list[BlockedRow]]:
    """Solve for every row that can be met; block the others with a reason.

    `rebuild` returns options for a subset of rows, bounded by that subset's trial cost,
    which is far smaller than the unbounded set built when all rows together are infeasible.
    When no solve finds an allocation in time, a greedy heuristic places what it can.
    """
    rows = {row.row_id: row for row in option_set.rows}
    blocked = [
        _blocked(rows[row_id], empty.code, empty.reason)
        for row_id, empty in option_set.empty.items()
    ]
    candidates = [row.row_id for row in option_set.rows if row.row_id not in option_set.empty]

    model = build_model(option_set, candidates, bank_limit=option_set.bank_limit, config=config)
    allocation = solve(model, option_set, config, budget)
    if allocation.status is SolveStatus.NO_SOLUTION or allocation.status is SolveStatus.ERROR:
        logger.warning(
            "no allocation for %d rows: solver status %s", len(candidates), allocation.status
        )
        return _greedy_fallback(option_set, candidates, blocked)
    if allocation.status is not SolveStatus.INFEASIBLE:
        return allocation, blocked

    # Infeasible together: find the rows that cannot be met and why, then solve the rest.
    logger.info("allocation infeasible with %d rows; finding rows to block", len(candidates))
    fitting = [
        r
        for r in candidates
        if any(_fits_alone(o, rows[r], option_set) for o in option_set.options[r])
    ]
    for row_id in candidates:
        if row_id not in fitting:
            blocked.append(
                _blocked(
                    rows[row_id],
                    "stock_too_small",
                    "no bank has enough stock of a legal habitat for this row on its own",
                )
            )
    # The greedy allocation is legal within the bank limit, so both diagnosis solves start
    # from it and serve at least its rows even when the time limit stops them.
    greedy = greedy_allocation(option_set, fitting)
    without = max_served_rows(
        option_set, fitting, bank_limit=None, config=config, budget=budget, start=greedy.chosen
    )
    within = (
        max_served_rows(
            option_set,
            sorted(without[0], key=fitting.index),
            bank_limit=option_set.bank_limit,
            config=config,
            budget=budget,
            start=greedy.chosen,
        )
        if without is not None
        else None
    )
    if without is None or within is None or (
        not (without[1] and within[1]) and len(greedy.chosen) > len(within[0])
    ):
        logger.warning("could not decide which of %d rows fit in time", len(fitting))
        return _greedy_fallback(option_set, fitting, blocked, greedy)
    (without_limit, without_proven), (with_limit, with_proven) = without, within
    unproven = (
        "the solver could not prove in its time limit whether this row fits with the others; "
        "quote this row by hand"
    )
    for row_id in fitting:
        if row_id not in without_limit:
            blocked.append(
                _blocked(
                    rows[row_id],
                    "stock_too_small",
                    "the stock left after the other rows is too small for this row",
                )
                if without_proven
                else _blocked(rows[row_id], "solver_time_limit", unproven)
            )
        elif row_id not in with_limit:
            blocked.append(
                _blocked(
                    rows[row_id],
                    "bank_limit",
                    f"meeting this row as well would need more than {option_set.bank_limit} banks",
                )
                if with_proven
                else _blocked(rows[row_id], "solver_time_limit", unproven)
            )
    served = [r for r in fitting if r in with_limit]
    served_options = rebuild(served)
    model = build_model(served_options, served, bank_limit=option_set.bank_limit, config=config)
    start = {r: option for r, option in greedy.chosen.items() if r in with_limit}
    allocation = solve(model, served_options, config, budget, start=start)
    if allocation.status is SolveStatus.NO_SOLUTION or allocation.status is SolveStatus.ERROR:
        logger.warning("no allocation for %d served rows in time", len(served))
        return _greedy_fallback(served_options, served, blocked)
    return allocation, blocked


def _greedy_fallback(
    option_set: OptionSet,
    row_ids: list[str],
    blocked: list[BlockedRow],
    allocation: Allocation | None = None,
) -> tuple[Allocation, list[BlockedRow]]:
    """Place `row_ids` greedily; block with `solver_time_limit` the rows it cannot place.

    `allocation` is the greedy allocation of `row_ids` when the caller has already made it.
    """
    allocation = allocation or greedy_allocation(option_set, row_ids)
    rows = {row.row_id: row for row in option_set.rows}
    reason = (
        "the optimiser ran out of time and its fallback found no stock for this row "
        "within the bank limit; quote this row by hand"
    )
    blocked.extend(
        _blocked(rows[r], "solver_time_limit", reason)
        for r in row_ids
        if r not in allocation.chosen
    )
    logger.info(
        "greedy allocation placed %d of %d rows, cost %.2f",
        len(allocation.chosen),
        len(row_ids),
        allocation.cost,
    )
    return allocation, blocked


def greedy_allocation(option_set: OptionSet, row_ids: Collection[str]) -> Allocation:
    """Allocate without a solver: a legal allocation, not necessarily the cheapest.

    Rows go largest first (request order among equal units), since large rows are the
    hardest to fit. Each takes its cheapest option (then the stable order) whose stock is
    still there and whose bank is already used or still within the bank limit. Rows with
    no such option are left out. The same input always gives the same allocation.
    """
    units = {row.row_id: row.units for row in option_set.rows}
    order = sorted((r for r in units if r in set(row_ids)), key=lambda r: -units[r])
    left = dict(option_set.available)
    banks: set[str] = set()
    chosen: dict[str, Option] = {}
    for row_id in order:
        for option in sorted(
            option_set.options.get(row_id, []), key=lambda o: (o.unit_price, o.order_rank)
        ):
            if option.bank_id not in banks and len(banks) >= option_set.bank_limit:
                continue
            draw: dict[str, float] = {}
            for part in option.parts:
                draw[part.stock_id] = draw.get(part.stock_id, 0.0) + units[row_id] * (
                    part.stock_per_unit
                )
            # No epsilon here: a greedy draw never needs the solver's float allowance.
            if all(units_drawn <= left.get(s, 0.0) for s, units_drawn in draw.items()):
                for stock_id, units_drawn in draw.items():
                    left[stock_id] = left.get(stock_id, 0.0) - units_drawn
                banks.add(option.bank_id)
                chosen[row_id] = option
                break
    cost = sum(units[r] * option.unit_price for r, option in chosen.items())
    return Allocation(SolveStatus.HEURISTIC, chosen, sorted(banks), cost)


def _fits_alone(option: Option, row: DemandRow, option_set: OptionSet) -> bool:
    return all(
        row.units * part.stock_per_unit
        <= option_set.available.get(part.stock_id, 0.0) + STOCK_EPSILON
        for part in option.parts
    )


def _blocked(row: DemandRow, code: BlockCode, reason: str) -> BlockedRow:
    return BlockedRow(
        row_id=row.row_id,
        demand_habitat=row.habitat.label,
        units=row.units,
        code=code,
        reason=reason,
    )


def _line(
    option_set: OptionSet, option: Option, row: DemandRow, reference: ReferenceData
) -> QuoteLine:
    bank = reference.banks[option.bank_id]
    parts = []
    if option.paired:
        parts = [
            PairedPart(
                role=part.role,
                stock_id=part.stock_id,
                habitat=part.habitat,
                weight=part.weight,
                unit_price=part.unit_price,
                stock_per_unit=part.stock_per_unit,
            )
            for part in option.parts
        ]
    return QuoteLine(
        row_id=row.row_id,
        demand_habitat=row.habitat.label,
        ledger=row.habitat.ledger,
        bank_id=bank.bank_id,
        bank_name=bank.name,
        tier=option.tier,
        srm=option.srm,
        supply=[part.habitat for part in option.parts],
        demand_units=row.units,
        units=row.units,
        unit_price=option.unit_price,
        cost=row.units * option.unit_price,
        stock_drawn={part.stock_id: row.units * part.stock_per_unit for part in option.parts},
        paired=option.paired,
        parts=parts,
    )


def _apply_minimum_delivery(
    lines: list[QuoteLine],
    allocation: Allocation,
    option_set: OptionSet,
    config: RulesConfig,
    warnings: list[str],
) -> bool:
    """Raise the cheapest line if total units supplied is below the minimum delivery.

    Returns False when no line has stock left for the raise, which needs manual review.
    """
    drawn: dict[str, float] = {}
    for line in lines:
        for stock_id, units in line.stock_drawn.items():
            drawn[stock_id] = drawn.get(stock_id, 0.0) + units
    stock_left = {
        stock_id: option_set.available.get(stock_id, 0.0) - units
        for stock_id, units in drawn.items()
    }
    delivery_lines = [
        DeliveryLine(line.units, line.unit_price, allocation.chosen[line.row_id].stock_per_unit)
        for line in lines
    ]
    raise_ = minimum_delivery_raise(delivery_lines, stock_left, config)
    if raise_ is None:
        return True
    line = lines[raise_.index]
    if not raise_.fits_stock:
        warnings.append(
            "total units supplied are below the minimum delivery of "
            f"{config.minimum_delivery_units:g} and no line has stock left to make it up"
        )
        return False
    line.units += raise_.extra_units
    line.cost = line.units * line.unit_price
    per_unit = allocation.chosen[line.row_id].stock_per_unit
    line.stock_drawn = {stock_id: line.units * per_unit[stock_id] for stock_id in line.stock_drawn}
    warnings.append(
        f"row {line.row_id}: raised by {raise_.extra_units:.4g} units to meet the minimum delivery "
        f"of {config.minimum_delivery_units:g} units in total"
    )
    return True


def _waterbody_warnings(
    site: Site, rows: list[DemandRow], lines: list[QuoteLine], option_set: OptionSet
) -> list[str]:
    has_watercourse = any(row.habitat.ledger is Ledger.WATERCOURSE for row in rows)
    if not has_watercourse:
        return []
    if site.waterbody_id is None:
        return ["the site has no waterbody id, so every watercourse bank counts as far (SRM 0.5)"]
    banks = sorted(
        {
            line.bank_id
            for line in lines
            if line.ledger is Ledger.WATERCOURSE
            and line.bank_id in option_set.missing_waterbody_banks
        }
    )
    return [
        f"bank {bank_id} has no known waterbody id, so its watercourse tier is far (SRM 0.5)"
        for bank_id in banks
    ]


def _list_price(allocation: Allocation, row_id: str) -> float:
    return allocation.chosen[row_id].list_unit_price
