"""The quote result: allocation lines, blocked rows and totals, as every layer reports them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .catalogue import Ledger
from .reference import ContractSize, Tier


class PairedPart(BaseModel):
    """One stock line of an option: the main supply or the companion that covers the uplift."""

    role: Literal["main", "companion"]
    stock_id: str
    habitat: str
    weight: float = Field(description="Share of the unit price, w for main and 1 - w for companion")
    unit_price: float = Field(description="GBP per unit of demand for this habitat")
    stock_per_unit: float = Field(description="Stock units drawn per unit of demand met")


class QuoteLine(BaseModel):
    """One demand row met by one option."""

    row_id: str
    demand_habitat: str
    ledger: Ledger
    bank_id: str
    bank_name: str
    tier: Tier
    srm: float
    supply: list[str]
    demand_units: float = Field(description="Units of demand asked for on this row")
    units: float = Field(
        description="Units of demand met; above demand_units only after minimum delivery"
    )
    unit_price: float = Field(description="GBP per unit of demand met")
    cost: float = Field(description="units x unit_price, GBP, before SUO")
    suo_reduction: float = Field(default=0.0, description="SUO discount on this line, GBP")
    stock_drawn: dict[str, float]
    paired: bool = False
    parts: list[PairedPart] = Field(default_factory=list)


class ManualLine(BaseModel):
    """A demand row priced by hand, such as felled woodland."""

    row_id: str
    demand_habitat: str
    ledger: Ledger
    units: float
    reason: str


BlockCode = Literal[
    "no_legal_habitat",
    "no_price",
    "stock_too_small",
    "bank_limit",
    "bespoke_compensation",
    "solver_time_limit",
]


class BlockedRow(BaseModel):
    """A demand row the optimiser could not meet, with the reason a user can act on."""

    row_id: str
    demand_habitat: str
    units: float
    code: BlockCode
    reason: str


class QuoteResult(BaseModel):
    """A finished quote; money in GBP at full precision."""

    status: Literal["quoted", "manual_review"]
    contract_size: ContractSize
    priced_contract_size: ContractSize = Field(description="Size whose prices were used")
    total_units: float = Field(
        description="Units of demand asked for (manual lines excluded, blocked rows included); "
        "not raised by minimum delivery, so it can be below delivered_units"
    )
    delivered_units: float = Field(
        default=0.0,
        description="Units of demand met by the lines, after any minimum delivery raise",
    )
    subtotal: float
    promoter_discount: float = Field(
        default=0.0, description="GBP taken off the subtotal by a percentage promoter discount"
    )
    suo_discount: float = 0.0
    admin_fee: float
    total: float
    banks_used: list[str]
    bank_limit: int = Field(default=2, description="Most banks this quote may draw on")
    lines: list[QuoteLine]
    manual_lines: list[ManualLine] = Field(default_factory=list)
    blocked: list[BlockedRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    reference_version: str
    solver_status: str
    solve_seconds: float = Field(
        description="Wall time of every solver run of the quote, seconds, diagnosis included"
    )
