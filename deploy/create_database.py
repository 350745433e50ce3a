"""Create the PostgreSQL database named by DATABASE_URL if it does not exist yet.

Migrations and seeding are separate steps (`bng-optimiser db upgrade`, `db seed`); this only
creates the empty database, connecting to the server's `postgres` maintenance database.
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql
from sqlalchemy import make_url

from bng_optimiser.settings import get_settings


def main() -> int:
    url = make_url(get_settings().database_url)
    name = url.database
    if not name:
        sys.stderr.write(f"invalid DATABASE_URL {url!r}: it names no database, such as .../bng\n")
        return 2
    maintenance = url.set(drivername="postgresql", database="postgres")
    dsn = maintenance.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists:
            sys.stdout.write(f"database {name} exists\n")
            return 0
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    sys.stdout.write(f"database {name} created\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
