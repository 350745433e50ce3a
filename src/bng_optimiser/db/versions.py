"""Reference data versions: a new row for every change to banks, stock, prices or catalogue.

A version is labelled `v<id>-<hash>`, for example `v12-3fa9c1d0`: the row id orders versions,
and the first 8 hex digits of the content hash keep a label from meaning two different contents
when a database is rebuilt and its ids restart. Caches key results on this label.

Every function that changes reference data first takes `lock_reference_data`, a transaction
advisory lock. Writers therefore run one at a time, and each new version's hash covers the
changes of every writer that committed before it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .errors import NoReferenceDataError
from .models import BankRow, HabitatRow, PriceRow, ReferenceVersionRow, StockLineRow

# Arbitrary 64-bit key of the advisory lock that serialises reference data writers ("BNG" in hex).
REFERENCE_LOCK_KEY = 0x424E47
HASH_LABEL_DIGITS = 8


def lock_reference_data(session: Session) -> None:
    """Wait for and take the reference data write lock until the transaction ends."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REFERENCE_LOCK_KEY})


def version_label(row: ReferenceVersionRow) -> str:
    """Return the label of a version row, such as `v12-3fa9c1d0`."""
    return f"v{row.id}-{row.content_hash[:HASH_LABEL_DIGITS]}"


def latest_version(session: Session) -> ReferenceVersionRow | None:
    """Return the newest version row, or None in a database that was never seeded."""
    statement = select(ReferenceVersionRow).order_by(ReferenceVersionRow.id.desc()).limit(1)
    return session.scalars(statement).first()


def current_version_label(session: Session) -> str:
    """Return the label of the newest version in one indexed query.

    Raises NoReferenceDataError when the database has no version yet.
    """
    row = session.execute(
        select(ReferenceVersionRow.id, ReferenceVersionRow.content_hash)
        .order_by(ReferenceVersionRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NoReferenceDataError(
            "the database contains no reference data; run `bng-optimiser db seed` or import banks"
        )
    return f"v{row.id}-{row.content_hash[:HASH_LABEL_DIGITS]}"


def content_hash(session: Session) -> str:
    """Return a SHA-256 over every column of habitats, banks, stock lines and prices.

    Floats are written with repr, so any change in a unit count or price changes the hash.
    Geography is left out: it comes only from the shipped tables and never changes in place.
    """
    tables: dict[str, list[list[Any]]] = {
        "habitats": [
            list(r) for r in session.execute(
                select(HabitatRow.label, HabitatRow.ledger, HabitatRow.band,
                       HabitatRow.score, HabitatRow.broad_habitat, HabitatRow.position)
                .order_by(HabitatRow.label)
            )
        ],
        "banks": [
            list(r) for r in session.execute(
                select(BankRow.bank_id, BankRow.name, BankRow.lpa_code, BankRow.nca_number,
                       BankRow.waterbody_id).order_by(BankRow.bank_id)
            )
        ],
        "stock": [
            list(r) for r in session.execute(
                select(StockLineRow.stock_id, StockLineRow.bank_id, StockLineRow.habitat,
                       StockLineRow.units_available, StockLineRow.units_held)
                .order_by(StockLineRow.stock_id)
            )
        ],
        "prices": [
            list(r) for r in session.execute(
                select(PriceRow.bank_id, PriceRow.habitat, PriceRow.contract_size,
                       PriceRow.tier, PriceRow.price)
                .order_by(PriceRow.bank_id, PriceRow.habitat, PriceRow.contract_size,
                          PriceRow.tier)
            )
        ],
    }
    text_form = json.dumps(tables, separators=(",", ":"), default=repr)
    return hashlib.sha256(text_form.encode()).hexdigest()


def record_version(
    session: Session, *, who: str, summary: str, changes: dict[str, Any] | None = None
) -> ReferenceVersionRow | None:
    """Add a version row if the content differs from the newest version; flush, no commit.

    Call it inside the transaction that made the change, after `lock_reference_data`.
    Returns the new row, or None when the content is unchanged (no version is added).
    """
    session.flush()
    digest = content_hash(session)
    latest = latest_version(session)
    if latest is not None and latest.content_hash == digest:
        return None
    row = ReferenceVersionRow(
        content_hash=digest, created_by=who, summary=summary, changes=changes or {}
    )
    session.add(row)
    session.flush()
    return row
