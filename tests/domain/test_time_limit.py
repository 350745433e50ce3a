"""The solver time limit: keep any allocation found, else fall back to a greedy one."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import HEURISTIC_WARNING, _row_list, _solve_warnings, quote
from bng_optimiser.domain.examples import (
    MODIFIED_GRASSLAND,
    NEUTRAL_GRASSLAND,
    adjacent_pair,
    make_request,
)
from bng_optimiser.domain.milp import Allocation, SolveStatus

from .test_property import assert_legal, build, feasible_allocations, instances

# A limit of 0 seconds stops HiGHS at its first time check, whatever the machine's speed, so
# the branch is reached on every run. HiGHS presolve can still finish a model of one or two
# options before that check, so the quotes use the sample banks, where each row has dozens.
NO_TIME = RulesConfig(solver_time_limit_seconds=0)
SAMPLE_ROWS = [
    (NEUTRAL_GRASSLAND, 1.0),
    (MODIFIED_GRASSLAND, 0.5),
    ("Heathland and shrub - Mixed scrub", 0.3),
    ("Native hedgerow", 0.2),
]


@pytest.fixture(scope="module")
def sample_banks():
    return EmbeddedSource().load()


def test_zero_limit_quotes_greedy(sample_banks):
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), (MODIFIED_GRASSLAND, 0.5)])
    result = quote(request, sample_banks, config=NO_TIME)
    # Not proven cheapest, so a broker checks it, but every row keeps its line.
    assert result.status == "manual_review"
    assert result.solver_status == "heuristic"
    assert result.blocked == []
    assert [line.row_id for line in result.lines] == ["R1", "R2"]
    assert HEURISTIC_WARNING in result.warnings
    # Solves ran and stopped at the limit: their wall time still counts.
    assert result.solve_seconds > 0


def test_greedy_not_below_optimum(sample_banks):
    request = make_request(SAMPLE_ROWS)
    greedy = quote(request, sample_banks, config=NO_TIME)
    optimal = quote(request, sample_banks)
    assert greedy.solver_status == "heuristic"
    assert optimal.solver_status == "optimal"
    assert optimal.solve_seconds > 0
    assert [line.row_id for line in greedy.lines] == ["R1", "R2", "R3", "R4"]
    # 5.0 units in all is not above 5, so the bank limit is 2.
    assert greedy.bank_limit == 2
    assert len(greedy.banks_used) <= 2
    drawn: dict[str, float] = {}
    for line in greedy.lines:
        for stock_id, units in line.stock_drawn.items():
            drawn[stock_id] = drawn.get(stock_id, 0.0) + units
    for stock_id, units in drawn.items():
        assert units <= sample_banks.stock[stock_id].units_available
    assert greedy.subtotal >= optimal.subtotal - 1e-6


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_zero_limit_allocation_legal(instance):
    banks, demand, policy = instance
    reference = build(banks)
    result = quote(make_request(demand, stock_hold_policy=policy), reference, config=NO_TIME)
    assert_legal(result, reference, banks, demand, policy)
    costs = [cost for cost, _, _ in feasible_allocations(banks, demand, policy)]
    if result.solver_status == "heuristic":
        assert HEURISTIC_WARNING in result.warnings
    if costs and len(result.lines) == len(demand):
        assert result.subtotal >= min(costs) - 1e-6


def test_later_goals_skipped_without_time():
    # HiGHS presolve proves the cost goal of this one-row, few-option quote even with no
    # time, and the later goals are then skipped, because less than 0.5 s is left.
    example = adjacent_pair()
    result = quote(example.request, example.reference, config=NO_TIME)
    assert result.solver_status == "time_limit"
    assert result.status == "quoted"
    assert [line.row_id for line in result.lines] == ["R1"]
    assert any("cheapest allocation was proven" in w for w in result.warnings)
    assert result.solve_seconds > 0


def test_cost_goal_limit_warns_gap():
    allocation = Allocation(SolveStatus.TIME_LIMIT, gap=0.0125)
    assert not allocation.cost_proven
    [warning] = _solve_warnings(allocation)
    assert "best found in the time limit, not proven cheapest" in warning
    assert "1.25%" in warning


def test_later_goal_limit_keeps_cost():
    allocation = Allocation(SolveStatus.TIME_LIMIT, unproven_goal="tiers")
    assert allocation.cost_proven
    [warning] = _solve_warnings(allocation)
    assert "cheapest allocation was proven" in warning
    assert "closest tiers" in warning


def test_row_list_ten_then_count():
    row_ids = [f"R{n}" for n in range(1, 498)]
    # 497 ids: the first 10 listed, 497 - 10 = 487 more.
    assert _row_list(row_ids) == "R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 and 487 more"
    assert _row_list(["R1", "R2"]) == "R1, R2"
