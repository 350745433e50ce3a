"""Reference data the engine reads: catalogue, geography, banks, stock and prices.

The engine takes a `ReferenceData` snapshot. Where it comes from is a `ReferenceSource`: the
embedded files shipped in the package, a user's bank folder, or PostgreSQL. Every source yields
the same snapshot for the same content, so quotes do not depend on the source.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from .catalogue import Catalogue
from .geography import Geography


class Tier(StrEnum):
    """Spatial tier of a bank relative to the site, nearest first."""

    LOCAL = "local"
    ADJACENT = "adjacent"
    FAR = "far"


TIERS: tuple[Tier, ...] = (Tier.LOCAL, Tier.ADJACENT, Tier.FAR)


class ContractSize(StrEnum):
    """Contract size bands by total demand units, smallest first."""

    FRACTIONAL = "fractional"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


CONTRACT_SIZES: tuple[ContractSize, ...] = tuple(ContractSize)


@dataclass(frozen=True, slots=True)
class Bank:
    """A habitat bank and where it is; `waterbody_id` is the WFD WBID when known."""

    bank_id: str
    name: str
    lpa_code: str
    nca_number: int
    waterbody_id: str | None = None


@dataclass(frozen=True, slots=True)
class StockLine:
    """Units of one habitat at one bank, in the bank's own biodiversity units."""

    stock_id: str
    bank_id: str
    habitat: str
    units_available: float
    units_held: float = 0.0


@dataclass(frozen=True, slots=True)
class Price:
    """GBP per unit of demand met, for one bank, habitat, contract size and tier."""

    bank_id: str
    habitat: str
    contract_size: ContractSize
    tier: Tier
    price: float


PriceKey = tuple[str, str, ContractSize, Tier]


@dataclass
class ReferenceData:
    """One consistent snapshot of reference data, labelled with its version."""

    catalogue: Catalogue
    geography: Geography
    banks: dict[str, Bank]
    stock: dict[str, StockLine]
    prices: dict[PriceKey, float]
    version: str = ""
    label: str = ""
    stock_by_bank: dict[str, list[StockLine]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.stock_by_bank = {bank_id: [] for bank_id in self.banks}
        for line in sorted(self.stock.values(), key=lambda s: s.stock_id):
            self.stock_by_bank.setdefault(line.bank_id, []).append(line)
        if not self.version:
            self.version = self.content_hash()[:12]

    def price(self, bank_id: str, habitat: str, size: ContractSize, tier: Tier) -> float | None:
        return self.prices.get((bank_id, habitat, size, tier))

    def content_hash(self) -> str:
        """Return a SHA-256 of banks, stock and prices, stable across sources and runs.

        Numbers are hashed as floats so that 32800 from code and 32800.0 from a database agree.
        """
        payload = {
            "banks": sorted(
                [b.bank_id, b.name, b.lpa_code, b.nca_number, b.waterbody_id]
                for b in self.banks.values()
            ),
            "stock": sorted(
                [
                    s.stock_id,
                    s.bank_id,
                    s.habitat,
                    round(float(s.units_available), 9),
                    round(float(s.units_held), 9),
                ]
                for s in self.stock.values()
            ),
            "prices": sorted(
                [k[0], k[1], k[2].value, k[3].value, round(float(v), 6)]
                for k, v in self.prices.items()
            ),
            "catalogue": sorted(
                [h.label, h.ledger.value, h.band] for h in self.catalogue.habitats.values()
            ),
        }
        text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


class ReferenceSource(Protocol):
    """Source of reference data: the embedded files or PostgreSQL."""

    def current_version(self) -> str:
        """Return the current reference data version; must be cheap to call."""
        ...

    def load(self) -> ReferenceData:
        """Return the snapshot at the current version."""
        ...
