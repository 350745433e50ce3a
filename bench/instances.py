"""Seeded benchmark instances: banks, stock, prices and a request, built in memory.

Every instance uses the real catalogue and geography and a site in Cheshire West and Chester
(LPA E60000016, NCA 61). About one bank in ten sits in the site's LPA or a neighbouring LPA, so
every instance has local, adjacent and far options. The same size and seed always give the
same instance.

The "tight" instance quotes on the shipped sample banks instead, with every held unit held
back, so that some rows cannot be met and the others compete for the stock left.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bng_optimiser.domain.catalogue import FELLED_WOODLAND, PRIORITY_WATERCOURSE, Ledger
from bng_optimiser.domain.embedded import EmbeddedSource, load_static
from bng_optimiser.domain.reference import (
    CONTRACT_SIZES,
    TIERS,
    Bank,
    ContractSize,
    PriceKey,
    ReferenceData,
    StockLine,
    Tier,
)
from bng_optimiser.domain.request import DemandItem, QuoteRequest

SITE_LPA = "E60000016"  # Cheshire West and Chester
SITE_NCA = 61  # Shropshire, Cheshire and Staffordshire Plain
SITE_WATERBODY = "GB112068060280"  # Gowy and tribs (Source to Milton Brook)

# Size name -> (banks, demand rows).
SIZES: dict[str, tuple[int, int]] = {
    "small": (5, 3),
    "medium": (20, 8),
    "large": (60, 20),
    "xlarge": (200, 40),
    "huge": (1_000, 100),
}
DEFAULT_SEED = 7
# The tight-stock instance: demand rows on the sample banks, and each row's units, drawn
# uniformly. Rows of up to 3 units outgrow most sample stock lines once held units are out.
# With seed 1, 6 rows are blocked for want of stock and 2 by the bank limit, and 22 are met.
TIGHT = "tight"
TIGHT_ROWS = 30
TIGHT_SEED = 1
TIGHT_UNITS = (0.2, 3.0)
# The many-rows instance: a tester's 500-row request on the sample banks, each row naming a
# random catalogue habitat (felled woodland and priority watercourse aside) at 0.02 to 3 units,
# 755.7 units in all with the default seed. Of those rows, 171 have no legal habitat stocked.
# The engine meets 53 of the others within the 5-bank limit, unproven whether more would fit.
MANY = "many"
MANY_ROWS = 500
MANY_SEED = 500
MANY_UNITS = (0.02, 3.0)
INSTANCE_NAMES = (*SIZES, TIGHT, MANY)

# Local price by band, GBP per unit; the same scale as the shipped sample banks.
BASE_PRICE = {"V.Low": 14_000, "Low": 20_000, "Medium": 26_000, "High": 34_000,
              "V.High": 48_000}
WATERCOURSE_PRICE_FACTOR = 4.0
TIER_FACTOR = {Tier.LOCAL: 1.0, Tier.ADJACENT: 1.35, Tier.FAR: 1.8}
SIZE_FACTOR = {ContractSize.FRACTIONAL: 1.12, ContractSize.SMALL: 1.05,
               ContractSize.MEDIUM: 1.0, ContractSize.LARGE: 0.92}
# Habitats that most banks sell. Banks draw three quarters of their stock from these, and
# demand rows name them because most developments owe a few common habitats.
COMMON_HABITATS = (
    "Grassland - Modified grassland",
    "Sparsely vegetated land - Ruderal/Ephemeral",
    "Woodland and forest - Other coniferous woodland",
    "Grassland - Other neutral grassland",
    "Heathland and shrub - Mixed scrub",
    "Heathland and shrub - Hawthorn scrub",
    "Heathland and shrub - Bramble scrub",
    "Woodland and forest - Other woodland; broadleaved",
    "Lakes - Ponds (non-priority habitat)",
    "Individual trees - Rural tree",
    "Woodland and forest - Lowland mixed deciduous woodland",
    "Grassland - Traditional orchards",
    "Wetland - Reedbeds",
    "Native hedgerow",
    "Line of trees",
    "Species-rich native hedgerow",
    "Ditches",
    "Other rivers and streams",
)
# High demand must be met by the same habitat, so it names the two most common High habitats.
COMMON_HIGH_DEMAND = (
    "Woodland and forest - Lowland mixed deciduous woodland",
    "Grassland - Traditional orchards",
)


@dataclass(frozen=True)
class Instance:
    """A named benchmark problem: the reference data and the request to quote on it."""

    name: str
    reference: ReferenceData
    request: QuoteRequest

    @property
    def summary(self) -> str:
        return (f"{len(self.reference.banks)} banks, {len(self.reference.stock)} stock lines, "
                f"{len(self.reference.prices)} prices, {len(self.request.demand)} rows")


def build_instance(size: str, seed: int | None = None) -> Instance:
    """Build the instance of a name in INSTANCE_NAMES; raise ValueError naming the valid ones.

    `seed` None means the instance's own default: TIGHT_SEED for "tight", MANY_SEED for
    "many", else DEFAULT_SEED.
    """
    if size == TIGHT:
        return build_tight_instance(TIGHT_ROWS, TIGHT_SEED if seed is None else seed)
    if size == MANY:
        return build_many_rows_instance(MANY_ROWS, MANY_SEED if seed is None else seed)
    seed = DEFAULT_SEED if seed is None else seed
    if size not in SIZES:
        raise ValueError(f"benchmark size {size!r} is not one of {', '.join(INSTANCE_NAMES)}")
    bank_count, row_count = SIZES[size]
    rng = random.Random(f"{size}-{seed}")
    catalogue, geography = load_static()

    near_lpas = sorted({SITE_LPA} | set(geography.lpa_neighbours[SITE_LPA]) & set(geography.lpas))
    all_lpas = sorted(geography.lpas)
    all_ncas = sorted(geography.ncas)
    waterbodies = sorted(geography.waterbodies)
    supply = [h for h in catalogue.habitats.values()
              if not h.net_gain and h.label not in (FELLED_WOODLAND, PRIORITY_WATERCOURSE)]

    common = [h for h in supply if h.label in COMMON_HABITATS]
    banks: dict[str, Bank] = {}
    stock: dict[str, StockLine] = {}
    prices: dict[PriceKey, float] = {}
    for number in range(1, bank_count + 1):
        bank_id = f"B{number:04d}"
        near = rng.random() < 0.1
        lpa = rng.choice(near_lpas if near else all_lpas)
        waterbody = rng.choice([SITE_WATERBODY, *waterbodies[:50]]) if rng.random() < 0.3 else None
        banks[bank_id] = Bank(bank_id, f"Bench bank {number}", lpa, rng.choice(all_ncas), waterbody)

        # One bank in ten is a large bank that stocks every common habitat and 10 others.
        # The rest stock 8 to 20 habitats, mostly common ones.
        if rng.random() < 0.1:
            habitats = common + rng.sample(supply, 10)
        else:
            count = rng.randint(8, 20)
            common_count = count * 3 // 4
            habitats = rng.sample(common, common_count) + rng.sample(supply, count - common_count)
        habitats = list(dict.fromkeys(habitats))

        bank_factor = rng.uniform(0.85, 1.15)
        for line_number, habitat in enumerate(habitats, start=1):
            stock_id = f"{bank_id}-S{line_number:02d}"
            stock[stock_id] = StockLine(stock_id, bank_id, habitat.label,
                                        round(rng.uniform(0.5, 15.0), 2))
            base = BASE_PRICE[habitat.band] * bank_factor * rng.uniform(0.95, 1.05)
            if habitat.ledger is Ledger.WATERCOURSE:
                base *= WATERCOURSE_PRICE_FACTOR
            for contract_size in CONTRACT_SIZES:
                for tier in TIERS:
                    price = base * TIER_FACTOR[tier] * SIZE_FACTOR[contract_size]
                    prices[(bank_id, habitat.label, contract_size, tier)] = round(price, 2)

    reference = ReferenceData(catalogue=catalogue, geography=geography, banks=banks, stock=stock,
                              prices=prices, label=f"bench {size}")
    request = QuoteRequest(
        lpa_code=SITE_LPA,
        nca_number=SITE_NCA,
        waterbody_id=SITE_WATERBODY,
        demand=_demand(rng, row_count, supply),
    )
    return Instance(size, reference, request)


def build_tight_instance(row_count: int, seed: int | str = TIGHT_SEED) -> Instance:
    """Build a tight-stock instance: `row_count` rows on the sample banks, held units held.

    Rows name habitats that the sample banks stock, so most rows have legal options, but
    the stock left after holds cannot meet them all.
    """
    reference = EmbeddedSource().load()
    rng = random.Random(seed)
    stocked = sorted({line.habitat for line in reference.stock.values()})
    low, high = TIGHT_UNITS
    demand = [DemandItem(habitat=rng.choice(stocked), units=round(rng.uniform(low, high), 3))
              for _ in range(row_count)]
    request = QuoteRequest(lpa_code=SITE_LPA, nca_number=SITE_NCA, demand=demand,
                           stock_hold_policy="hold_all")
    return Instance(TIGHT, reference, request)


def _demand(rng: random.Random, row_count: int, supply: list) -> list[DemandItem]:
    bands = {h.label: h.band for h in supply}
    medium = [label for label in COMMON_HABITATS if bands.get(label) == "Medium"]
    low = [label for label in COMMON_HABITATS if bands.get(label) == "Low"]

    demand = []
    for _ in range(row_count):
        draw = rng.random()
        if draw < 0.10:
            label = rng.choice(["Native hedgerow", "Line of trees", "Net Gain (Hedgerows)"])
        elif draw < 0.15:
            label = rng.choice(["Ditches", "Net Gain (Watercourses)"])
        elif draw < 0.30:
            label = "Net Gain (Low-equivalent)"
        elif draw < 0.55:
            label = rng.choice(low)
        elif draw < 0.90:
            label = rng.choice(medium)
        else:
            label = rng.choice(COMMON_HIGH_DEMAND)
        demand.append(DemandItem(habitat=label, units=round(rng.uniform(0.02, 0.6), 3)))
    return demand



def build_many_rows_instance(row_count: int = MANY_ROWS, seed: int | str = MANY_SEED) -> Instance:
    """Build `row_count` rows of random catalogue habitats on the sample banks, no holds."""
    reference = EmbeddedSource().load()
    rng = random.Random(seed)
    labels = sorted(label for label in reference.catalogue.habitats
                    if label not in (FELLED_WOODLAND, PRIORITY_WATERCOURSE))
    low, high = MANY_UNITS
    demand = [DemandItem(habitat=rng.choice(labels), units=round(rng.uniform(low, high), 3))
              for _ in range(row_count)]
    request = QuoteRequest(lpa_code=SITE_LPA, nca_number=SITE_NCA, demand=demand)
    return Instance(MANY, reference, request)
