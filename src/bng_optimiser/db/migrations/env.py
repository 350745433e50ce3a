"""Alembic environment: migrate the database named by `-x url=`, the caller or the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from bng_optimiser.db.models import Base
from bng_optimiser.db.session import database_url

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    # Precedence: `alembic -x url=...`, then a URL set by `db.migrate`, then DATABASE_URL.
    x_url = context.get_x_argument(as_dictionary=True).get("url")
    return x_url or config.attributes.get("url") or database_url()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
