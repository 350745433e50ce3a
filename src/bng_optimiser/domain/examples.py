"""Named example quotes on tiny in-code bank data, shared by tests, docs and API examples.

Every example uses the real catalogue and geography with a development site in Cheshire West
and Chester (LPA E60000016, NCA 61 Shropshire, Cheshire and Staffordshire Plain). Bank
prices here are illustrative, not market data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .embedded import load_static
from .reference import CONTRACT_SIZES, Bank, ContractSize, PriceKey, ReferenceData, StockLine, Tier
from .request import DemandItem, QuoteRequest

SITE_LPA = "E60000016"  # Cheshire West and Chester
SITE_NCA = 61  # Shropshire, Cheshire and Staffordshire Plain

# One bank per tier relative to the site above.
LOCAL_BANK = Bank("LOC", "Gowy Local Bank", SITE_LPA, SITE_NCA, "GB112068060280")
# Cheshire East neighbours the site's LPA and NCA 62 neighbours NCA 61.
ADJACENT_BANK = Bank("ADJ", "Dane Adjacent Bank", "E60000015", 62, "GB112068060190")
# Cornwall and NCA 152 Cornish Killas neighbour neither.
FAR_BANK = Bank("FAR", "Killas Far Bank", "E60000291", 152, None)

NEUTRAL_GRASSLAND = "Grassland - Other neutral grassland"  # Medium
MODIFIED_GRASSLAND = "Grassland - Modified grassland"  # Low
NATIVE_HEDGEROW = "Native hedgerow"  # Low


@dataclass(frozen=True)
class Example:
    """A named quote request with the reference data it runs on."""

    name: str
    description: str
    request: QuoteRequest
    reference: ReferenceData


def make_reference(
    banks: Iterable[Bank],
    stock: Iterable[StockLine],
    prices: dict[PriceKey, float],
    label: str = "example banks",
) -> ReferenceData:
    """Return a snapshot of the given banks, stock and prices on the shipped catalogue."""
    catalogue, geography = load_static()
    return ReferenceData(
        catalogue=catalogue,
        geography=geography,
        banks={bank.bank_id: bank for bank in banks},
        stock={line.stock_id: line for line in stock},
        prices=prices,
        label=label,
    )


def price_rows(
    bank_id: str,
    habitat: str,
    tier: Tier,
    price: float,
    sizes: Iterable[ContractSize] = CONTRACT_SIZES,
) -> dict[PriceKey, float]:
    """Return price entries (GBP per unit of demand) of one habitat and tier at every size."""
    return {(bank_id, habitat, size, tier): price for size in sizes}


def make_request(demand: list[tuple[str, float]], **options: object) -> QuoteRequest:
    """Return a request at the example site for (habitat, units) rows R1, R2, ..."""
    return QuoteRequest(
        lpa_code=SITE_LPA,
        nca_number=SITE_NCA,
        demand=[DemandItem(habitat=habitat, units=units) for habitat, units in demand],
        **options,  # type: ignore[arg-type]
    )


def adjacent_pair() -> Example:
    """Build 0.07 units of neutral grassland met at an adjacent bank by a paired option."""
    stock = [
        StockLine("ADJ-1", "ADJ", NEUTRAL_GRASSLAND, 10.0),
        StockLine("ADJ-2", "ADJ", MODIFIED_GRASSLAND, 10.0),
    ]
    prices = price_rows("ADJ", NEUTRAL_GRASSLAND, Tier.ADJACENT, 32_800) | price_rows(
        "ADJ", MODIFIED_GRASSLAND, Tier.ADJACENT, 20_000
    )
    return Example(
        "adjacent_pair",
        "Pair 3/4 x 32,800 + 1/4 x 20,000 = 29,600 per unit beats the single 32,800.",
        make_request([(NEUTRAL_GRASSLAND, 0.07)]),
        make_reference([ADJACENT_BANK], stock, prices),
    )


def far_pair() -> Example:
    """Build 0.14 units of neutral grassland met at a far bank by a paired option."""
    stock = [
        StockLine("FAR-1", "FAR", NEUTRAL_GRASSLAND, 10.0),
        StockLine("FAR-2", "FAR", MODIFIED_GRASSLAND, 10.0),
    ]
    prices = price_rows("FAR", NEUTRAL_GRASSLAND, Tier.FAR, 40_800) | price_rows(
        "FAR", MODIFIED_GRASSLAND, Tier.FAR, 28_800
    )
    return Example(
        "far_pair",
        "Pair 1/2 x 40,800 + 1/2 x 28,800 = 34,800 per unit beats the single 40,800.",
        make_request([(NEUTRAL_GRASSLAND, 0.14)]),
        make_reference([FAR_BANK], stock, prices),
    )


def local_beats_far() -> Example:
    """Build a quote where a local bank (22,750) wins a row from a far bank (27,800) in use."""
    stock = [
        StockLine("LOC-1", "LOC", NEUTRAL_GRASSLAND, 10.0),
        StockLine("FAR-1", "FAR", NEUTRAL_GRASSLAND, 10.0),
        StockLine("FAR-3", "FAR", NATIVE_HEDGEROW, 10.0),
    ]
    prices = (
        price_rows("LOC", NEUTRAL_GRASSLAND, Tier.LOCAL, 22_750)
        | price_rows("FAR", NEUTRAL_GRASSLAND, Tier.FAR, 27_800)
        | price_rows("FAR", NATIVE_HEDGEROW, Tier.FAR, 30_000)
    )
    return Example(
        "local_beats_far",
        "Grassland goes local (0.11 x 22,750 = 2,502.50); only the far bank stocks hedgerow.",
        make_request([(NEUTRAL_GRASSLAND, 0.11), (NATIVE_HEDGEROW, 0.2)]),
        make_reference([LOCAL_BANK, FAR_BANK], stock, prices),
    )


def minimum_delivery() -> Example:
    """Build rows of 0.0064 and 0.0012 units at 22,000, raised to supply 0.01 units in total."""
    stock = [
        StockLine("LOC-1", "LOC", NEUTRAL_GRASSLAND, 10.0),
        StockLine("LOC-2", "LOC", MODIFIED_GRASSLAND, 10.0),
    ]
    prices = price_rows("LOC", NEUTRAL_GRASSLAND, Tier.LOCAL, 22_000) | price_rows(
        "LOC", MODIFIED_GRASSLAND, Tier.LOCAL, 22_000
    )
    return Example(
        "minimum_delivery",
        "Rows of 0.0064 and 0.0012 units become 0.0088 and 0.0012; 0.01 x 22,000 = 220.00.",
        make_request([(NEUTRAL_GRASSLAND, 0.0064), (MODIFIED_GRASSLAND, 0.0012)]),
        make_reference([LOCAL_BANK], stock, prices),
    )


def mixed_ledgers() -> Example:
    """Build area, hedgerow, watercourse and felled woodland demand across three banks."""
    stock = [
        StockLine("LOC-1", "LOC", NEUTRAL_GRASSLAND, 2.0),
        StockLine("LOC-2", "LOC", MODIFIED_GRASSLAND, 5.0, units_held=1.0),
        StockLine("LOC-3", "LOC", NATIVE_HEDGEROW, 1.0),
        StockLine("LOC-4", "LOC", "Other rivers and streams", 0.5),
        StockLine("ADJ-1", "ADJ", NEUTRAL_GRASSLAND, 3.0),
        StockLine("ADJ-2", "ADJ", MODIFIED_GRASSLAND, 3.0),
        StockLine("FAR-1", "FAR", NEUTRAL_GRASSLAND, 20.0),
    ]
    prices = (
        price_rows("LOC", NEUTRAL_GRASSLAND, Tier.LOCAL, 30_000)
        | price_rows("LOC", MODIFIED_GRASSLAND, Tier.LOCAL, 24_000)
        | price_rows("LOC", NATIVE_HEDGEROW, Tier.LOCAL, 28_000)
        | price_rows("LOC", "Other rivers and streams", Tier.LOCAL, 150_000)
        | price_rows("ADJ", NEUTRAL_GRASSLAND, Tier.ADJACENT, 36_000)
        | price_rows("ADJ", MODIFIED_GRASSLAND, Tier.ADJACENT, 26_000)
        | price_rows("FAR", NEUTRAL_GRASSLAND, Tier.FAR, 45_000)
    )
    request = QuoteRequest(
        lpa_code=SITE_LPA,
        nca_number=SITE_NCA,
        waterbody_id="GB112068060280",
        demand=[
            DemandItem(habitat=NEUTRAL_GRASSLAND, units=1.2),
            DemandItem(habitat="Net Gain (Low-equivalent)", units=0.5),
            DemandItem(habitat="Net Gain (Hedgerows)", units=0.3),
            DemandItem(habitat="Other rivers and streams", units=0.05),
            DemandItem(habitat="Woodland and forest - Felled", units=0.4),
        ],
    )
    return Example(
        "mixed_ledgers",
        "Three ledgers and a felled woodland manual line on one quote.",
        request,
        make_reference([LOCAL_BANK, ADJACENT_BANK, FAR_BANK], stock, prices),
    )


EXAMPLES: dict[str, Callable[[], Example]] = {
    "adjacent_pair": adjacent_pair,
    "far_pair": far_pair,
    "local_beats_far": local_beats_far,
    "minimum_delivery": minimum_delivery,
    "mixed_ledgers": mixed_ledgers,
}
