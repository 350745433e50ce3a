"""Small builders of banks at a chosen tier from the example site, for engine tests."""

from __future__ import annotations

from bng_optimiser.domain.examples import ADJACENT_BANK, FAR_BANK, LOCAL_BANK
from bng_optimiser.domain.reference import Bank


def local_bank(bank_id: str, name: str | None = None) -> Bank:
    """A bank in the example site's LPA and NCA, so local for area and hedgerow demand."""
    return Bank(bank_id, name or f"Bank {bank_id}", LOCAL_BANK.lpa_code, LOCAL_BANK.nca_number)


def adjacent_bank(bank_id: str) -> Bank:
    return Bank(bank_id, f"Bank {bank_id}", ADJACENT_BANK.lpa_code, ADJACENT_BANK.nca_number)


def far_bank(bank_id: str) -> Bank:
    return Bank(bank_id, f"Bank {bank_id}", FAR_BANK.lpa_code, FAR_BANK.nca_number)
