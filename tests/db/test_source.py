"""PostgresSource returns the same reference data as the embedded files, cached per version."""

from __future__ import annotations

import re

from sqlalchemy.orm import sessionmaker

from bng_optimiser.db.edits import set_stock
from bng_optimiser.db.session import session_scope
from bng_optimiser.db.source import PostgresSource
from bng_optimiser.domain.embedded import EmbeddedSource


def test_snapshot_equals_embedded(shared_engine):
    source = PostgresSource(sessionmaker(bind=shared_engine))
    stored = source.load()
    shipped = EmbeddedSource().load()

    assert stored.content_hash() == shipped.content_hash()
    assert stored.banks == shipped.banks
    assert stored.stock == shipped.stock
    assert stored.prices == shipped.prices
    assert list(stored.catalogue.habitats.values()) == list(shipped.catalogue.habitats.values())
    assert stored.geography.lpas == shipped.geography.lpas
    assert stored.geography.ncas == shipped.geography.ncas
    assert stored.geography.lpa_neighbours == shipped.geography.lpa_neighbours
    assert stored.geography.nca_neighbours == shipped.geography.nca_neighbours
    assert stored.geography.waterbodies == shipped.geography.waterbodies


def test_version_label_format(shared_engine):
    source = PostgresSource(sessionmaker(bind=shared_engine))

    version = source.current_version()

    assert re.fullmatch(r"v1-[0-9a-f]{8}", version), version
    assert source.load().version == version


def test_load_cached_until_version_changes(committed_factory):
    source = PostgresSource(committed_factory)
    first = source.load()

    assert source.load() is first

    with session_scope(committed_factory) as session:
        new_version = set_stock(session, "BNK001-S01", 99.0, who="test")
    second = source.load()

    assert second is not first
    assert second.version == new_version != first.version
    assert second.stock["BNK001-S01"].units_available == 99.0
    shipped = EmbeddedSource().load().stock["BNK001-S01"].units_available
    assert shipped != 99.0
    assert first.stock["BNK001-S01"].units_available == shipped
