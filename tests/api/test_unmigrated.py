"""An API on a database that was created but never migrated returns 503 naming the fix."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import psycopg

from tests.api.samples import quote_body
from tests.api.stack import POSTGRES_ADMIN_DSN, ApiServer, drop_database, service_env


def test_unmigrated_database_gives_503(redis_url: str, tmp_path: Path) -> None:
    name = f"bng_h5_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    server = ApiServer(service_env(url, redis_url, "quotes-unmigrated"), tmp_path / "api.log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            quote = http.post("/jobs", json=quote_body("Unmigrated Ltd"))
            assert quote.status_code == 503
            assert "bng-optimiser db upgrade" in quote.json()["detail"]
            # The database URL is logged for the operator, never sent to the client.
            assert name not in quote.json()["detail"]
    finally:
        server.stop()
        drop_database(url)
