"""Errors raised by the database layer on purpose; `api.errors` maps them to HTTP statuses."""

from __future__ import annotations

from ..domain.exceptions import BngError, InvalidInputError


class DatabaseUrlError(InvalidInputError):
    """DATABASE_URL is not a URL, or names a database other than PostgreSQL."""


class NoReferenceDataError(BngError):
    """The database contains no reference data version yet (it has not been seeded)."""


class SchemaNotReadyError(NoReferenceDataError):
    """The database has no tables, or its schema is older than the newest migration."""


class BankInUseError(BngError):
    """A bank cannot be removed because accepted quotes hold units of its stock."""


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
