"""Migrations build the whole schema from an empty database and remove it again."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bng_optimiser.db import migrate
from bng_optimiser.db.models import Base
from bng_optimiser.db.session import make_engine

from .conftest import RUN_ID, create_database, drop_database

TABLES = {
    "habitats", "lpas", "ncas", "lpa_neighbours", "nca_neighbours", "waterbodies", "banks",
    "stock_lines", "prices", "promoters", "reference_versions", "quotes", "quote_lines",
    "stock_holds",
}


@pytest.fixture
def empty_url():
    name = f"bng_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    url = create_database(name)
    yield url
    drop_database(name)


def test_upgrade_then_downgrade_to_base(empty_url):
    engine = make_engine(empty_url)
    try:
        migrate.upgrade(empty_url)
        tables = set(inspect(engine).get_table_names())
        assert TABLES <= tables
        with engine.connect() as connection:
            # The quote number sequence starts at 1, so the first reference is BNG-A-00001.
            assert connection.scalar(text("SELECT nextval('quote_number_seq')")) == 1

        migrate.downgrade(empty_url)
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) == {"alembic_version"}
        assert inspector.get_sequence_names() == []

        migrate.upgrade(empty_url)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_match_models(empty_url):
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        engine.dispose()
