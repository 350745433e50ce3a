"""Remove banks from the register, rejecting any bank whose stock accepted quotes hold."""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import String, any_, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from .edits import get_bank
from .errors import BankInUseError
from .models import BankRow, QuoteRow, StockHoldRow, StockLineRow
from .versions import current_version_label, lock_reference_data, record_version

logger = logging.getLogger(__name__)


def remove_bank(session: Session, bank_id: str, *, who: str) -> str:
    """Delete bank `bank_id` with its stock lines and prices; flushes, does not commit.

    Raises UnknownNameError when no bank has that id, and BankInUseError when accepted quotes
    hold units of its stock. Returns the label of the new version that records the removal.
    """
    lock_reference_data(session)
    get_bank(session, bank_id)
    held = held_stock_by_bank(session, [bank_id])
    if held:
        raise BankInUseError(
            f"cannot remove bank {bank_id!r}: accepted quotes hold its stock "
            f"({'; '.join(held[bank_id])}); release those quotes first"
        )
    session.execute(delete(BankRow).where(BankRow.bank_id == bank_id))
    record_version(session, who=who, summary=f"remove bank {bank_id}",
                   changes={"removed_banks": [bank_id]})
    label = current_version_label(session)
    logger.info("removed bank %s by %s; version %s", bank_id, who, label)
    return label


def held_stock_by_bank(session: Session, bank_ids: list[str]) -> dict[str, list[str]]:
    """Return the active holds on the banks' stock, per bank, as `S1: 4.5 units (BNG-A-00001)`.

    Banks without active holds are left out, so an empty result means all may be removed.
    """
    units = func.sum(StockHoldRow.units)
    rows = session.execute(
        select(StockLineRow.bank_id, StockHoldRow.stock_id, units,
               func.string_agg(QuoteRow.reference, ", "))
        .join(StockLineRow, StockLineRow.stock_id == StockHoldRow.stock_id)
        .join(QuoteRow, QuoteRow.id == StockHoldRow.quote_id)
        .where(StockHoldRow.status == "active")
        .where(StockLineRow.bank_id == any_(bindparam("bank_ids", bank_ids, type_=ARRAY(String))))
        .group_by(StockLineRow.bank_id, StockHoldRow.stock_id)
        .order_by(StockLineRow.bank_id, StockHoldRow.stock_id)
    )
    held: dict[str, list[str]] = defaultdict(list)
    for bank_id, stock_id, total, references in rows:
        held[bank_id].append(f"{stock_id}: {total:g} units ({references})")
    return dict(held)
