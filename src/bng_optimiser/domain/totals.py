"""Quote totals (subtotal, SUO, admin fee, total) and the rounded client-facing view."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from .config import RulesConfig
from .reference import ContractSize
from .result import QuoteLine, QuoteResult
from .rules.pricing import admin_fee, suo_fraction

# Money is normalised to a millionth of a pound before rounding, so that float error such
# as 0.11 x 22,750 = 2502.4999999999995 still rounds half up to 2,503.
MONEY_NORMALISE = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Totals:
    """GBP totals of a quote at full precision."""

    subtotal: float
    suo_fraction: float
    suo_discount: float
    admin_fee: float
    total: float


def apply_totals(
    lines: list[QuoteLine],
    size: ContractSize,
    suo_surplus_units: float,
    config: RulesConfig,
) -> Totals:
    """Compute totals and set each line's `suo_reduction` (GBP) in place.

    The SUO fraction reduces allocation lines only, never manual lines or the admin fee.
    The admin fee is charged when at least one line is allocated.
    """
    subtotal = sum(line.cost for line in lines)
    units_supplied = sum(line.units for line in lines)
    fraction = suo_fraction(suo_surplus_units, units_supplied, config)
    for line in lines:
        line.suo_reduction = line.cost * fraction
    suo_discount = sum(line.suo_reduction for line in lines)
    fee = admin_fee(size, config) if lines else 0.0
    return Totals(subtotal, fraction, suo_discount, fee, subtotal - suo_discount + fee)


def round_half_up(amount: float, step: int = 1) -> int:
    """Round a GBP amount to the nearest multiple of `step` pounds, halves away from zero."""
    exact = Decimal(repr(amount)).quantize(MONEY_NORMALISE, rounding=ROUND_HALF_UP)
    steps = (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(steps) * step


class ClientLine(BaseModel):
    """One allocation line as a client sees it: whole-pound money."""

    row_id: str
    demand_habitat: str
    bank_name: str
    tier: str
    supply: list[str]
    units: float
    unit_price: int = Field(description="GBP per unit of demand, rounded to the nearest 50")
    cost: int = Field(description="GBP after SUO, rounded to whole pounds half up")


class ClientQuote(BaseModel):
    """The client-facing quote; `total` is the sum of the rounded lines plus the admin fee."""

    status: str
    contract_size: str
    lines: list[ClientLine]
    manual_lines: list[str]
    admin_fee: int
    total: int
    warnings: list[str]


def client_view(result: QuoteResult) -> ClientQuote:
    """Return the rounded view of a quote: unit prices to the nearest GBP 50, line costs
    (after SUO) to whole pounds half up, and a total that adds up from the rounded lines."""
    lines = [
        ClientLine(
            row_id=line.row_id,
            demand_habitat=line.demand_habitat,
            bank_name=line.bank_name,
            tier=line.tier.value,
            supply=line.supply,
            units=line.units,
            unit_price=round_half_up(line.unit_price, 50),
            cost=round_half_up(line.cost - line.suo_reduction),
        )
        for line in result.lines
    ]
    admin = round_half_up(result.admin_fee)
    return ClientQuote(
        status=result.status,
        contract_size=result.contract_size.value,
        lines=lines,
        manual_lines=[
            f"{m.demand_habitat}: {m.units:g} units, {m.reason}" for m in result.manual_lines
        ],
        admin_fee=admin,
        total=sum(line.cost for line in lines) + admin,
        warnings=result.warnings,
    )
