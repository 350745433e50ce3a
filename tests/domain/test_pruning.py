"""Pruning never changes the quote: pruned and unpruned option sets give the same lines."""

from __future__ import annotations

import random

import pytest

from bng_optimiser.domain import engine
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.options import OptionBuilder
from bng_optimiser.domain.request import DemandItem, QuoteRequest


def quote_with(prune, request, reference, monkeypatch):
    class Builder(OptionBuilder):
        def __init__(self, *args, **kwargs):
            kwargs["prune"] = prune
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(engine, "OptionBuilder", Builder)
    return engine.quote(request, reference)


def summary(result):
    lines = [(line.row_id, line.bank_id, sorted(line.stock_drawn)) for line in result.lines]
    return lines, [(b.row_id, b.code) for b in result.blocked]


@pytest.mark.parametrize("seed", [1, 4, 6, 15, 20])
def test_pruned_quote_matches_unpruned(seed, monkeypatch):
    reference = EmbeddedSource().load()
    stocked = sorted({line.habitat for line in reference.stock.values()})
    rng = random.Random(seed)
    demand = [
        DemandItem(habitat=rng.choice(stocked), units=round(rng.uniform(0.01, 1.5), 3))
        for _ in range(rng.randint(1, 4))
    ]
    request = QuoteRequest(
        lpa_code=rng.choice(["E60000016", "E60000015", "E60000051"]),
        nca_number=rng.choice([61, 62, 60]),
        demand=demand,
        stock_hold_policy=rng.choice(["ignore", "hold_all"]),
    )
    pruned = quote_with(True, request, reference, monkeypatch)
    full = quote_with(False, request, reference, monkeypatch)
    assert summary(pruned) == summary(full)
    assert pruned.total == pytest.approx(full.total)
