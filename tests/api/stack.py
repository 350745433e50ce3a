"""Real services for API and job tests: a fresh database, the API and workers as subprocesses.

Nothing is mocked. Each test session gets its own PostgreSQL database (migrated and seeded with
the shipped sample banks) and its own RQ queue name in the test Redis database, which is
flushed before every test.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from redis import Redis

from bng_optimiser.db import migrate, seed
from bng_optimiser.db.session import make_engine, make_session_factory, session_scope

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
# Redis database of these tests, flushed before each test. Set TEST_REDIS_URL to another
# database or server, so that a run never wipes a development stack's queue. The UI and browser
# tests use the databases 2 and 3 above it.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
# Prefix of the PostgreSQL databases that each test session creates and drops.
TEST_DATABASE_PREFIX = os.environ.get("TEST_DATABASE_PREFIX", "bng_h5_test_")
ADMIN_TOKEN = "test-admin-token"
# Polling limits for subprocess start-up and job completion on a loaded 2-core machine.
START_TIMEOUT_SECONDS = 60.0
JOB_TIMEOUT_SECONDS = 90.0


def redis_url_above(offset: int = 0) -> str:
    """Return TEST_REDIS_URL with its database number raised by `offset` (at most 15)."""
    parts = urlsplit(TEST_REDIS_URL)
    base = int(parts.path.lstrip("/") or 0)
    database = base + offset
    if database > 15:
        raise ValueError(
            f"TEST_REDIS_URL database {base} + {offset} is above 15; use database 13 or lower"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> object:
    """Poll `condition` until it returns a truthy value; fail the test naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def create_database() -> str:
    """Create, migrate and seed a new database; return its SQLAlchemy URL."""
    name = f"{TEST_DATABASE_PREFIX}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine=engine)) as session:
        seed.seed(session, who="tests")
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_env(database_url: str, redis_url: str, queue_name: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        QUEUE_NAME=queue_name,
        ADMIN_TOKEN=ADMIN_TOKEN,
        # Short heartbeats so a killed worker's job is noticed within seconds.
        WORKER_HEARTBEAT_SECONDS="1",
        ABANDONED_JOB_GRACE_SECONDS="3",
        REGISTRY_CLEANUP_SECONDS="1",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def start_process(
    command: list[str], env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start `command` as the leader of a new session, so a stop reaches all it starts."""
    log = log_path.open("ab")
    return subprocess.Popen(
        command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def session_members(session_id: int) -> list[int]:
    """Return the pids of every process in session `session_id`, read from /proc.

    RQ moves each job's child process into a process group of its own, so the session, not
    the group, contains everything a worker started.
    """
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name come state, ppid, pgrp and session.
        if int(fields[3]) == session_id:
            members.append(int(entry.name))
    return members


def signal_session(session_id: int, sig: int) -> None:
    for pid in session_members(session_id):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal every process of the session that `process` leads, and wait for it.

    Anything still alive after 10 s, including a job's child process, is killed.
    """
    signal_session(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        signal_session(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    signal_session(process.pid, signal.SIGKILL)


class ApiServer:
    """The API under uvicorn on a free loopback port."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            str(BIN / "uvicorn"), "--factory", "bng_optimiser.api.main:create_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
        ]
        self.process = start_process(command, env, log_path)
        self.log_path = log_path
        wait_until(self._listening, START_TIMEOUT_SECONDS, f"the API on port {self.port}")

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"API exited with {self.process.returncode}; see {self.log_path}")
        try:
            return httpx.get(self.url + "/openapi.json", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        stop_process(self.process)


class Workers:
    """`bng-optimiser worker` subprocesses, each the leader of its own session."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int = 1) -> list[subprocess.Popen[bytes]]:
        started = []
        for _ in range(count):
            name = f"test-worker-{uuid.uuid4().hex[:8]}"
            command = [str(BIN / "bng-optimiser"), "worker", "--name", name]
            process = start_process(command, self.env, self.log_dir / f"{name}.log")
            self.processes.append(process)
            started.append(process)
        return started

    def stop_all(self) -> None:
        for process in self.processes:
            stop_process(process)
        self.processes.clear()


# Fixtures, imported by the conftest of each test folder that needs the stack.


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def queue_name() -> str:
    return f"quotes-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def redis_url() -> str:
    return redis_url_above()


@pytest.fixture(scope="session")
def stack_env(database_url: str, redis_url: str, queue_name: str) -> dict[str, str]:
    return service_env(database_url, redis_url, queue_name)


@pytest.fixture(scope="session")
def api(stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(stack_env, tmp_path_factory.mktemp("api") / "api.log")
    yield server
    server.stop()


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    yield connection
    connection.close()


@pytest.fixture
def client(api: ApiServer, redis: Redis) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=30) as http:
        yield http


@pytest.fixture
def workers(stack_env: dict[str, str], tmp_path: Path, redis: Redis) -> Iterator[Workers]:
    pool = Workers(stack_env, tmp_path)
    yield pool
    pool.stop_all()


def wait_for_job(http: httpx.Client, job_id: str, statuses: set[str]) -> dict[str, object]:
    """Poll GET /jobs/{id} until its status is one of `statuses`; return the body."""

    def reached() -> dict[str, object] | None:
        body = http.get(f"/jobs/{job_id}").json()
        return body if body.get("status") in statuses else None

    found = wait_until(reached, JOB_TIMEOUT_SECONDS, f"job {job_id} to reach {sorted(statuses)}")
    assert isinstance(found, dict)
    return found
