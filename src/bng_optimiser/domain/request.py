"""The quote request: site, demand rows and options, as the CLI, API and UI send it."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .reference import ContractSize

# A development's demand rarely exceeds a few dozen rows; this bounds solver size per request.
MAX_DEMAND_ROWS = 500
# Largest units on one row: far beyond any real development, small enough to keep costs finite.
MAX_ROW_UNITS = 100_000.0


class DemandItem(BaseModel):
    """One demand row: a catalogue habitat or net-gain label and the units to offset."""

    model_config = ConfigDict(extra="forbid")

    habitat: str = Field(min_length=1, max_length=200)
    # Strict: a JSON `true` or the string "2.4" is a client bug, not a number of units.
    units: float = Field(strict=True, description="Biodiversity units of demand, greater than 0")
    row_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")

    @field_validator("units")
    @classmethod
    def _units_positive_and_finite(cls, units: float) -> float:
        if not math.isfinite(units) or units <= 0:
            raise ValueError(f"units must be a number greater than 0, got {units!r}")
        if units > MAX_ROW_UNITS:
            raise ValueError(f"units must be at most {MAX_ROW_UNITS:,.0f}, got {units!r}")
        return units


class PromoterDiscount(BaseModel):
    """Promoter terms: `tier_up` prices from the next larger contract size, `percentage`
    takes `value` percent (0-100) off every unit price, `none` changes nothing."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["tier_up", "percentage", "none"] = "none"
    value: float = Field(default=0.0, strict=True)

    @model_validator(mode="after")
    def _percentage_in_range(self) -> PromoterDiscount:
        if self.type == "percentage" and not 0 <= self.value <= 100:
            raise ValueError(f"percentage discount must be from 0 to 100, got {self.value!r}")
        return self


class QuoteRequest(BaseModel):
    """Everything needed to quote. LPA and NCA may be given as codes/numbers or names."""

    model_config = ConfigDict(extra="forbid")

    lpa_code: str = Field(min_length=1, max_length=120, description="ONS LPA code or name")
    nca_number: int | str = Field(description="NCA number 1-159 or name")
    waterbody_id: str | None = Field(default=None, max_length=32)
    demand: list[DemandItem] = Field(min_length=1, max_length=MAX_DEMAND_ROWS)
    promoter_discount: PromoterDiscount = Field(default_factory=PromoterDiscount)
    stock_hold_policy: Literal["ignore", "hold_all", "hold_half"] = "ignore"
    contract_size: ContractSize | None = Field(
        default=None, description="Override the contract size implied by total demand"
    )
    suo_surplus_units: float = Field(
        default=0.0,
        strict=True,
        ge=0,
        le=MAX_ROW_UNITS,
        description="On-site area surplus of band Medium or higher left after offsetting",
    )

    @field_validator("nca_number", mode="before")
    @classmethod
    def _nca_not_boolean(cls, value: object) -> object:
        # bool is an int subclass, so `true` would otherwise be read as NCA 1.
        if isinstance(value, bool):
            raise ValueError(f"NCA must be a number from 1 to 159 or a name, got {value!r}")
        return value

    @field_validator("waterbody_id")
    @classmethod
    def _blank_waterbody_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _assign_row_ids(self) -> QuoteRequest:
        seen: set[str] = set()
        for index, item in enumerate(self.demand, start=1):
            if item.row_id is None:
                item.row_id = f"R{index}"
            if item.row_id in seen:
                raise ValueError(
                    f"demand row_id {item.row_id!r} is used twice; row ids must be unique"
                )
            seen.add(item.row_id)
        return self
