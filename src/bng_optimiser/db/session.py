"""Engine and session factory for the PostgreSQL database named by `Settings.database_url`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from ..settings import get_settings


def database_url(url: str | None = None) -> str:
    """Return `url`, or the configured database URL when it is None."""
    return url or get_settings().database_url


def safe_url(url: str) -> str:
    """Return the URL with any password masked, fit for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None, **options: object) -> Engine:
    """Create an engine; `pool_pre_ping` replaces connections that PostgreSQL has closed."""
    return create_engine(database_url(url), pool_pre_ping=True, **options)  # type: ignore[arg-type]


def make_session_factory(
    url: str | None = None, engine: Engine | None = None
) -> sessionmaker[Session]:
    """Create a session factory on `engine`, or on a new engine for `url` or the settings."""
    # expire_on_commit=False lets callers read returned rows after the transaction ends.
    return sessionmaker(bind=engine or make_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session inside one transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
