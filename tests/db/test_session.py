"""DATABASE_URL checks: only PostgreSQL URLs pass, a bare scheme gets psycopg, passwords masked."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from bng_optimiser.db.errors import DatabaseUrlError
from bng_optimiser.db.session import database_url, make_engine, safe_url
from bng_optimiser.domain.exceptions import InvalidInputError

EXPECTED_START = "DATABASE_URL must be a PostgreSQL URL such as postgresql+psycopg://user@host"


def test_plain_postgresql_url_gets_psycopg():
    url = database_url("postgresql://postgres:p%40ss@127.0.0.1:5432/bng")

    assert url == "postgresql+psycopg://postgres:p%40ss@127.0.0.1:5432/bng"


def test_postgres_scheme_gets_psycopg():
    assert database_url("postgres://postgres@db/bng") == "postgresql+psycopg://postgres@db/bng"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("mysql://x:pw@127.0.0.1/db", "'mysql://x:***@127.0.0.1/db'"),
        ("not a url", "'not a url'"),
        ("sqlite:///bng.db", "'sqlite:///bng.db'"),
        ("postgresql://u:pw@127.0.0.1:port/db", "'postgresql://u:***@127.0.0.1:port/db'"),
        ("postgresql+psycopg2://u:pw@127.0.0.1/db", "'postgresql+psycopg2://u:***@127.0.0.1/db'"),
    ],
)
def test_other_urls_rejected_with_password_masked(given, shown):
    with pytest.raises(DatabaseUrlError) as caught:
        database_url(given)

    message = str(caught.value)
    assert message.startswith(EXPECTED_START)
    assert message.endswith(f", got {shown}")
    assert "pw" not in message
    assert isinstance(caught.value, InvalidInputError)


def test_safe_url_masks_unparsable_text():
    assert safe_url("weird://user:secret@host:port:extra") == "weird://user:***@host:port:extra"


def test_plain_url_connects(committed_url):
    plain = make_url(committed_url).set(drivername="postgresql").render_as_string(False)
    engine = make_engine(plain)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM banks")).scalar() == 36
    finally:
        engine.dispose()
