"""The solver time limit: a quote that HiGHS cannot finish goes to manual review."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import MODIFIED_GRASSLAND, NEUTRAL_GRASSLAND, make_request

# A limit of 0 seconds stops HiGHS at its first time check, whatever the machine's speed, so
# the branch is reached on every run. HiGHS presolve can still finish a model of one or two
# options before that check, so the quote uses the sample banks, where each row has dozens.
NO_TIME = RulesConfig(solver_time_limit_seconds=0)


@pytest.fixture(scope="module")
def sample_banks():
    return EmbeddedSource().load()


def test_zero_time_limit_blocks_every_row(sample_banks):
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), (MODIFIED_GRASSLAND, 0.5)])
    result = quote(request, sample_banks, config=NO_TIME)
    assert result.status == "manual_review"
    assert result.solver_status == "no_solution"
    assert [(b.row_id, b.code) for b in result.blocked] == [
        ("R1", "solver_time_limit"),
        ("R2", "solver_time_limit"),
    ]
    assert "time limit" in result.blocked[0].reason
    assert result.lines == []
    assert result.subtotal == 0


def test_default_time_limit_quotes_same_rows(sample_banks):
    request = make_request([(NEUTRAL_GRASSLAND, 1.0), (MODIFIED_GRASSLAND, 0.5)])
    result = quote(request, sample_banks)
    assert result.status == "quoted"
    assert result.solver_status == "optimal"
    assert [line.row_id for line in result.lines] == ["R1", "R2"]
