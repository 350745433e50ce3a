"""The greedy fallback allocation: legal on its own, and a first incumbent for HiGHS."""

from __future__ import annotations

import random

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import greedy_allocation
from bng_optimiser.domain.milp import SolveBudget, max_served_rows
from bng_optimiser.domain.options import DemandRow, build_options
from bng_optimiser.domain.reference import ContractSize
from bng_optimiser.domain.rules.tiers import Site

NO_TIME = RulesConfig(solver_time_limit_seconds=0)


@pytest.fixture(scope="module")
def option_set():
    """Twelve rows of 0.2 to 1.5 units of stocked habitats on the sample banks, held out."""
    reference = EmbeddedSource().load()
    stocked = sorted({line.habitat for line in reference.stock.values()})
    rng = random.Random(3)
    rows = [
        DemandRow(f"R{n}", reference.catalogue.get(rng.choice(stocked)), rng.uniform(0.2, 1.5))
        for n in range(1, 13)
    ]
    return build_options(
        rows,
        reference,
        Site("E60000016", 61, None),
        ContractSize.MEDIUM,
        hold_policy="hold_all",
        bank_limit=2,
        config=RulesConfig(),
        prune=False,
    )


def test_greedy_respects_stock_and_bank_limit(option_set):
    row_ids = [row.row_id for row in option_set.rows]
    allocation = greedy_allocation(option_set, row_ids)
    assert allocation.chosen
    assert len(allocation.banks) <= 2
    units = {row.row_id: row.units for row in option_set.rows}
    drawn: dict[str, float] = {}
    for row_id, option in allocation.chosen.items():
        assert option in option_set.options[row_id]
        for part in option.parts:
            drawn[part.stock_id] = drawn.get(part.stock_id, 0.0) + units[row_id] * (
                part.stock_per_unit
            )
    for stock_id, amount in drawn.items():
        assert amount <= option_set.available[stock_id]


def test_greedy_same_input_same_allocation(option_set):
    row_ids = [row.row_id for row in option_set.rows]
    first = greedy_allocation(option_set, row_ids)
    second = greedy_allocation(option_set, row_ids)
    assert first.chosen == second.chosen
    assert first.cost == second.cost


def test_diagnosis_from_greedy_serves_its_rows(option_set):
    row_ids = [row.row_id for row in option_set.rows]
    greedy = greedy_allocation(option_set, row_ids)
    # With no time and no start HiGHS finds no set at all; the start gives it greedy's rows.
    budget = SolveBudget(0)
    served = max_served_rows(
        option_set, row_ids, bank_limit=2, config=NO_TIME, budget=budget, start=greedy.chosen
    )
    assert served is not None
    assert len(served[0]) >= len(greedy.chosen)
    assert budget.spent > 0
