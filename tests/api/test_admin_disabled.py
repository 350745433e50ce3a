"""Admin endpoints are disabled when no admin token is configured."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bng_optimiser.api.main import create_app
from bng_optimiser.settings import Settings


def test_admin_disabled_without_token(database_url: str, redis_url: str) -> None:
    app = create_app(Settings(database_url=database_url, redis_url=redis_url, admin_token=None))
    with TestClient(app) as client:
        response = client.post("/cache/purge", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert "ADMIN_TOKEN" in response.json()["detail"]
