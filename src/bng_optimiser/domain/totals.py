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
    steps = (_normalised(amount) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(steps) * step


def round_pence(amount: float) -> Decimal:
    """Round a GBP amount to whole pence, halves away from zero (31,190.625 -> 31,190.63)."""
    return _normalised(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _normalised(amount: float) -> Decimal:
    return Decimal(repr(amount)).quantize(MONEY_NORMALISE, rounding=ROUND_HALF_UP)


class ClientLine(BaseModel):
    """One allocation line as a client sees it: whole-pound money that reconciles.

    `cost_before_suo - suo_reduction == cost` exactly, because the SUO reduction is the
    difference of the two rounded costs. It may differ from the exact reduction by up to 1 GBP.
    """

    row_id: str
    demand_habitat: str
    bank_name: str
    tier: str
    supply: list[str]
    units: float
    unit_price: int = Field(description="GBP per unit of demand before SUO, to the nearest 50")
    cost_before_suo: int = Field(description="GBP before SUO, to whole pounds half up")
    suo_reduction: int = Field(description="GBP taken off by SUO: cost_before_suo - cost")
    cost: int = Field(description="GBP after SUO, to whole pounds half up")


class ClientQuote(BaseModel):
    """The client-facing quote; `total` is the sum of the rounded line costs after SUO plus
    the admin fee, which equals `subtotal - suo_discount + admin_fee`."""

    status: str
    contract_size: str
    lines: list[ClientLine]
    manual_lines: list[str]
    subtotal: int = Field(description="Sum of the lines' cost_before_suo, GBP")
    suo_fraction: float = Field(description="Share of each allocation line taken off by SUO")
    suo_discount: int = Field(description="Sum of the lines' suo_reduction, GBP")
    admin_fee: int
    total: int
    warnings: list[str]


def client_view(result: QuoteResult) -> ClientQuote:
    """Return the rounded view of a quote for a client.

    Unit prices go to the nearest GBP 50 and line costs before and after SUO to whole pounds
    half up. The total is the sum of the rounded costs after SUO plus the admin fee.
    """
    lines = [_client_line(line) for line in result.lines]
    admin = round_half_up(result.admin_fee)
    # Every allocation line is reduced by the same fraction, so the totals give it exactly.
    fraction = result.suo_discount / result.subtotal if result.subtotal > 0 else 0.0
    return ClientQuote(
        status=result.status,
        contract_size=result.contract_size.value,
        lines=lines,
        manual_lines=[
            f"{m.demand_habitat}: {m.units:g} units, {m.reason}" for m in result.manual_lines
        ],
        subtotal=sum(line.cost_before_suo for line in lines),
        suo_fraction=fraction,
        suo_discount=sum(line.suo_reduction for line in lines),
        admin_fee=admin,
        total=sum(line.cost for line in lines) + admin,
        warnings=result.warnings,
    )


def _client_line(line: QuoteLine) -> ClientLine:
    before = round_half_up(line.cost)
    after = round_half_up(line.cost - line.suo_reduction)
    return ClientLine(
        row_id=line.row_id,
        demand_habitat=line.demand_habitat,
        bank_name=line.bank_name,
        tier=line.tier.value,
        supply=line.supply,
        units=line.units,
        unit_price=round_half_up(line.unit_price, 50),
        cost_before_suo=before,
        suo_reduction=before - after,
        cost=after,
    )
