"""Check that a database has the schema of the newest migration before reading its tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources

import psycopg.errors
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from .errors import SchemaNotReadyError


@lru_cache(maxsize=1)
def head_revision() -> str:
    """Return the id of the newest migration shipped with the package."""
    ini_path = resources.files("bng_optimiser.db").joinpath("alembic.ini")
    head = ScriptDirectory.from_config(Config(str(ini_path))).get_current_head()
    if head is None:
        raise RuntimeError("the package ships no migrations")
    return head


def check_schema(session: Session) -> None:
    """Raise SchemaNotReadyError unless the database is at the newest migration.

    Costs two small queries: whether the `alembic_version` table exists, and its row.
    """
    exists = session.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    revisions = (
        set(session.scalars(text("SELECT version_num FROM alembic_version"))) if exists else set()
    )
    if head_revision() not in revisions:
        raise schema_error(session)


@contextmanager
def schema_guard(session: Session) -> Iterator[None]:
    """Turn an error about a missing table or column into SchemaNotReadyError."""
    try:
        yield
    except ProgrammingError as error:
        if isinstance(error.orig, (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn)):
            raise schema_error(session) from error
        raise


def schema_error(session: Session) -> SchemaNotReadyError:
    """Return the error that names the session's database, its password masked."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    return SchemaNotReadyError(
        f"database {url} has no schema (or is not at the latest migration); "
        "run `bng-optimiser db upgrade`"
    )
