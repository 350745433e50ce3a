"""Reading a database without the newest schema or without seed data raises a clear error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import sessionmaker

from bng_optimiser.db import migrate
from bng_optimiser.db.errors import NoReferenceDataError, SchemaNotReadyError
from bng_optimiser.db.importer import export, import_banks
from bng_optimiser.db.models import BankRow, ReferenceVersionRow
from bng_optimiser.db.schema import check_schema
from bng_optimiser.db.session import make_engine, session_scope
from bng_optimiser.db.source import PostgresSource

NOT_SEEDED = "the database has no catalogue or geography yet; run `bng-optimiser db seed` first"


@pytest.fixture
def factory_on():
    """Return a function that makes a session factory on a URL; engines disposed after."""
    engines = []

    def make(url: str) -> sessionmaker:
        engine = make_engine(url)
        engines.append(engine)
        return sessionmaker(bind=engine, expire_on_commit=False)

    yield make
    for engine in engines:
        engine.dispose()


def _with_password(url: str) -> str:
    # The server trusts loopback connections, so the password is ignored but still in the URL.
    return make_url(url).set(password="secret").render_as_string(hide_password=False)


def test_empty_database_has_no_schema(empty_url, factory_on):
    url = _with_password(empty_url)
    masked = make_url(url).render_as_string(hide_password=True)

    with factory_on(url)() as session, pytest.raises(SchemaNotReadyError) as caught:
        check_schema(session)

    assert str(caught.value) == (
        f"database {masked} has no schema (or is not at the latest migration); "
        "run `bng-optimiser db upgrade`"
    )
    assert "secret" not in str(caught.value)


def test_downgraded_database_has_no_schema(migrated_url, factory_on):
    migrate.downgrade(migrated_url)

    # alembic_version survives a downgrade to base, but contains no revision.
    with factory_on(migrated_url)() as session, pytest.raises(SchemaNotReadyError):
        check_schema(session)


def test_migrated_database_passes(migrated_url, factory_on):
    with factory_on(migrated_url)() as session:
        check_schema(session)


def test_source_on_empty_database(empty_url, factory_on):
    source = PostgresSource(factory_on(empty_url))

    with pytest.raises(SchemaNotReadyError, match="run `bng-optimiser db upgrade`"):
        source.current_version()
    with pytest.raises(SchemaNotReadyError, match="run `bng-optimiser db upgrade`"):
        source.load()


def test_source_on_unseeded_database(migrated_url, factory_on):
    source = PostgresSource(factory_on(migrated_url))

    with pytest.raises(NoReferenceDataError) as caught:
        source.load()

    assert not isinstance(caught.value, SchemaNotReadyError)


def test_source_with_version_but_no_geography(migrated_url, factory_on):
    factory = factory_on(migrated_url)
    with session_scope(factory) as session:
        session.add(ReferenceVersionRow(content_hash="0" * 64, created_by="test", summary="x"))

    with pytest.raises(NoReferenceDataError) as caught:
        PostgresSource(factory).load()

    assert str(caught.value) == NOT_SEEDED


def test_import_into_unseeded_database(session, tmp_path, migrated_url, factory_on):
    export(session, tmp_path)
    factory = factory_on(migrated_url)

    with session_scope(factory) as unseeded, pytest.raises(NoReferenceDataError) as caught:
        import_banks(unseeded, tmp_path, "tester")

    assert str(caught.value) == NOT_SEEDED
    with factory() as unseeded:
        assert unseeded.scalar(select(func.count()).select_from(BankRow)) == 0
