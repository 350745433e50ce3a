"""The allocation MILP: both forms of the bank link constraint choose the same allocation."""

from __future__ import annotations

import random

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.milp import build_model, solve
from bng_optimiser.domain.options import DemandRow, build_options
from bng_optimiser.domain.reference import ContractSize
from bng_optimiser.domain.rules.tiers import Site


@pytest.mark.parametrize("seed", [1, 6, 8, 10])
def test_row_links_match_option_links(seed):
    reference = EmbeddedSource().load()
    stocked = sorted({line.habitat for line in reference.stock.values()})
    rng = random.Random(seed)
    rows = [
        DemandRow(f"R{n}", reference.catalogue.get(rng.choice(stocked)), rng.uniform(0.2, 1.5))
        for n in range(1, 7)
    ]
    config = RulesConfig()
    option_set = build_options(
        rows,
        reference,
        Site("E60000016", 61, None),
        ContractSize.MEDIUM,
        hold_policy="hold_all",
        bank_limit=5,
        config=config,
        prune=False,
    )
    row_ids = [row.row_id for row in rows if option_set.options[row.row_id]]

    allocations = []
    for option_links in (False, True):
        model = build_model(
            option_set, row_ids, bank_limit=5, config=config, option_links=option_links
        )
        allocations.append(solve(model, option_set, config))
    by_row, by_option = allocations

    assert by_row.status == by_option.status
    assert by_row.chosen == by_option.chosen
    assert by_row.cost == pytest.approx(by_option.cost)
