"""Seeding loads the shipped reference data once; a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from bng_optimiser.db.models import (
    BankRow,
    HabitatRow,
    LpaNeighbourRow,
    LpaRow,
    NcaNeighbourRow,
    NcaRow,
    PriceRow,
    PromoterRow,
    ReferenceVersionRow,
    StockLineRow,
    WaterbodyRow,
)
from bng_optimiser.db.seed import seed
from bng_optimiser.domain.embedded import EmbeddedSource


def _count(session, model, *conditions):
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_seeded_counts(session):
    # 132 area + 13 hedgerow + 5 watercourse habitats from the statutory metric tables.
    assert _count(session, HabitatRow, HabitatRow.ledger == "area") == 132
    assert _count(session, HabitatRow, HabitatRow.ledger == "hedgerow") == 13
    assert _count(session, HabitatRow, HabitatRow.ledger == "watercourse") == 5
    assert _count(session, LpaRow, LpaRow.country == "England") == 309
    assert _count(session, NcaRow) == 159
    assert _count(session, WaterbodyRow) == 5237
    assert _count(session, LpaNeighbourRow) == 968
    assert _count(session, NcaNeighbourRow) == 388
    assert _count(session, PromoterRow) == 3


def test_seeded_banks_match_sample_files(session):
    sample = EmbeddedSource().load()

    assert _count(session, BankRow) == len(sample.banks)
    assert _count(session, StockLineRow) == len(sample.stock)
    assert _count(session, PriceRow) == len(sample.prices)


def test_second_seed_changes_nothing(session):
    versions_before = _count(session, ReferenceVersionRow)
    prices_before = _count(session, PriceRow)

    report = seed(session, who="second run")

    assert report.version is None
    assert all(count == 0 for count in report.inserted.values()), report.inserted
    assert _count(session, ReferenceVersionRow) == versions_before == 1
    assert _count(session, PriceRow) == prices_before
