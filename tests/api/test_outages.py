"""With Redis or PostgreSQL unreachable the API returns 503 naming it, never 404.

The Redis test runs its own redis-server on a spare port and the PostgreSQL test points the
API at a port where nothing listens; the machine's services are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis
from redis.exceptions import RedisError

from tests.api.samples import quote_body
from tests.api.stack import (
    START_TIMEOUT_SECONDS,
    ApiServer,
    free_port,
    service_env,
    stop_process,
    wait_until,
)


class OwnRedis:
    """A throw-away redis-server on loopback with no persistence."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            shutil.which("redis-server") or "redis-server", "--port", str(self.port),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._answers, START_TIMEOUT_SECONDS, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            return bool(Redis(port=self.port, socket_connect_timeout=1).ping())
        except RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process_plain(self.process)
            self.process = None


def stop_process_plain(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def outage_stack(
    database_url: str, tmp_path: Path
) -> Iterator[tuple[OwnRedis, httpx.Client]]:
    own = OwnRedis(free_port(), tmp_path / "redis.log")
    own.start()
    env = service_env(database_url, f"redis://127.0.0.1:{own.port}/0", "quotes-outage")
    server = ApiServer(env, tmp_path / "api.log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            yield own, http
    finally:
        stop_process(server.process)
        own.stop()


def test_redis_down_gives_503_then_recovers(outage_stack: tuple[OwnRedis, httpx.Client]) -> None:
    own, http = outage_stack
    assert http.get("/health").status_code == 200
    queued = http.post("/jobs", json=quote_body("Outage Ltd"))
    assert queued.status_code == 202
    job_id = queued.json()["job_id"]

    own.stop()
    health = http.get("/health")
    assert health.status_code == 503
    assert health.json()["redis"].startswith("unavailable")
    assert health.json()["postgres"] == "ok"
    status = http.get(f"/jobs/{job_id}")
    assert status.status_code == 503
    assert "Redis is unavailable" in status.json()["detail"]
    assert http.post("/jobs", json=quote_body("Outage Ltd")).status_code == 503
    assert http.delete(f"/jobs/{job_id}").status_code == 503

    own.start()
    # The new server is empty, so the old job is gone (404) and a new post queues again.
    assert http.get("/health").status_code == 200
    assert http.get(f"/jobs/{job_id}").status_code == 404
    again = http.post("/jobs", json=quote_body("Outage Ltd"))
    assert again.status_code == 202
    assert again.json()["job_id"] == job_id


def test_postgres_unreachable_gives_503(redis_url: str, tmp_path: Path) -> None:
    # Nothing listens on a port that was just free, so every connection attempt is refused.
    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/bng"
    server = ApiServer(service_env(unreachable, redis_url, "quotes-no-db"), tmp_path / "api.log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            health = http.get("/health")
            assert health.status_code == 503
            assert health.json()["redis"] == "ok"
            assert health.json()["postgres"].startswith("unavailable")
            quote = http.post("/jobs", json=quote_body("No database Ltd"))
            assert quote.status_code == 503
            assert "PostgreSQL is unavailable" in quote.json()["detail"]
    finally:
        stop_process(server.process)
