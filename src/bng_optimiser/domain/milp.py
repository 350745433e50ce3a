"""The allocation MILP and its HiGHS adapter.

Formulation, for the options of the rows being allocated:

- x[o] binary: option o is chosen; y[b] binary: bank b is used.
- assign_once[r]:  sum of x over row r's options = 1 (or <= 1 when rows may go unserved).
- stock_limit[s]:  sum over options of units(r) x stock drawn per unit x x[o] <= available(s).
- bank_link[r,b]:  sum of x over row r's options at bank b <= y[b].
- bank_limit:      sum of y <= the bank limit.

The objective is lexicographic, by successive solves that each fix the previous optimum as a
constraint (no small weights that could trade one goal against another): cost, then banks,
then tier rank, then bank stock, then a stable order of bank and stock line ids.
HiGHS types never leave this module: callers get an `Allocation` with a `SolveStatus`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
import numpy as np

from .config import RulesConfig
from .options import Option, OptionSet
from .rules.tiers import TIER_RANK

logger = logging.getLogger(__name__)

# Slack on fixed integer objectives (banks, tier ranks): their values are whole numbers.
INTEGER_SLACK = 0.5
# Relative slack when fixing a real-valued optimum, far below any price or stock difference.
REAL_SLACK = 1e-9
# HiGHS presolve runs again for each goal. It solves the benchmark sizes' models (at most 103
# options) almost outright. On short stock it costs more than it saves: the tight benchmark
# quote, whose goals see 10,318 options, takes 9 s without it and 14 s with it. The threshold
# lies between the two and is not tuned finely.
PRESOLVE_OFF_FROM_OPTIONS = 1_000
# A later goal (banks, tiers, stock, order) is skipped when less than this is left of the
# budget, in seconds: it only breaks ties, and the cost goal has already had its time.
LATER_GOAL_MIN_SECONDS = 0.5
# Share of the time budget that one bounding trial or one diagnosis solve may use, so that
# the cost goal keeps most of it.
SIDE_SOLVE_SHARE = 0.25


class SolveStatus(StrEnum):
    """Outcome of solving an allocation model."""

    OPTIMAL = "optimal"
    # The time limit stopped a solve that had a feasible allocation; later goals may be unmet.
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"
    # The time limit stopped the first solve before any feasible allocation was found.
    NO_SOLUTION = "no_solution"
    ERROR = "error"
    # No solve found an allocation in time; a greedy heuristic placed the rows it could.
    HEURISTIC = "heuristic"


class SolveBudget:
    """The wall-clock budget shared by every HiGHS solve of one quote, in seconds.

    `spent` adds up the solver wall time of every solve, trials and diagnosis included.
    """

    def __init__(self, limit_seconds: float) -> None:
        self.limit = max(float(limit_seconds), 0.0)
        self.deadline = time.perf_counter() + self.limit
        self.spent = 0.0

    def left(self) -> float:
        """Return the seconds left before the deadline, never below 0."""
        return max(self.deadline - time.perf_counter(), 0.0)

    def side_deadline(self) -> float:
        """Return the deadline for a trial or diagnosis solve: a share of the budget."""
        return min(self.deadline, time.perf_counter() + SIDE_SOLVE_SHARE * self.limit)


@dataclass
class Allocation:
    """The chosen option per row; `cost` is GBP, `seconds` the solver wall time of this solve.

    `gap` is HiGHS's relative gap when the time limit stopped the cost goal, and
    `unproven_goal` names the later goal that ran out of time (its predecessor's allocation
    is kept); both are None when not applicable.
    """

    status: SolveStatus
    chosen: dict[str, Option] = field(default_factory=dict)
    banks: list[str] = field(default_factory=list)
    cost: float = 0.0
    seconds: float = 0.0
    gap: float | None = None
    unproven_goal: str | None = None

    @property
    def cost_proven(self) -> bool:
        """True when the cost goal was solved to optimality."""
        return self.status is SolveStatus.OPTIMAL or (
            self.status is SolveStatus.TIME_LIMIT and self.unproven_goal is not None
        )


@dataclass
class AllocationModel:
    """A HiGHS model of one allocation problem and the meaning of its columns."""

    highs: highspy.Highs
    row_ids: list[str]
    options: list[Option]
    option_rows: list[int]
    bank_ids: list[str]
    cost: np.ndarray
    allow_unserved: bool


def new_highs(config: RulesConfig) -> highspy.Highs:
    """Return a silent, single-threaded HiGHS instance so the same input gives the same output."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    # Solve to proven optimality: the default relative gap (1e-4) equals the 0.01 % cost
    # tolerance and would blur the cost goal.
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 1e-6)
    highs.setOptionValue("time_limit", float(config.solver_time_limit_seconds))
    return highs


def build_model(
    option_set: OptionSet,
    row_ids: Sequence[str],
    *,
    bank_limit: int | None,
    config: RulesConfig,
    allow_unserved: bool = False,
    option_links: bool = False,
) -> AllocationModel:
    """Build the MILP for `row_ids` (rows with at least one option).

    `bank_limit` None drops the bank limit, which the diagnosis of blocked rows uses.
    With `allow_unserved` a row may stay unmet, for finding the most rows that fit.
    `option_links` links each option to its bank rather than each row's options at a bank
    together: the same allocations, but a weaker LP relaxation.
    """
    units = {row.row_id: row.units for row in option_set.rows}
    options: list[Option] = []
    option_rows: list[int] = []
    for index, row_id in enumerate(row_ids):
        for option in option_set.options[row_id]:
            options.append(option)
            option_rows.append(index)
    bank_ids = sorted({option.bank_id for option in options})
    bank_column = {bank_id: len(options) + j for j, bank_id in enumerate(bank_ids)}
    cost = np.array([units[o.row_id] * o.unit_price for o in options], dtype=np.float64)

    highs = new_highs(config)

    # Variables: x per option, then y per bank, all binary.
    column_count = len(options) + len(bank_ids)
    highs.addVars(column_count, np.zeros(column_count), np.ones(column_count))
    highs.changeColsIntegrality(
        column_count,
        np.arange(column_count, dtype=np.int32),
        np.full(column_count, highspy.HighsVarType.kInteger, dtype=np.uint8),
    )
    for j, option in enumerate(options):
        highs.passColName(
            j, f"x[{option.row_id},{option.bank_id},{'+'.join(p.stock_id for p in option.parts)}]"
        )
    for bank_id, column in bank_column.items():
        highs.passColName(column, f"y[{bank_id}]")

    rows = _RowBuilder(highs)

    # assign_once: each demand row is met in full by exactly one option.
    by_row: list[list[int]] = [[] for _ in row_ids]
    for j, index in enumerate(option_rows):
        by_row[index].append(j)
    for index, row_id in enumerate(row_ids):
        lower = 0.0 if allow_unserved else 1.0
        rows.add(f"assign_once[{row_id}]", by_row[index], [1.0] * len(by_row[index]), lower, 1.0)

    # stock_limit: stock drawn from a line, after the SRM and pairing, stays within what
    # the stock-hold policy leaves available.
    draws: dict[str, tuple[list[int], list[float]]] = {}
    for j, option in enumerate(options):
        for part in option.parts:
            columns, values = draws.setdefault(part.stock_id, ([], []))
            columns.append(j)
            values.append(units[option.row_id] * part.stock_per_unit)
    for stock_id in sorted(draws):
        columns, values = draws[stock_id]
        rows.add(
            f"stock_limit[{stock_id}]",
            columns,
            values,
            -highspy.kHighsInf,
            option_set.available.get(stock_id, 0.0),
        )

    # bank_link: a row may be met at a bank only if the bank is counted as used. One
    # constraint per row and bank is valid because the row chooses at most one option.
    # It also keeps the LP relaxation from spreading a row thinly over many banks, which
    # made tight-stock quotes several times slower to solve.
    links: dict[str, tuple[list[int], str]] = {}
    for j, option in enumerate(options):
        name = f"bank_link[{j}]" if option_links else f"bank_link[{option.row_id},{option.bank_id}]"
        links.setdefault(name, ([], option.bank_id))[0].append(j)
    for name, (columns, bank_id) in links.items():
        rows.add(
            name,
            [*columns, bank_column[bank_id]],
            [1.0] * len(columns) + [-1.0],
            -highspy.kHighsInf,
            0.0,
        )

    # bank_limit: a quote draws on at most 2 banks (5 above 5 units of demand).
    if bank_limit is not None and bank_ids:
        rows.add(
            "bank_limit",
            list(bank_column.values()),
            [1.0] * len(bank_ids),
            -highspy.kHighsInf,
            float(bank_limit),
        )

    rows.flush()
    return AllocationModel(
        highs, list(row_ids), options, option_rows, bank_ids, cost, allow_unserved
    )


class _RowBuilder:
    """Collect named constraint rows and add them to HiGHS in one call."""

    def __init__(self, highs: highspy.Highs) -> None:
        self.highs = highs
        self.names: list[str] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.columns: list[int] = []
        self.values: list[float] = []

    def add(
        self, name: str, columns: Sequence[int], values: Sequence[float], lower: float, upper: float
    ) -> None:
        self.names.append(name)
        self.lower.append(lower)
        self.upper.append(upper)
        self.starts.append(len(self.columns))
        self.columns.extend(columns)
        self.values.extend(values)

    def flush(self) -> None:
        if not self.names:
            return
        first = self.highs.getNumRow()
        self.highs.addRows(
            len(self.names),
            np.array(self.lower, dtype=np.float64),
            np.array(self.upper, dtype=np.float64),
            len(self.columns),
            np.array(self.starts, dtype=np.int32),
            np.array(self.columns, dtype=np.int32),
            np.array(self.values, dtype=np.float64),
        )
        for offset, name in enumerate(self.names):
            self.highs.passRowName(first + offset, name)
        self.names.clear()
        self.lower.clear()
        self.upper.clear()
        self.starts.clear()
        self.columns.clear()
        self.values.clear()


def _set_objective(
    model: AllocationModel, coefficients: np.ndarray, *, maximise: bool = False
) -> None:
    highs = model.highs
    count = len(coefficients)
    highs.changeColsCost(count, np.arange(count, dtype=np.int32), coefficients.astype(np.float64))
    highs.changeObjectiveSense(
        highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    )


def _fix_objective(
    model: AllocationModel, name: str, coefficients: np.ndarray, lower: float, upper: float
) -> None:
    columns = np.flatnonzero(coefficients).astype(np.int32)
    model.highs.addRow(
        lower, upper, len(columns), columns, coefficients[columns].astype(np.float64)
    )
    model.highs.passRowName(model.highs.getNumRow() - 1, name)


def _run(
    model: AllocationModel, deadline: float | None = None, budget: SolveBudget | None = None
) -> tuple[SolveStatus, np.ndarray | None, float]:
    """Solve once; return the status, the column values (if feasible) and the objective.

    `deadline` (a `time.perf_counter()` value) shortens the time limit so that a sequence
    of solves shares one budget; `budget` adds this solve's wall time to its `spent`.
    """
    highs = model.highs
    if deadline is not None:
        highs.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.0))
    started = time.perf_counter()
    highs.run()
    if budget is not None:
        budget.spent += time.perf_counter() - started
    status = highs.getModelStatus()
    has_solution = highs.getInfo().primal_solution_status == 2
    values = np.array(highs.getSolution().col_value) if has_solution else None
    objective = highs.getInfo().objective_function_value
    if status == highspy.HighsModelStatus.kOptimal:
        return SolveStatus.OPTIMAL, values, objective
    if status == highspy.HighsModelStatus.kInfeasible:
        return SolveStatus.INFEASIBLE, None, objective
    if status == highspy.HighsModelStatus.kTimeLimit:
        return (
            (SolveStatus.TIME_LIMIT if values is not None else SolveStatus.NO_SOLUTION),
            values,
            objective,
        )
    logger.warning("HiGHS ended with model status %s", highs.modelStatusToString(status))
    return SolveStatus.ERROR, None, objective


def _allocation(
    model: AllocationModel, status: SolveStatus, values: np.ndarray, seconds: float
) -> Allocation:
    chosen: dict[str, Option] = {}
    for j, option in enumerate(model.options):
        if values[j] > 0.5:
            chosen[option.row_id] = option
    cost = float(sum(model.cost[j] for j, option in enumerate(model.options) if values[j] > 0.5))
    banks = sorted({option.bank_id for option in chosen.values()})
    return Allocation(status, chosen, banks, cost, seconds)


def solve(
    model: AllocationModel,
    option_set: OptionSet,
    config: RulesConfig,
    budget: SolveBudget | None = None,
    start: Mapping[str, Option] | None = None,
) -> Allocation:
    """Solve the lexicographic objective by successive solves; see the module docstring.

    Goal 2 accepts any allocation within min(10 GBP, 0.01 % of the minimum cost), so that a
    saving of a few pounds never adds another bank to the quote. The cost goal may use all
    of `budget` (a new one of the configured limit if None); later goals get what is left.
    `start`, a legal allocation of the rows, is the cost goal's first incumbent.
    """
    started = time.perf_counter()
    budget = budget or SolveBudget(config.solver_time_limit_seconds)
    deadline = budget.deadline
    option_count = len(model.options)
    bank_count = len(model.bank_ids)
    if option_count == 0:
        return Allocation(SolveStatus.OPTIMAL)
    zeros_banks = np.zeros(bank_count)
    zeros_options = np.zeros(option_count)
    if option_count >= PRESOLVE_OFF_FROM_OPTIONS:
        model.highs.setOptionValue("presolve", "off")

    # 1. Minimum total cost in GBP.
    cost_goal = np.concatenate([model.cost, zeros_banks])
    _set_objective(model, cost_goal)
    if start:
        _set_start(model, start)
    status, values, minimum_cost = _run(model, deadline, budget)
    if values is None:
        return Allocation(status, seconds=time.perf_counter() - started)
    best = values
    gap = None
    unproven_goal = None
    if status is SolveStatus.TIME_LIMIT:
        gap = _gap(model)
    if status is SolveStatus.OPTIMAL:
        tolerance = config.cost_tolerance(minimum_cost) + REAL_SLACK * max(1.0, abs(minimum_cost))
        _fix_objective(model, "fix_cost", cost_goal, -highspy.kHighsInf, minimum_cost + tolerance)
        _exclude_costly_options(model, minimum_cost + tolerance)

        # 2. Fewest banks among allocations costing at most the minimum plus the tolerance.
        # 3. Then closer tiers, summing tier ranks local 0, adjacent 1, far 2 over rows.
        # 4. Then banks with more stock available (units, after the stock-hold policy).
        # 5. Then the stable order of bank id and stock line ids, summing option ranks.
        # NOTE: two allocations with equal rank sums still tie. HiGHS then returns the same
        # one for the same model, not necessarily the one that is first row by row.
        order_ranks = np.array([o.order_rank for o in model.options], dtype=float)
        goals = [
            (
                "fix_banks",
                np.concatenate([zeros_options, np.ones(bank_count)]),
                False,
                INTEGER_SLACK,
            ),
            (
                "fix_tiers",
                np.concatenate(
                    [np.array([TIER_RANK[o.tier] for o in model.options], dtype=float), zeros_banks]
                ),
                False,
                INTEGER_SLACK,
            ),
            (
                "fix_bank_stock",
                np.concatenate(
                    [
                        zeros_options,
                        np.array([option_set.bank_stock.get(b, 0.0) for b in model.bank_ids]),
                    ]
                ),
                True,
                None,
            ),
            ("fix_order", np.concatenate([order_ranks, zeros_banks]), False, None),
        ]
        for name, goal, maximise, slack in goals:
            if not goal.any():
                continue
            if budget.left() < LATER_GOAL_MIN_SECONDS:
                status = SolveStatus.TIME_LIMIT
                unproven_goal = name.removeprefix("fix_")
                break
            _set_objective(model, goal, maximise=maximise)
            # The previous optimum is feasible here too: start from it.
            model.highs.setSolution(len(best), np.arange(len(best), dtype=np.int32), best)
            stage_status, stage_values, optimum = _run(model, deadline, budget)
            if stage_status is not SolveStatus.OPTIMAL or stage_values is None:
                # The previous allocation is feasible here, so only the time limit or a solver
                # error ends a later goal unproven. Keep that allocation, not an incumbent of
                # this goal: the previous goals are proven for it.
                status = SolveStatus.TIME_LIMIT
                unproven_goal = name.removeprefix("fix_")
                break
            best = stage_values
            margin = slack if slack is not None else REAL_SLACK * max(1.0, abs(optimum))
            if maximise:
                _fix_objective(model, name, goal, optimum - margin, highspy.kHighsInf)
            else:
                _fix_objective(model, name, goal, -highspy.kHighsInf, optimum + margin)

    seconds = time.perf_counter() - started
    allocation = _allocation(model, status, best, seconds)
    allocation.gap = gap
    allocation.unproven_goal = unproven_goal
    logger.info(
        "allocation solved: status=%s options=%d banks=%d cost=%.2f seconds=%.3f",
        allocation.status,
        option_count,
        len(allocation.banks),
        allocation.cost,
        seconds,
    )
    return allocation


def _set_start(model: AllocationModel, start: Mapping[str, Option]) -> None:
    """Give HiGHS the allocation `start` (option per row id) as its first incumbent.

    Options match by row, bank and stock lines, since a rebuilt option set has new objects.
    """
    wanted = {_option_key(option) for option in start.values()}
    values = np.zeros(len(model.options) + len(model.bank_ids))
    banks = set()
    for j, option in enumerate(model.options):
        if _option_key(option) in wanted:
            values[j] = 1.0
            banks.add(option.bank_id)
    for k, bank_id in enumerate(model.bank_ids):
        if bank_id in banks:
            values[len(model.options) + k] = 1.0
    model.highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)


def _option_key(option: Option) -> tuple[str, str, tuple[str, ...]]:
    return option.row_id, option.bank_id, tuple(part.stock_id for part in option.parts)


def _gap(model: AllocationModel) -> float | None:
    """Return HiGHS's relative MIP gap of the last solve, or None if it has none."""
    gap = float(model.highs.getInfo().mip_gap)
    return gap if np.isfinite(gap) and gap >= 0 else None


def _exclude_costly_options(model: AllocationModel, cost_bound: float) -> None:
    """Fix to 0 every option that no allocation costing at most `cost_bound` GBP can use.

    Any allocation choosing option o pays at least cost(o) plus the cheapest option of every
    other row, so o is out if that exceeds the bound. This shrinks the later goals' models
    without changing their optimum.
    """
    cheapest: dict[int, float] = {}
    for j, index in enumerate(model.option_rows):
        cheapest[index] = min(cheapest.get(index, np.inf), model.cost[j])
    slack = cost_bound - sum(cheapest.values())
    # The same relative allowance as the fixed cost row, so no option it admits is removed.
    allowance = REAL_SLACK * max(1.0, abs(cost_bound))
    excluded = [
        j
        for j, index in enumerate(model.option_rows)
        if model.cost[j] - cheapest[index] > slack + allowance
    ]
    excluded_set = set(excluded)
    kept_banks = {option.bank_id for j, option in enumerate(model.options) if j not in excluded_set}
    excluded.extend(
        len(model.options) + k
        for k, bank_id in enumerate(model.bank_ids)
        if bank_id not in kept_banks
    )
    if excluded:
        columns = np.array(excluded, dtype=np.int32)
        zeros = np.zeros(len(columns))
        model.highs.changeColsBounds(len(columns), columns, zeros, zeros)


def minimum_cost(
    option_set: OptionSet,
    row_ids: Sequence[str],
    *,
    bank_limit: int,
    config: RulesConfig,
    budget: SolveBudget | None = None,
) -> float | None:
    """Return the minimum cost in GBP of meeting `row_ids` with the given options, or None
    if they cannot all be met (or the solver stops first). Used for an upper bound.

    With a `budget` the solve gets a share of it (SIDE_SOLVE_SHARE) and its time is counted.
    """
    model = build_model(option_set, row_ids, bank_limit=bank_limit, config=config)
    if not model.options:
        return None
    _set_objective(model, np.concatenate([model.cost, np.zeros(len(model.bank_ids))]))
    deadline = budget.side_deadline() if budget is not None else None
    status, values, objective = _run(model, deadline, budget)
    if status is not SolveStatus.OPTIMAL:
        return None
    return float(objective)


def max_served_rows(
    option_set: OptionSet,
    row_ids: Sequence[str],
    *,
    bank_limit: int | None,
    config: RulesConfig,
    budget: SolveBudget | None = None,
    start: Mapping[str, Option] | None = None,
) -> tuple[set[str], bool] | None:
    """Return the largest set of rows that can all be met together and whether it is proven
    largest, or None if the solver found no set in time. Used to explain which rows block
    an infeasible quote; an unproven set is still a set of rows that can be met together.

    When several sets have the most rows, HiGHS picks one, the same one for the same input.
    `start` is a legal allocation of some of the rows (option per row id), given to HiGHS as
    its first incumbent so that a solve stopped by the time limit serves at least those rows.
    """
    # Per-option links as before the row links: when several sets of rows tie, the model's
    # form decides which one HiGHS returns, and the blocked rows of a quote should not
    # change with a faster formulation.
    model = build_model(
        option_set,
        row_ids,
        bank_limit=bank_limit,
        config=config,
        allow_unserved=True,
        option_links=True,
    )
    if not model.options:
        return set(), True
    goal = np.concatenate([np.ones(len(model.options)), np.zeros(len(model.bank_ids))])
    _set_objective(model, goal, maximise=True)
    if start:
        _set_start(model, start)
    budget = budget or SolveBudget(config.solver_time_limit_seconds)
    status, values, _ = _run(model, budget.side_deadline(), budget)
    if values is None or status not in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT):
        return None
    served = {option.row_id for j, option in enumerate(model.options) if values[j] > 0.5}
    return served, status is SolveStatus.OPTIMAL
