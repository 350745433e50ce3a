"""Fixtures on a real PostgreSQL server: databases created per test session and dropped after.

The server comes from `Settings.database_url` (env DATABASE_URL); only its host, port and user
are used. One template database is migrated and seeded once. Tests that need real commits
get a fresh copy of it (CREATE DATABASE ... TEMPLATE), and the others share one copy inside a
transaction that is rolled back after each test.
"""

from __future__ import annotations

import csv
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, delete, make_url
from sqlalchemy.orm import Session, sessionmaker

from bng_optimiser.db import migrate
from bng_optimiser.db.holds import accept_quote
from bng_optimiser.db.importer import import_banks
from bng_optimiser.db.models import BankRow
from bng_optimiser.db.quotes import save_quote
from bng_optimiser.db.seed import seed
from bng_optimiser.db.session import make_engine, session_scope
from bng_optimiser.db.versions import lock_reference_data, record_version
from bng_optimiser.domain.bank_files import write_bank_files
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.reference import ReferenceData
from bng_optimiser.domain.request import QuoteRequest
from bng_optimiser.settings import get_settings

RUN_ID = uuid.uuid4().hex[:10]


def database_url_for(name: str) -> str:
    """Return the configured URL with its database name replaced by `name`."""
    base = make_url(get_settings().database_url)
    return base.set(database=name).render_as_string(hide_password=False)


def _admin(sql: str) -> None:
    base = make_url(get_settings().database_url)
    conninfo = base.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(sql)


def create_database(name: str, template: str | None = None) -> str:
    """Create database `name` (optionally copied from `template`) and return its URL."""
    suffix = f' TEMPLATE "{template}"' if template else ""
    _admin(f'CREATE DATABASE "{name}"{suffix}')
    return database_url_for(name)


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_seeded_database(name: str, who: str) -> str:
    """Create database `name`, migrate it to the latest revision, seed it and return its URL."""
    url = create_database(name)
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        seed(session, who=who)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def template_database() -> Iterator[str]:
    """Name of a migrated and seeded database that tests copy; no test connects to it."""
    name = f"bng_test_{RUN_ID}_template"
    try:
        create_seeded_database(name, who="test seed")
        yield name
    finally:
        drop_database(name)


@pytest.fixture(scope="session")
def migrated_template() -> Iterator[str]:
    """Name of a migrated but unseeded database that tests copy; no test connects to it."""
    name = f"bng_test_{RUN_ID}_migrated"
    url = create_database(name)
    try:
        migrate.upgrade(url)
        yield name
    finally:
        drop_database(name)


@pytest.fixture
def empty_url() -> Iterator[str]:
    """URL of a fresh database without any tables; dropped after the test."""
    name = f"bng_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    url = create_database(name)
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture
def migrated_url(migrated_template: str) -> Iterator[str]:
    """URL of a fresh database at the newest migration with empty tables; dropped after."""
    name = f"bng_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    url = create_database(name, migrated_template)
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture(scope="session")
def shared_engine(template_database: str) -> Iterator[Engine]:
    """Engine on one seeded copy that tests share through rolled-back transactions."""
    name = f"bng_test_{RUN_ID}_shared"
    url = create_database(name, template_database)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(name)


@pytest.fixture
def session(shared_engine: Engine) -> Iterator[Session]:
    """A session whose work, commits included, is rolled back after the test."""
    connection = shared_engine.connect()
    transaction = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint",
                         expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def committed_url(template_database: str) -> Iterator[str]:
    """URL of a fresh seeded database for a test that needs real commits; dropped after."""
    name = f"bng_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    url = create_database(name, template_database)
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture
def committed_factory(committed_url: str) -> Iterator[sessionmaker[Session]]:
    """Session factory on a fresh seeded database; engine disposed after the test."""
    engine = make_engine(committed_url)
    try:
        yield sessionmaker(bind=engine, expire_on_commit=False)
    finally:
        engine.dispose()


def replace_all_banks(session: Session, reference: ReferenceData, who: str = "test") -> str:
    """Make the database hold exactly the banks of `reference`; return the version label."""
    lock_reference_data(session)
    session.execute(delete(BankRow))
    record_version(session, who=who, summary="remove every bank")
    with tempfile.TemporaryDirectory(prefix="bng-test-banks-") as folder:
        write_bank_files(reference, Path(folder))
        return import_banks(session, Path(folder), who)


def accept_quote_holding_stock(session) -> tuple[str, str, str]:
    """Accept a quote for 0.5 units; return its reference, the held stock id and its bank."""
    request = QuoteRequest(
        lpa_code="E60000016", nca_number=61,
        demand=[{"habitat": "Grassland - Other neutral grassland", "units": 0.5}],
    )
    reference_data = EmbeddedSource().load()
    result = quote(request, reference_data)
    held_line = next(iter(result.lines[0].stock_drawn))
    reference = save_quote(session, request, result)
    accept_quote(session, reference)
    return reference, held_line, reference_data.stock[held_line].bank_id


def drop_bank_from_files(folder: Path, bank_id: str) -> None:
    # Column 0 of banks.csv and prices.csv and column 1 of stock.csv is the bank id.
    for table, column in (("banks", 0), ("stock", 1), ("prices", 0)):
        path = folder / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        with path.open("w", newline="", encoding="utf-8") as handle:
            kept = [rows[0]] + [row for row in rows[1:] if row[column] != bank_id]
            csv.writer(handle, lineterminator="\n").writerows(kept)
