"""Requests and bank files used by the API and job tests, built from the shipped sample banks."""

from __future__ import annotations

import csv
import io
import zipfile

from bng_optimiser.domain.embedded import SAMPLE_BANKS_DIR

NEUTRAL_GRASSLAND = "Grassland - Other neutral grassland"


def quote_body(client_name: str, units: float = 1.0, **extra: object) -> dict[str, object]:
    """One row of Medium-band grassland for a site in Cheshire West and Chester (NCA 61).

    Names are deliberately in other spellings; the API resolves them.
    """
    body: dict[str, object] = {
        "lpa_code": "cheshire west and chester",
        "nca_number": "61",
        "demand": [{"habitat": "grassland - other NEUTRAL grassland", "units": units}],
        "client_name": client_name,
    }
    body.update(extra)
    return body


def sample_rows(table: str, bank_id: str | None = None) -> list[dict[str, str]]:
    """Rows of banks.csv, stock.csv or prices.csv of the sample banks, optionally one bank's."""
    with (SAMPLE_BANKS_DIR / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row for row in rows if bank_id is None or row["bank_id"] == bank_id]


def sample_price(bank_id: str, habitat: str, contract_size: str, tier: str) -> float:
    for row in sample_rows("prices", bank_id):
        if (row["habitat"], row["contract_size"], row["tier"]) == (habitat, contract_size, tier):
            return float(row["price"])
    raise KeyError((bank_id, habitat, contract_size, tier))


def bank_zip(bank_id: str, price_change: float = 0.0) -> bytes:
    """Return a zip of one sample bank's three CSVs, with `price_change` GBP on its first price."""
    tables = {name: sample_rows(name, bank_id) for name in ("banks", "stock", "prices")}
    first = tables["prices"][0]
    first["price"] = str(float(first["price"]) + price_change)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, rows in tables.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            zipped.writestr(f"{name}.csv", text.getvalue())
    return archive.getvalue()
