"""Load the shipped reference data into the database: catalogue, geography, sample banks.

Seeding only adds what is missing. Catalogue and geography rows are inserted with
ON CONFLICT DO NOTHING, sample banks only into an empty banks table (imported banks are never
mixed with the illustrative ones), and promoters only when absent. A second run therefore
changes nothing and adds no version.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ..domain.embedded import REFERENCE_DIR, EmbeddedSource, load_static
from .models import (
    BankRow,
    Base,
    HabitatRow,
    LpaNeighbourRow,
    LpaRow,
    NcaNeighbourRow,
    NcaRow,
    PriceRow,
    PromoterRow,
    StockLineRow,
    WaterbodyRow,
)
from .versions import lock_reference_data, record_version

logger = logging.getLogger(__name__)

# Illustrative promoters for demonstrations and tests; not real companies or terms.
SAMPLE_PROMOTERS: tuple[tuple[str, str, float], ...] = (
    ("Example Homes Ltd (illustrative)", "tier_up", 0.0),
    ("Sample Developments plc (illustrative)", "percentage", 5.0),
    ("Direct client (no terms)", "none", 0.0),
)


@dataclass(frozen=True)
class SeedReport:
    """Rows inserted per table by one seed run, and the version it created, if any."""

    inserted: dict[str, int]
    version: str | None


def seed(session: Session, *, who: str = "seed") -> SeedReport:
    """Insert the shipped reference data that the database lacks; flushes, does not commit.

    Returns how many rows each table gained and the new version label (None if unchanged).
    """
    lock_reference_data(session)
    inserted = {
        "habitats": _insert_missing(session, HabitatRow, _habitat_rows()),
        "lpas": _insert_missing(session, LpaRow, _lpa_rows()),
        "ncas": _insert_missing(session, NcaRow, _nca_rows()),
        "waterbodies": _insert_missing(session, WaterbodyRow, _waterbody_rows()),
    }
    inserted["lpa_neighbours"] = _insert_missing(session, LpaNeighbourRow, _lpa_pair_rows())
    inserted["nca_neighbours"] = _insert_missing(session, NcaNeighbourRow, _nca_pair_rows())
    inserted.update(_insert_sample_banks(session))
    inserted["promoters"] = _insert_missing(
        session,
        PromoterRow,
        [{"name": n, "discount_type": t, "discount_value": v} for n, t, v in SAMPLE_PROMOTERS],
    )

    added = {table: count for table, count in inserted.items() if count}
    summary = "seed: " + (", ".join(f"{n} {t}" for t, n in added.items()) or "nothing new")
    version = record_version(session, who=who, summary=summary, changes={"inserted": added})
    label = None if version is None else f"v{version.id}-{version.content_hash[:8]}"
    logger.info("seeded reference data: %s; version %s", summary, label or "unchanged")
    return SeedReport(inserted=inserted, version=label)


def _insert_missing(
    session: Session, model: type[Base], rows: list[dict[str, Any]], *, skip_existing: bool = True
) -> int:
    if not rows:
        return 0
    statement = insert(model)
    if skip_existing:
        statement = statement.on_conflict_do_nothing()
    total = 0
    # Batches keep each statement well under PostgreSQL's limit of 65,535 bind parameters.
    for start in range(0, len(rows), 2000):
        keys = inspect(model).primary_key
        result = session.execute(statement.returning(*keys), rows[start:start + 2000])
        total += len(result.all())
    return total


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _habitat_rows() -> list[dict[str, Any]]:
    catalogue, _ = load_static()
    stockable = [h for h in catalogue.habitats.values() if not h.net_gain]
    return [
        {
            "label": h.label,
            "ledger": h.ledger.value,
            "band": h.band,
            "score": h.score,
            "broad_habitat": h.broad_habitat,
            "position": position,
        }
        for position, h in enumerate(stockable)
    ]


def _lpa_rows() -> list[dict[str, Any]]:
    return [
        {"code": r["lpa_code"], "name": r["lpa_name"], "country": r["country"]}
        for r in _read_csv(REFERENCE_DIR / "geo" / "lpa_apr2023_list.csv")
    ]


def _nca_rows() -> list[dict[str, Any]]:
    return [
        {"number": int(r["nca_number"]), "name": r["nca_name"]}
        for r in _read_csv(REFERENCE_DIR / "geo" / "nca_list.csv")
    ]


def _waterbody_rows() -> list[dict[str, Any]]:
    return [
        {
            "wbid": r["WBID"],
            "name": r["name"],
            "water_type": r["type"],
            "operational_catchment": r["OC"],
            "management_catchment": r["MC"],
            "river_basin_district": r["RBD"],
        }
        for r in _read_csv(REFERENCE_DIR / "geo" / "ea_wfd_waterbody_catchments.csv")
    ]


def _lpa_pair_rows() -> list[dict[str, Any]]:
    pairs = {
        tuple(sorted((r["lpa_code_a"], r["lpa_code_b"])))
        for r in _read_csv(REFERENCE_DIR / "geo" / "lpa_apr2023_adjacency.csv")
    }
    return [{"lpa_a": a, "lpa_b": b} for a, b in sorted(pairs)]


def _nca_pair_rows() -> list[dict[str, Any]]:
    pairs = {
        tuple(sorted((int(r["nca_number_a"]), int(r["nca_number_b"]))))
        for r in _read_csv(REFERENCE_DIR / "geo" / "nca_adjacency.csv")
    }
    return [{"nca_a": a, "nca_b": b} for a, b in sorted(pairs)]


def _insert_sample_banks(session: Session) -> dict[str, int]:
    if session.scalar(select(func.count()).select_from(BankRow)):
        return {"banks": 0, "stock_lines": 0, "prices": 0}
    sample = EmbeddedSource().load()
    banks = [
        {"bank_id": b.bank_id, "name": b.name, "lpa_code": b.lpa_code,
         "nca_number": b.nca_number, "waterbody_id": b.waterbody_id}
        for b in sample.banks.values()
    ]
    stock = [
        {"stock_id": s.stock_id, "bank_id": s.bank_id, "habitat": s.habitat,
         "units_available": s.units_available, "units_held": s.units_held}
        for s in sample.stock.values()
    ]
    prices = [
        {"bank_id": k[0], "habitat": k[1], "contract_size": k[2].value, "tier": k[3].value,
         "price": v}
        for k, v in sample.prices.items()
    ]
    # The banks table is empty, so plain inserts suffice; ON CONFLICT cannot name the
    # deferrable (bank, habitat) constraint of stock lines anyway.
    return {
        "banks": _insert_missing(session, BankRow, banks, skip_existing=False),
        "stock_lines": _insert_missing(session, StockLineRow, stock, skip_existing=False),
        "prices": _insert_missing(session, PriceRow, prices, skip_existing=False),
    }
