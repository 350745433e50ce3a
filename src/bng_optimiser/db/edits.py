"""Single edits of reference data, each recorded as a new version in the same transaction.

Bulk changes go through `importer.import_banks`; these functions serve admin screens and
tests. Each one takes the reference data write lock, changes one row, flushes and returns the
new version label without committing. An edit that changes nothing adds no version.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ..domain.catalogue import BANDS
from ..domain.exceptions import InvalidInputError, UnknownNameError
from ..domain.names import suggest
from ..domain.reference import ContractSize, Tier
from .models import BankRow, HabitatRow, PriceRow, StockLineRow
from .versions import current_version_label, lock_reference_data, record_version


def rename_bank(session: Session, bank_id: str, name: str, *, who: str) -> str:
    """Give bank `bank_id` a new display name; returns the version label after the edit."""
    lock_reference_data(session)
    bank = get_bank(session, bank_id)
    if not name.strip():
        raise InvalidInputError("bank name is empty; give the name quotes should show")
    bank.name = name.strip()
    return _record(session, who, f"rename bank {bank_id} to {bank.name!r}", {"bank": bank_id})


def set_stock(session: Session, stock_id: str, units_available: float, *, who: str) -> str:
    """Set the units available on a stock line, in the bank's biodiversity units.

    Raises InvalidInputError when the value is negative or below the units already held.
    Returns the version label after the edit.
    """
    lock_reference_data(session)
    line = _get(session, StockLineRow, stock_id, "stock_id", select(StockLineRow.stock_id))
    if not units_available >= 0:
        raise InvalidInputError(f"units_available must be 0 or more, got {units_available!r}")
    if units_available < line.units_held:
        raise InvalidInputError(
            f"units_available {units_available:g} for {stock_id} is below the "
            f"{line.units_held:g} units already held; release holds first"
        )
    line.units_available = units_available
    return _record(session, who, f"set stock {stock_id} to {units_available:g} units",
                   {"stock": stock_id})


def set_price(
    session: Session,
    bank_id: str,
    habitat: str,
    contract_size: str,
    tier: str,
    price: float,
    *,
    who: str,
) -> str:
    """Add or change one price, in GBP per unit of demand met; returns the version label.

    Raises InvalidInputError or UnknownNameError naming the bad value and the valid ones.
    """
    lock_reference_data(session)
    _get(session, BankRow, bank_id, "bank_id", select(BankRow.bank_id))
    _get(session, HabitatRow, habitat, "habitat", select(HabitatRow.label))
    sizes = [s.value for s in ContractSize]
    tiers = [t.value for t in Tier]
    if contract_size not in sizes:
        raise InvalidInputError(
            f"contract_size {contract_size!r} is invalid; use one of {', '.join(sizes)}"
        )
    if tier not in tiers:
        raise InvalidInputError(f"tier {tier!r} is invalid; use one of {', '.join(tiers)}")
    if not price > 0:
        raise InvalidInputError(f"price must be greater than 0 GBP, got {price!r}")
    statement = insert(PriceRow).values(
        bank_id=bank_id, habitat=habitat, contract_size=contract_size, tier=tier, price=price
    )
    session.execute(statement.on_conflict_do_update(
        index_elements=[PriceRow.bank_id, PriceRow.habitat, PriceRow.contract_size,
                        PriceRow.tier],
        set_={"price": statement.excluded.price},
    ))
    return _record(
        session, who, f"set price {bank_id} {habitat} {contract_size} {tier} to £{price:,.2f}",
        {"price": [bank_id, habitat, contract_size, tier]},
    )


def set_habitat_band(session: Session, label: str, band: str, score: float, *, who: str) -> str:
    """Change a catalogue habitat's distinctiveness band and score; returns the version label."""
    lock_reference_data(session)
    habitat = _get(session, HabitatRow, label, "habitat", select(HabitatRow.label))
    if band not in BANDS:
        raise InvalidInputError(f"band {band!r} is invalid; use one of {', '.join(BANDS)}")
    habitat.band = band
    habitat.score = score
    return _record(session, who, f"set habitat {label!r} to band {band}, score {score:g}",
                   {"habitat": label})


def get_bank(session: Session, bank_id: str) -> BankRow:
    """Return the bank row `bank_id`; raises UnknownNameError suggesting near bank ids."""
    bank: BankRow = _get(session, BankRow, bank_id, "bank_id", select(BankRow.bank_id))
    return bank


def _get(session: Session, model: type, key: str, kind: str, keys_query):  # type: ignore[no-untyped-def]
    row = session.get(model, key)
    if row is None:
        raise UnknownNameError(kind, key, suggest(key, session.scalars(keys_query).all()))
    return row


def _record(session: Session, who: str, summary: str, changes: dict[str, object]) -> str:
    record_version(session, who=who, summary=summary, changes=changes)
    return current_version_label(session)
