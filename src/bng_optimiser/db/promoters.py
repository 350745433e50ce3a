"""Promoters (developers and brokers) and the discount terms their quotes get."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.exceptions import UnknownNameError
from ..domain.names import normalise, suggest
from ..domain.request import PromoterDiscount
from .models import PromoterRow


class Promoter(BaseModel):
    """A promoter by name and its discount: tier_up, percentage (value in %) or none."""

    name: str
    discount: PromoterDiscount


def list_promoters(session: Session) -> list[Promoter]:
    """Return every promoter, sorted by name."""
    rows = session.scalars(select(PromoterRow).order_by(PromoterRow.name))
    return [_promoter(row) for row in rows]


def get_promoter(session: Session, name: str) -> Promoter:
    """Return the promoter called `name` (case and spacing ignored).

    Raises UnknownNameError with the nearest names when there is none.
    """
    rows = session.scalars(select(PromoterRow)).all()
    by_key = {normalise(row.name): row for row in rows}
    row = by_key.get(normalise(name))
    if row is None:
        raise UnknownNameError("promoter", name, suggest(name, [r.name for r in rows]))
    return _promoter(row)


def _promoter(row: PromoterRow) -> Promoter:
    discount = PromoterDiscount(type=row.discount_type, value=row.discount_value)  # type: ignore[arg-type]
    return Promoter(name=row.name, discount=discount)
