"""SQLAlchemy models: reference data, its versions, quote history and stock holds.

Constraints live in the schema, so no code path can store inconsistent data. The schema rejects
a price or stock line for an unknown habitat or bank, negative stock, more units held than
available, an unknown tier or contract size, and a price of zero or less.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..domain.catalogue import BANDS, Ledger
from ..domain.reference import ContractSize, Tier

# Named constraints give readable errors and stable names for migrations.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Quote references BNG-A-NNNNN take their number from this sequence. nextval() never hands
# out the same number twice, even to concurrent transactions that later roll back.
QUOTE_NUMBER_SEQUENCE = "quote_number_seq"

QUOTE_STATUSES = ("quoted", "manual_review", "accepted")
HOLD_STATUSES = ("active", "released", "expired")
LINE_KINDS = ("allocation", "manual", "blocked")
DISCOUNT_TYPES = ("none", "tier_up", "percentage")


def _in(column: str, values: tuple[str, ...] | list[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Catalogue and geography


class HabitatRow(Base):
    """A statutory metric habitat that banks may stock; net-gain labels are not stored."""

    __tablename__ = "habitats"
    __table_args__ = (
        CheckConstraint(_in("ledger", [ledger.value for ledger in Ledger]), name="ledger"),
        CheckConstraint(_in("band", BANDS), name="band"),
        # Only area habitats belong to a broad habitat, and the Medium trading rule needs it.
        CheckConstraint("(ledger = 'area') = (broad_habitat IS NOT NULL)", name="broad_habitat"),
    )

    label: Mapped[str] = mapped_column(Text, primary_key=True)
    ledger: Mapped[str] = mapped_column(String(16))
    band: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Double)
    broad_habitat: Mapped[str | None] = mapped_column(Text)
    # Catalogue order as the metric lists it, so lookups and listings match the embedded source.
    position: Mapped[int] = mapped_column(Integer, unique=True)


class LpaRow(Base):
    """A Local Planning Authority (ONS April 2023); non-English rows serve as neighbours only."""

    __tablename__ = "lpas"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(32))


class NcaRow(Base):
    """A National Character Area."""

    __tablename__ = "ncas"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)


class LpaNeighbourRow(Base):
    """An undirected pair of neighbouring LPAs, stored once with `lpa_a < lpa_b`."""

    __tablename__ = "lpa_neighbours"
    __table_args__ = (CheckConstraint("lpa_a < lpa_b", name="ordered_pair"),)

    lpa_a: Mapped[str] = mapped_column(ForeignKey("lpas.code"), primary_key=True)
    lpa_b: Mapped[str] = mapped_column(ForeignKey("lpas.code"), primary_key=True)


class NcaNeighbourRow(Base):
    """An undirected pair of neighbouring NCAs, stored once with `nca_a < nca_b`."""

    __tablename__ = "nca_neighbours"
    __table_args__ = (CheckConstraint("nca_a < nca_b", name="ordered_pair"),)

    nca_a: Mapped[int] = mapped_column(ForeignKey("ncas.number"), primary_key=True)
    nca_b: Mapped[int] = mapped_column(ForeignKey("ncas.number"), primary_key=True)


class WaterbodyRow(Base):
    """A WFD waterbody catchment and the operational catchment that contains it."""

    __tablename__ = "waterbodies"

    wbid: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    water_type: Mapped[str] = mapped_column(Text)
    operational_catchment: Mapped[str] = mapped_column(Text)
    management_catchment: Mapped[str] = mapped_column(Text)
    river_basin_district: Mapped[str] = mapped_column(Text)


# Banks, stock and prices


class BankRow(Base):
    """A habitat bank."""

    __tablename__ = "banks"

    bank_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    lpa_code: Mapped[str] = mapped_column(ForeignKey("lpas.code"))
    nca_number: Mapped[int] = mapped_column(ForeignKey("ncas.number"))
    waterbody_id: Mapped[str | None] = mapped_column(ForeignKey("waterbodies.wbid"))


class StockLineRow(Base):
    """Units of one habitat at one bank; `units_held` counts units of accepted quotes too."""

    __tablename__ = "stock_lines"
    __table_args__ = (
        # Deferred, so one import may swap the habitats of two stock ids of the same bank.
        UniqueConstraint(
            "bank_id", "habitat", name="uq_stock_lines_bank_habitat",
            deferrable=True, initially="DEFERRED",
        ),
        CheckConstraint("units_available >= 0", name="available_not_negative"),
        CheckConstraint("units_held >= 0", name="held_not_negative"),
        CheckConstraint("units_held <= units_available", name="held_within_available"),
    )

    stock_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("banks.bank_id", ondelete="CASCADE"))
    habitat: Mapped[str] = mapped_column(ForeignKey("habitats.label"))
    units_available: Mapped[float] = mapped_column(Double)
    units_held: Mapped[float] = mapped_column(Double, default=0.0, server_default="0")


class PriceRow(Base):
    """GBP per unit of demand met for one bank, habitat, contract size and tier."""

    __tablename__ = "prices"
    __table_args__ = (
        CheckConstraint(
            _in("contract_size", [size.value for size in ContractSize]), name="contract_size"
        ),
        CheckConstraint(_in("tier", [t.value for t in Tier]), name="tier"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    bank_id: Mapped[str] = mapped_column(
        ForeignKey("banks.bank_id", ondelete="CASCADE"), primary_key=True
    )
    habitat: Mapped[str] = mapped_column(ForeignKey("habitats.label"), primary_key=True)
    contract_size: Mapped[str] = mapped_column(String(16), primary_key=True)
    tier: Mapped[str] = mapped_column(String(16), primary_key=True)
    price: Mapped[float] = mapped_column(Double)


class PromoterRow(Base):
    """A promoter (developer or broker) and the discount terms its quotes get."""

    __tablename__ = "promoters"
    __table_args__ = (
        CheckConstraint(_in("discount_type", DISCOUNT_TYPES), name="discount_type"),
        CheckConstraint(
            "discount_type <> 'percentage' OR (discount_value >= 0 AND discount_value <= 100)",
            name="percentage_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    discount_type: Mapped[str] = mapped_column(String(16))
    discount_value: Mapped[float] = mapped_column(Double, default=0.0, server_default="0")


class ReferenceVersionRow(Base):
    """One state of banks, stock, prices and catalogue; ids only grow."""

    __tablename__ = "reference_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")


# Quote history and holds


class QuoteRow(Base):
    """A saved quote: reference BNG-A-NNNNN, or BNG-A-NNNNN.R for revision R of a requote."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("number", "revision", name="uq_quotes_number_revision"),
        CheckConstraint(_in("status", QUOTE_STATUSES), name="status"),
        CheckConstraint("revision >= 0", name="revision_not_negative"),
        Index("ix_quotes_created_at", "created_at"),
        Index("ix_quotes_lpa_code", "lpa_code"),
        Index("ix_quotes_nca_number", "nca_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    client_name: Mapped[str | None] = mapped_column(Text)
    lpa_code: Mapped[str] = mapped_column(Text)
    nca_number: Mapped[int | None] = mapped_column(Integer)
    reference_version: Mapped[str] = mapped_column(Text)
    total: Mapped[float] = mapped_column(Double)
    request: Mapped[dict[str, Any]] = mapped_column(JSONB)
    result: Mapped[dict[str, Any]] = mapped_column(JSONB)
    timings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuoteLineRow(Base):
    """One row of a saved quote: an allocation line, a manual line or a blocked demand row."""

    __tablename__ = "quote_lines"
    __table_args__ = (CheckConstraint(_in("kind", LINE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[str] = mapped_column(String(64))
    demand_habitat: Mapped[str] = mapped_column(Text)
    ledger: Mapped[str | None] = mapped_column(String(16))
    # Bank ids are copied, not foreign keys, so history survives a bank leaving the register.
    bank_id: Mapped[str | None] = mapped_column(String(64))
    bank_name: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[str | None] = mapped_column(String(16))
    supply: Mapped[str | None] = mapped_column(Text)
    units: Mapped[float] = mapped_column(Double)
    unit_price: Mapped[float | None] = mapped_column(Double)
    cost: Mapped[float | None] = mapped_column(Double)
    paired: Mapped[bool] = mapped_column(default=False, server_default="false")
    stock_drawn: Mapped[dict[str, float]] = mapped_column(JSONB, default=dict, server_default="{}")
    reason: Mapped[str | None] = mapped_column(Text)


class StockHoldRow(Base):
    """Stock units held for an accepted quote until it expires or is released."""

    __tablename__ = "stock_holds"
    __table_args__ = (
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint(_in("status", HOLD_STATUSES), name="status"),
        CheckConstraint("expires_at > created_at", name="expiry_after_creation"),
        Index("ix_stock_holds_active", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    # A copy rather than a foreign key, so released holds stay on record after an import drops
    # the stock line. The importer rejects dropping a line that still has active holds.
    stock_id: Mapped[str] = mapped_column(String(64), index=True)
    units: Mapped[float] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


quote_number_sequence = Sequence(QUOTE_NUMBER_SEQUENCE, metadata=Base.metadata, start=1)
