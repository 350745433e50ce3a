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


def tight_request(seed, reference):
    """Rows of up to 3 units on the sample banks with held units held back, so stock is short."""
    stocked = sorted({line.habitat for line in reference.stock.values()})
    rng = random.Random(seed)
    demand = [
        DemandItem(habitat=rng.choice(stocked), units=round(rng.uniform(0.2, 3.0), 3))
        for _ in range(rng.randint(6, 12))
    ]
    return QuoteRequest(
        lpa_code=rng.choice(["E60000016", "E60000015"]),
        nca_number=61,
        demand=demand,
        stock_hold_policy=rng.choice(["hold_all", "hold_half"]),
    )


@pytest.mark.parametrize("seed", [1, 3, 7, 9, 11])
def test_pruned_matches_unpruned_short_stock(seed, monkeypatch):
    reference = EmbeddedSource().load()
    request = tight_request(seed, reference)
    pruned = quote_with(True, request, reference, monkeypatch)
    full = quote_with(False, request, reference, monkeypatch)
    # Rows compete for stock: some are blocked for want of it and the rest still solve.
    assert {b.code for b in pruned.blocked} & {"stock_too_small", "bank_limit"}
    assert pruned.lines
    assert summary(pruned) == summary(full)
    assert [b.reason for b in pruned.blocked] == [b.reason for b in full.blocked]
    assert pruned.total == pytest.approx(full.total)
