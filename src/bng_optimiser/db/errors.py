"""Errors raised by the database layer on purpose; the API maps them to 404 and 409."""

from __future__ import annotations

from ..domain.exceptions import BngError


class NoReferenceDataError(BngError):
    """The database contains no reference data version yet (it has not been seeded)."""


class QuoteNotFoundError(BngError, LookupError):
    """No saved quote has the given reference."""


class QuoteNotAcceptableError(BngError):
    """The quote cannot be accepted: it needs manual review or is accepted already."""


class InsufficientStockError(BngError):
    """Accepting the quote would hold more units than a stock line has free."""

    def __init__(self, reference: str, shortfalls: list[str]) -> None:
        self.reference = reference
        self.shortfalls = shortfalls
        super().__init__(
            f"cannot accept quote {reference}: not enough free stock; " + "; ".join(shortfalls)
        )
