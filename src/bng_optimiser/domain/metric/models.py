"""Trading rows and headline figures read from a metric workbook, and the demand they leave."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from ..catalogue import Ledger
from ..request import DemandItem


@dataclass(frozen=True, slots=True)
class TradingRow:
    """One habitat row of a trading summary sheet, as written in the workbook.

    `band` is None when the distinctiveness band cannot be read; `band_text` keeps the cell
    text for the warning. `change` is the project-wide unit change in biodiversity units.
    """

    ledger: Ledger
    habitat: str
    band: str | None
    band_text: str
    broad_habitat: str | None
    change: float
    sheet: str
    row: int

    @property
    def where(self) -> str:
        return f"sheet {self.sheet!r} row {self.row}"


@dataclass(frozen=True, slots=True)
class HeadlineFigures:
    """Baseline units and net gain target (a fraction, 0.1 for 10 %) of one ledger."""

    baseline_units: float
    target: float
    target_from_workbook: bool


class MetricDemandRow(DemandItem):
    """A demand row from the workbook, which `QuoteRequest.demand` accepts as it is."""

    ledger: Ledger


class LedgerSummary(BaseModel):
    """Baseline, net gain requirement and what on-site surplus did for one ledger."""

    ledger: Ledger
    baseline_units: float = Field(description="On-site baseline, biodiversity units")
    target: float = Field(description="Net gain target as a fraction, 0.1 for 10 %")
    target_from_workbook: bool = Field(description="False when the default target was used")
    requirement_units: float = Field(description="baseline_units x target")
    deficit_units: float = Field(description="Sum of negative project-wide unit changes")
    surplus_units: float = Field(description="Sum of positive project-wide unit changes")
    offset_units: float = Field(description="Deficit covered by on-site surplus")
    requirement_covered_units: float = Field(description="Requirement covered by surplus")
    net_gain_units: float = Field(description="Requirement left to buy as the net-gain row")
    surplus_left_units: float = Field(description="Readable surplus left after both steps")


class OffsetEntry(BaseModel):
    """Units of one on-site surplus that covered one deficit or the net gain requirement."""

    ledger: Ledger
    surplus_habitat: str
    surplus_band: str
    covered: str = Field(description="Deficit habitat, or the ledger's net-gain label")
    covered_band: str | None = Field(description="Band of the deficit; None for net gain")
    units: float


class MetricDemand(BaseModel):
    """Demand read from a Statutory Biodiversity Metric workbook, ready to quote."""

    demand: list[MetricDemandRow]
    ledgers: dict[Ledger, LedgerSummary]
    offsets: list[OffsetEntry]
    suo_surplus_units: float = Field(
        description="Area surplus of band Medium or higher left after offsetting and net gain"
    )
    warnings: list[str] = Field(default_factory=list)

    def demand_items(self) -> list[DemandItem]:
        """Return the demand as plain `DemandItem`s, which serialise without the ledger."""
        return [
            DemandItem(habitat=row.habitat, units=row.units, row_id=row.row_id)
            for row in self.demand
        ]
