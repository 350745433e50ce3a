"""Options and pairing: single and paired prices, stock drawn, and when pairs exist."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.config import RulesConfig
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import (
    MODIFIED_GRASSLAND,
    NEUTRAL_GRASSLAND,
    adjacent_pair,
    far_pair,
    make_reference,
    make_request,
    price_rows,
)
from bng_optimiser.domain.options import DemandRow, build_options
from bng_optimiser.domain.reference import ContractSize, StockLine, Tier
from bng_optimiser.domain.rules.tiers import Site

from .factories import adjacent_bank, local_bank

SITE = Site("E60000016", 61)


def test_adjacent_pair_beats_single():
    example = adjacent_pair()
    result = quote(example.request, example.reference)
    line = result.lines[0]
    assert line.paired is True
    assert line.tier is Tier.ADJACENT
    # 0.75 x 32,800 + 0.25 x 20,000 = 24,600 + 5,000 = 29,600 per unit of demand.
    assert line.unit_price == pytest.approx(29_600)
    # 0.07 x 29,600 = 2,072.00, below the single option's 0.07 x 32,800 = 2,296.00.
    assert line.cost == pytest.approx(2_072.00)
    assert result.subtotal == pytest.approx(2_072.00)


def test_adjacent_pair_parts_and_stock_drawn():
    example = adjacent_pair()
    line = quote(example.request, example.reference).lines[0]
    main, companion = line.parts
    assert (main.role, main.habitat, main.weight, main.unit_price) == (
        "main",
        NEUTRAL_GRASSLAND,
        0.75,
        32_800,
    )
    assert (companion.role, companion.habitat, companion.weight, companion.unit_price) == (
        "companion",
        MODIFIED_GRASSLAND,
        0.25,
        20_000,
    )
    # Main draws 1 per unit of demand: 0.07; the companion 1/3: 0.07 / 3 = 0.02333.
    assert line.stock_drawn["ADJ-1"] == pytest.approx(0.07)
    assert line.stock_drawn["ADJ-2"] == pytest.approx(0.07 / 3)


def test_adjacent_single_when_companion_empty():
    example = adjacent_pair()
    reference = example.reference
    reference.stock["ADJ-2"] = StockLine("ADJ-2", "ADJ", MODIFIED_GRASSLAND, 0.0)
    line = quote(example.request, reference).lines[0]
    assert line.paired is False
    assert line.unit_price == 32_800
    # 0.07 x 32,800 = 2,296.00, drawing 0.07 x 4/3 = 0.09333 units of stock.
    assert line.cost == pytest.approx(2_296.00)
    assert line.stock_drawn == {"ADJ-1": pytest.approx(0.07 * 4 / 3)}


def test_far_pair_price_and_draws():
    example = far_pair()
    line = quote(example.request, example.reference).lines[0]
    assert line.paired is True
    assert line.tier is Tier.FAR
    # 0.5 x 40,800 + 0.5 x 28,800 = 20,400 + 14,400 = 34,800; 0.14 x 34,800 = 4,872.00.
    assert line.unit_price == pytest.approx(34_800)
    assert line.cost == pytest.approx(4_872.00)
    # At far the companion draws 2 - 1 = 1 per unit: 0.14 from each line.
    assert line.stock_drawn == {"FAR-1": pytest.approx(0.14), "FAR-2": pytest.approx(0.14)}


def build(reference, demand, size=ContractSize.SMALL, prune=False):
    rows = [
        DemandRow(f"R{i}", reference.catalogue.get(habitat), units)
        for i, (habitat, units) in enumerate(demand, start=1)
    ]
    return build_options(
        rows, reference, SITE, size, bank_limit=2, config=RulesConfig(), prune=prune
    )


def test_no_pairs_at_local_tier():
    stock = [
        StockLine("L-1", "L", NEUTRAL_GRASSLAND, 5.0),
        StockLine("L-2", "L", MODIFIED_GRASSLAND, 5.0),
    ]
    prices = price_rows("L", NEUTRAL_GRASSLAND, Tier.LOCAL, 30_000) | price_rows(
        "L", MODIFIED_GRASSLAND, Tier.LOCAL, 10_000
    )
    reference = make_reference([local_bank("L")], stock, prices)
    options = build(reference, [(NEUTRAL_GRASSLAND, 1.0)]).options["R1"]
    assert [option.paired for option in options] == [False]


def test_pair_needs_companion_price_at_tier():
    stock = [
        StockLine("A-1", "A", NEUTRAL_GRASSLAND, 5.0),
        StockLine("A-2", "A", MODIFIED_GRASSLAND, 5.0),
    ]
    # The companion is priced only at local, which this adjacent bank never is.
    prices = price_rows("A", NEUTRAL_GRASSLAND, Tier.ADJACENT, 30_000) | price_rows(
        "A", MODIFIED_GRASSLAND, Tier.LOCAL, 10_000
    )
    reference = make_reference([adjacent_bank("A")], stock, prices)
    options = build(reference, [(NEUTRAL_GRASSLAND, 1.0)]).options["R1"]
    assert len(options) == 1
    assert options[0].paired is False


def test_v_low_companion_not_paired():
    sealed = "Urban - Developed land; sealed surface"
    stock = [StockLine("A-1", "A", NEUTRAL_GRASSLAND, 5.0), StockLine("A-2", "A", sealed, 5.0)]
    prices = price_rows("A", NEUTRAL_GRASSLAND, Tier.ADJACENT, 30_000) | price_rows(
        "A", sealed, Tier.ADJACENT, 1_000
    )
    reference = make_reference([adjacent_bank("A")], stock, prices)
    options = build(reference, [(NEUTRAL_GRASSLAND, 1.0)]).options["R1"]
    assert [option.paired for option in options] == [False]


def test_pairs_only_on_area_ledger():
    stock = [
        StockLine("A-1", "A", "Native hedgerow", 5.0),
        StockLine("A-2", "A", MODIFIED_GRASSLAND, 5.0),
    ]
    prices = price_rows("A", "Native hedgerow", Tier.ADJACENT, 30_000) | price_rows(
        "A", MODIFIED_GRASSLAND, Tier.ADJACENT, 10_000
    )
    reference = make_reference([adjacent_bank("A")], stock, prices)
    options = build(reference, [("Native hedgerow", 1.0)]).options["R1"]
    assert [option.paired for option in options] == [False]


def test_missing_price_means_no_option():
    stock = [StockLine("A-1", "A", NEUTRAL_GRASSLAND, 5.0)]
    # Priced at small only; a medium quote finds no price and never borrows the small one.
    prices = price_rows("A", NEUTRAL_GRASSLAND, Tier.ADJACENT, 30_000, [ContractSize.SMALL])
    reference = make_reference([adjacent_bank("A")], stock, prices)
    option_set = build(reference, [(NEUTRAL_GRASSLAND, 3.0)], size=ContractSize.MEDIUM)
    assert option_set.options["R1"] == []
    assert option_set.empty["R1"].code == "no_price"


def test_pruning_keeps_cheapest_slack_option():
    stock = [
        StockLine("A-1", "A", NEUTRAL_GRASSLAND, 50.0),
        StockLine("A-2", "A", MODIFIED_GRASSLAND, 50.0),
        StockLine("A-3", "A", "Cropland - Cereal crops", 50.0),
    ]
    prices = (
        price_rows("A", NEUTRAL_GRASSLAND, Tier.ADJACENT, 30_000)
        | price_rows("A", MODIFIED_GRASSLAND, Tier.ADJACENT, 10_000)
        | price_rows("A", "Cropland - Cereal crops", Tier.ADJACENT, 12_000)
    )
    reference = make_reference([adjacent_bank("A")], stock, prices)
    full = build(reference, [(NEUTRAL_GRASSLAND, 1.0)]).options["R1"]
    pruned = build(reference, [(NEUTRAL_GRASSLAND, 1.0)], prune=True).options["R1"]
    # Single at 30,000 and pairs at 0.75 x 30,000 + 0.25 x 10,000 = 25,000 and
    # 0.75 x 30,000 + 0.25 x 12,000 = 25,500; ample stock leaves only the cheapest.
    assert sorted(option.unit_price for option in full) == [25_000, 25_500, 30_000]
    assert [option.unit_price for option in pruned] == [25_000]


def test_pruning_keeps_options_on_tight_stock():
    stock = [
        StockLine("A-1", "A", NEUTRAL_GRASSLAND, 50.0),
        # Too little for 1.0 x 1/3 = 0.333 from the cheap companion.
        StockLine("A-2", "A", MODIFIED_GRASSLAND, 0.2),
        StockLine("A-3", "A", "Cropland - Cereal crops", 50.0),
    ]
    prices = (
        price_rows("A", NEUTRAL_GRASSLAND, Tier.ADJACENT, 30_000)
        | price_rows("A", MODIFIED_GRASSLAND, Tier.ADJACENT, 10_000)
        | price_rows("A", "Cropland - Cereal crops", Tier.ADJACENT, 12_000)
    )
    reference = make_reference([adjacent_bank("A")], stock, prices)
    request = make_request([(NEUTRAL_GRASSLAND, 1.0)])
    pruned = build(reference, [(NEUTRAL_GRASSLAND, 1.0)], prune=True).options["R1"]
    assert sorted(option.unit_price for option in pruned) == [25_000, 25_500]
    # The cereal companion (25,500) wins because modified grassland runs short.
    line = quote(request, reference).lines[0]
    assert line.unit_price == pytest.approx(25_500)
    assert line.supply == [NEUTRAL_GRASSLAND, "Cropland - Cereal crops"]
