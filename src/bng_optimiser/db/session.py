"""Engine and session factory for the PostgreSQL database named by `Settings.database_url`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..settings import get_settings
from .errors import DatabaseUrlError

# The one installed PostgreSQL driver; a bare `postgresql://` URL would otherwise ask
# SQLAlchemy for psycopg2, which is not a dependency.
DRIVER = "postgresql+psycopg"
# Scheme names that mean PostgreSQL through psycopg 3. `postgres://` is the form that many
# hosting services hand out, and SQLAlchemy has no dialect of that name.
POSTGRESQL_SCHEMES = frozenset({"postgresql", "postgres", DRIVER})
EXAMPLE_URL = "postgresql+psycopg://user@host:5432/bng"
# The password part of `scheme://user:password@host`, for masking text that is not a valid URL.
PASSWORD_PATTERN = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def database_url(url: str | None = None) -> str:
    """Return `url`, or the configured DATABASE_URL when it is None, checked and normalised.

    A `postgresql://` or `postgres://` URL gets the psycopg driver. Raises DatabaseUrlError
    naming the masked URL when it is not a URL or not a PostgreSQL one.
    """
    unchecked = url or get_settings().database_url
    try:
        parsed = make_url(unchecked)
    except (ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
        raise _url_error(unchecked) from error
    if parsed.drivername not in POSTGRESQL_SCHEMES:
        raise _url_error(unchecked)
    return parsed.set(drivername=DRIVER).render_as_string(hide_password=False)


def safe_url(url: str) -> str:
    """Return the URL with any password masked, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return PASSWORD_PATTERN.sub(r"\1***@", url)


def _url_error(url: str) -> DatabaseUrlError:
    return DatabaseUrlError(
        f"DATABASE_URL must be a PostgreSQL URL such as {EXAMPLE_URL}, got {safe_url(url)!r}"
    )


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
