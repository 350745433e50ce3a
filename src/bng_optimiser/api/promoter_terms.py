"""Promoter names in a quote request, turned into the discount terms stored for them."""

from __future__ import annotations

from sqlalchemy import select

from bng_optimiser.db.models import PromoterRow
from bng_optimiser.domain.exceptions import UnknownNameError
from bng_optimiser.domain.names import normalise, suggest
from bng_optimiser.domain.request import PromoterDiscount, QuoteRequest
from bng_optimiser.jobs.canonical import UnknownNamesError

from .deps import Services


def list_promoters(services: Services) -> list[PromoterRow]:
    with services.session_factory() as session:
        return list(session.scalars(select(PromoterRow).order_by(PromoterRow.name)))


def apply_promoter(services: Services, request: QuoteRequest, name: str) -> QuoteRequest:
    """Return `request` with the promoter's discount; raise UnknownNamesError for a bad name."""
    promoters = list_promoters(services)
    by_key = {normalise(row.name): row for row in promoters}
    row = by_key.get(normalise(name))
    if row is None:
        error = UnknownNameError("promoter", name, suggest(name, [p.name for p in promoters]))
        raise UnknownNamesError([(("promoter",), error)])
    discount = PromoterDiscount.model_validate(
        {"type": row.discount_type, "value": row.discount_value}
    )
    return request.model_copy(update={"promoter_discount": discount})
