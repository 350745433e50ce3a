"""Write the illustrative sample banks shipped in `src/bng_optimiser/data/banks/`.

No market price data for habitat bank units is public, so these banks, their stock and their
prices are invented. The output is fixed by SEED, so running the script again rewrites the same
files byte for byte. Run it from the repository root:

    .venv/bin/python scripts/generate_sample_banks.py

Bank locations are real English LPAs. Each NCA was picked by hand as one that covers part of
that LPA, and each waterbody id is a real WFD waterbody in or beside that LPA.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from bng_optimiser.domain.bank_files import BankTables, read_bank_files, write_bank_files
from bng_optimiser.domain.catalogue import Ledger
from bng_optimiser.domain.embedded import SAMPLE_BANKS_DIR, load_static
from bng_optimiser.domain.reference import CONTRACT_SIZES, Bank, ContractSize, StockLine, Tier

SEED = 20240212  # the date mandatory BNG began in England, for a memorable fixed seed

# (bank id, name, LPA code, NCA number, waterbody id or "", habitats). A bank with a habitat
# list stocks exactly those; the others draw theirs at random. The first seven sit around
# Cheshire West and Chester (E60000016, NCA 61) with fixed lists, so that the README example
# finds local banks for its common habitats but must go to adjacent or far banks for woodland
# and scrub, where paired options compete.
BANK_SITES: list[tuple[str, str, str, int, str, tuple[str, ...]]] = [
    ("BNK001", "Gowy Meadows Habitat Bank", "E60000016", 61, "GB112068060280",
     ("Grassland - Other neutral grassland", "Grassland - Modified grassland",
      "Lakes - Ponds (non-priority habitat)", "Native hedgerow", "Other rivers and streams",
      "Ditches")),
    ("BNK002", "Stanney Marshes Habitat Bank", "E60000016", 60, "GB112068060260",
     ("Grassland - Modified grassland", "Wetland - Reedbeds",
      "Lakes - Ponds (non-priority habitat)", "Line of trees", "Other rivers and streams",
      "Ditches")),
    ("BNK003", "Dane Valley Farm Habitat Bank", "E60000015", 61, "GB112068060190",
     ("Grassland - Other neutral grassland", "Grassland - Modified grassland",
      "Grassland - Traditional orchards", "Species-rich native hedgerow",
      "Native hedgerow with trees", "Culvert")),
    ("BNK004", "Dee Estuary Fields Habitat Bank", "E60000051", 59, "",
     ("Heathland and shrub - Mixed scrub", "Heathland and shrub - Hawthorn scrub",
      "Grassland - Modified grassland", "Grassland - Other neutral grassland",
      "Native hedgerow")),
    ("BNK005", "Long Mynd Edge Habitat Bank", "E60000114", 65, "",
     ("Woodland and forest - Lowland mixed deciduous woodland",
      "Woodland and forest - Other woodland; broadleaved", "Grassland - Other neutral grassland",
      "Grassland - Modified grassland", "Grassland - Lowland meadows", "Native hedgerow")),
    ("BNK006", "Rixton Mosses Habitat Bank", "E60000018", 60, "",
     ("Wetland - Reedbeds", "Wetland - Lowland raised bog", "Heathland and shrub - Willow scrub",
      "Grassland - Modified grassland", "Grassland - Other neutral grassland")),
    ("BNK007", "Leek Uplands Habitat Bank", "E60000123", 53, "",
     ("Grassland - Other lowland acid grassland", "Grassland - Modified grassland",
      "Heathland and shrub - Hazel scrub", "Woodland and forest - Other woodland; mixed",
      "Native hedgerow")),
    ("BNK008", "Lathkill Dale Farm Habitat Bank", "E60000080", 52, "", ()),
    ("BNK009", "Roddam Burn Habitat Bank", "E60000005", 3, "GB102021072860", ()),
    ("BNK010", "Magnesian Grasslands Habitat Bank", "E60000001", 15, "", ()),
    ("BNK011", "Ryedale Carrs Habitat Bank", "E60000336", 26, "GB104027068190", ()),
    ("BNK012", "Holderness Drains Habitat Bank", "E60000052", 40, "GB104026066890", ()),
    ("BNK013", "Aberford Limestone Habitat Bank", "E60000071", 30, "", ()),
    ("BNK014", "Lune Marsh Habitat Bank", "E60000039", 31, "", ()),
    ("BNK015", "Martin Mere Fringe Habitat Bank", "E60000045", 32, "", ()),
    ("BNK016", "Wolds Chalk Habitat Bank", "E60000093", 43, "", ()),
    ("BNK017", "Fenland Washes Habitat Bank", "E60000096", 46, "", ()),
    ("BNK018", "Maun Headwaters Habitat Bank", "E60000110", 49, "GB104028052960", ()),
    ("BNK019", "Charnwood Heath Habitat Bank", "E60000086", 73, "", ()),
    ("BNK020", "Feldon Pastures Habitat Bank", "E60000128", 96, "", ()),
    ("BNK021", "Vale of Evesham Habitat Bank", "E60000141", 106, "", ()),
    ("BNK022", "Evenlode Valley Habitat Bank", "E60000309", 107, "GB106039037410", ()),
    ("BNK023", "Wendling Beck Habitat Bank", "E60000176", 84, "GB105034051020", ()),
    ("BNK024", "Brecks Heath Habitat Bank", "E60000187", 85, "GB105033043010", ()),
    ("BNK025", "Stour Valley Meadows Habitat Bank", "E60000155", 86, "GB105036040941", ()),
    ("BNK026", "Greensand Ridge Habitat Bank", "E60000144", 90, "", ()),
    ("BNK027", "Chiltern Beechwoods Habitat Bank", "E60000331", 110, "", ()),
    ("BNK028", "Lambourn Downs Habitat Bank", "E60000230", 116, "", ()),
    ("BNK029", "High Weald Woods Habitat Bank", "E60000241", 122, "", ()),
    ("BNK030", "Greensand Hills Habitat Bank", "E60000259", 120, "", ()),
    ("BNK031", "Test Valley Water Meadows Habitat Bank", "E60000251", 130, "GB107042022750", ()),
    ("BNK032", "Winfrith Heath Habitat Bank", "E60000292", 135, "GB108044009650", ()),
    ("BNK033", "Brue Levels Habitat Bank", "E60000337", 142, "GB108052021190", ()),
    ("BNK034", "Redlands Farm Habitat Bank", "E60000302", 148, "", ()),
    ("BNK035", "Killas Valley Habitat Bank", "E60000291", 152, "", ()),
    ("BNK036", "Eden Valley Habitat Bank", "E60000335", 9, "", ()),
]

# Habitats that banks typically create or enhance, by band. Coastal and upland specialities are
# left out because few banks could deliver them.
AREA_POOL: dict[str, tuple[str, ...]] = {
    "Low": (
        "Grassland - Modified grassland",
        "Sparsely vegetated land - Ruderal/Ephemeral",
        "Sparsely vegetated land - Tall forbs",
        "Woodland and forest - Other coniferous woodland",
        "Cropland - Temporary grass and clover leys",
    ),
    "Medium": (
        "Grassland - Other neutral grassland",
        "Grassland - Other lowland acid grassland",
        "Heathland and shrub - Mixed scrub",
        "Heathland and shrub - Hawthorn scrub",
        "Heathland and shrub - Bramble scrub",
        "Heathland and shrub - Hazel scrub",
        "Heathland and shrub - Willow scrub",
        "Heathland and shrub - Blackthorn scrub",
        "Woodland and forest - Other woodland; broadleaved",
        "Woodland and forest - Other woodland; mixed",
        "Lakes - Ponds (non-priority habitat)",
        "Cropland - Arable field margins pollen and nectar",
        "Cropland - Arable field margins tussocky",
        "Individual trees - Rural tree",
    ),
    "High": (
        "Woodland and forest - Lowland mixed deciduous woodland",
        "Woodland and forest - Wet woodland",
        "Grassland - Traditional orchards",
        "Grassland - Lowland calcareous grassland",
        "Heathland and shrub - Lowland heathland",
        "Wetland - Reedbeds",
        "Lakes - Ponds (priority habitat)",
        "Grassland - Floodplain wetland mosaic and CFGM",
    ),
    "V.High": (
        "Grassland - Lowland meadows",
        "Wetland - Purple moor grass and rush pastures",
        "Woodland and forest - Wood-pasture and parkland",
        "Wetland - Fens (upland and lowland)",
    ),
}
# Relative chance of drawing each band: banks mostly sell Low and Medium units.
AREA_BAND_WEIGHTS = {"Low": 3, "Medium": 5, "High": 3, "V.High": 1}
WATERCOURSE_POOL = ("Other rivers and streams", "Ditches", "Canals", "Culvert")

# Local, medium-contract price before per-bank and per-habitat variation, GBP per unit.
BASE_PRICE: dict[Ledger, dict[str, float]] = {
    Ledger.AREA: {"V.Low": 14_000, "Low": 20_000, "Medium": 26_000, "High": 34_000,
                  "V.High": 48_000},
    Ledger.HEDGEROW: {"V.Low": 10_000, "Low": 15_000, "Medium": 20_000, "High": 25_000,
                      "V.High": 30_000},
    Ledger.WATERCOURSE: {"Low": 60_000, "Medium": 90_000, "High": 120_000, "V.High": 150_000},
}
# Larger contracts are cheaper per unit.
SIZE_FACTOR = {
    ContractSize.FRACTIONAL: 1.12,
    ContractSize.SMALL: 1.05,
    ContractSize.MEDIUM: 1.00,
    ContractSize.LARGE: 0.92,
}
ADJACENT_FACTOR_RANGE = (1.28, 1.40)
FAR_FACTOR_RANGE = (1.65, 1.95)
BANK_FACTOR_RANGE = (0.90, 1.10)
HABITAT_FACTOR_RANGE = (0.95, 1.05)

# Statutory credit prices (GBP per credit, July 2023) x 2 credits per unit = the price of last
# resort per unit, which a bank price must stay under. Each area band takes the lowest credit
# tier that a habitat of that distinctiveness can fall in (A1 low, A2 medium, A3 high). So the
# check is never looser than the statutory table: A1 2 x 42,000, A2 2 x 48,000, A3 2 x 66,000.
CEILING_PER_UNIT: dict[Ledger, dict[str, float]] = {
    Ledger.AREA: {"V.Low": 84_000, "Low": 84_000, "Medium": 96_000, "High": 132_000,
                  "V.High": 132_000},
    Ledger.HEDGEROW: dict.fromkeys(("V.Low", "Low", "Medium", "High", "V.High"), 88_000),
    Ledger.WATERCOURSE: dict.fromkeys(("Low", "Medium", "High", "V.High"), 460_000),
}


def build_tables(rng: random.Random) -> BankTables:
    """Draw the stock and prices of every bank in BANK_SITES."""
    catalogue, geography = load_static()
    banks: dict[str, Bank] = {}
    stock: dict[str, StockLine] = {}
    prices = {}
    hedgerows = [h.label for h in catalogue.of_ledger(Ledger.HEDGEROW)]

    for bank_id, name, lpa_code, nca_number, waterbody, fixed in BANK_SITES:
        geography.lpa(lpa_code)
        geography.nca(nca_number)
        if waterbody:
            geography.waterbody(waterbody)
        banks[bank_id] = Bank(bank_id, name, lpa_code, nca_number, waterbody or None)

        habitats = list(fixed) or _draw_habitats(rng, hedgerows, with_watercourse=bool(waterbody))

        bank_factor = rng.uniform(*BANK_FACTOR_RANGE)
        tier_factor = {
            Tier.LOCAL: 1.0,
            Tier.ADJACENT: rng.uniform(*ADJACENT_FACTOR_RANGE),
            Tier.FAR: rng.uniform(*FAR_FACTOR_RANGE),
        }
        for number, label in enumerate(habitats, start=1):
            habitat = catalogue.supply(label)
            stock_id = f"{bank_id}-S{number:02d}"
            available = _draw_units(rng, habitat.ledger)
            held = round(available * rng.uniform(0.1, 0.4), 2) if rng.random() < 0.25 else 0.0
            stock[stock_id] = StockLine(stock_id, bank_id, habitat.label, available, held)

            base = BASE_PRICE[habitat.ledger][habitat.band] * bank_factor
            base *= rng.uniform(*HABITAT_FACTOR_RANGE)
            ceiling = CEILING_PER_UNIT[habitat.ledger][habitat.band]
            for size in CONTRACT_SIZES:
                for tier, factor in tier_factor.items():
                    price = round(base * factor * SIZE_FACTOR[size] / 50) * 50
                    if price >= ceiling:
                        raise ValueError(
                            f"{bank_id} {habitat.label} {size.value} {tier.value} price "
                            f"{price:,} is not below the statutory ceiling {ceiling:,.0f}"
                        )
                    prices[(bank_id, habitat.label, size, tier)] = float(price)
    return BankTables(banks=banks, stock=stock, prices=prices)


def _draw_habitats(
    rng: random.Random, hedgerows: list[str], *, with_watercourse: bool
) -> list[str]:
    """Draw 5 to 20 distinct habitats: area ones by band weight, then hedgerow and watercourse."""
    area: list[str] = []
    target = rng.randint(4, 12)
    while len(area) < target:
        band = rng.choices(list(AREA_BAND_WEIGHTS), weights=list(AREA_BAND_WEIGHTS.values()))[0]
        habitat = rng.choice(AREA_POOL[band])
        if habitat not in area:
            area.append(habitat)
    habitats = area + rng.sample(hedgerows, rng.randint(1, 3))
    if with_watercourse:
        habitats.extend(rng.sample(WATERCOURSE_POOL, rng.randint(1, 2)))
    return habitats


def _draw_units(rng: random.Random, ledger: Ledger) -> float:
    low, high = {
        Ledger.AREA: (0.5, 12.0),
        Ledger.HEDGEROW: (0.2, 4.0),
        Ledger.WATERCOURSE: (0.1, 2.0),
    }[ledger]
    return round(rng.uniform(low, high), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_BANKS_DIR, help="output folder")
    args = parser.parse_args()

    tables = build_tables(random.Random(SEED))
    for path in write_bank_files(tables, args.out):
        sys.stdout.write(f"wrote {path}\n")

    # Reading the files back applies every check that a user's bank files get.
    catalogue, geography = load_static()
    check = read_bank_files(args.out, catalogue, geography)
    sys.stdout.write(
        f"{len(check.banks)} banks, {len(check.stock)} stock lines, {len(check.prices)} prices\n"
    )


if __name__ == "__main__":
    main()
