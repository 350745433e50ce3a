"""A tiny bank register written by the tests, so quoted money can be worked out by hand.

Two banks: BNK-T1 in Cheshire West and Chester (E60000016, NCA 61), local to the example site,
and BNK-T2 in County Durham (E60000001, NCA 15), far from it. Prices are GBP per unit of demand.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

SITE_LPA = "E60000016"
SITE_NCA = 61

BANKS_CSV = """bank_id,name,lpa_code,nca_number,waterbody_id
BNK-T1,Test Meadows Bank,E60000016,61,
BNK-T2,Test Fell Bank,E60000001,15,
"""
STOCK_CSV = """stock_id,bank_id,habitat,units_available,units_held
BNK-T1-S1,BNK-T1,Grassland - Other neutral grassland,10,0
BNK-T1-S2,BNK-T1,Native hedgerow,5,0
BNK-T2-S1,BNK-T2,Grassland - Other neutral grassland,10,0
"""
PRICES_CSV = """bank_id,habitat,contract_size,tier,price
BNK-T1,Grassland - Other neutral grassland,small,local,1000
BNK-T1,Native hedgerow,small,local,500
BNK-T2,Grassland - Other neutral grassland,small,far,1800
"""
# A third bank for import tests, far from the site and dearer, so quotes never use it.
EXTRA_BANKS_CSV = """bank_id,name,lpa_code,nca_number,waterbody_id
BNK-T3,Test Moor Bank,E60000001,15,
"""
EXTRA_STOCK_CSV = """stock_id,bank_id,habitat,units_available,units_held
BNK-T3-S1,BNK-T3,Grassland - Other neutral grassland,3,0
"""
EXTRA_PRICES_CSV = """bank_id,habitat,contract_size,tier,price
BNK-T3,Grassland - Other neutral grassland,small,far,1900
"""
# Deliberately invalid: a negative stock figure and a price for an unknown bank.
BAD_STOCK_CSV = EXTRA_STOCK_CSV + "BNK-T3-S2,BNK-T3,Native hedgerow,-2,0\n"
BAD_PRICES_CSV = EXTRA_PRICES_CSV + "BNK-NOPE,Native hedgerow,small,local,500\n"

# The demand the tests quote: 0.5 + 0.2 = 0.7 units, a small contract (0.1 <= 0.7 < 2.5).
DEMAND = [
    {"habitat": "Grassland - Other neutral grassland", "units": 0.5},
    {"habitat": "Native hedgerow", "units": 0.2},
]
# Both rows come from BNK-T1 at local prices: 0.5 x 1,000 + 0.2 x 500 = 500 + 100 = 600.
EXPECTED_SUBTOTAL = 600.0
# Admin fee of a small contract: 500; total 600 + 500 = 1,100.
EXPECTED_ADMIN_FEE = 500.0
EXPECTED_TOTAL = 1100.0


def write_bank_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "banks.csv").write_text(BANKS_CSV)
    (folder / "stock.csv").write_text(STOCK_CSV)
    (folder / "prices.csv").write_text(PRICES_CSV)
    return folder


def _zip(banks_csv: str, stock_csv: str, prices_csv: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("banks.csv", banks_csv)
        archive.writestr("stock.csv", stock_csv)
        archive.writestr("prices.csv", prices_csv)
    return buffer.getvalue()


def bank_zip() -> bytes:
    """Return a zip of the three CSVs of BNK-T1 and BNK-T2."""
    return _zip(BANKS_CSV, STOCK_CSV, PRICES_CSV)


def extra_bank_zip(*, bad: bool = False) -> bytes:
    """Return a zip of BNK-T3 alone; `bad` adds two invalid rows."""
    if bad:
        return _zip(EXTRA_BANKS_CSV, BAD_STOCK_CSV, BAD_PRICES_CSV)
    return _zip(EXTRA_BANKS_CSV, EXTRA_STOCK_CSV, EXTRA_PRICES_CSV)
