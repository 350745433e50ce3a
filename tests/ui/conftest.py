"""Fixtures of the UI tests: the Streamlit app under AppTest, in-process or against the real stack.

The API, the workers, PostgreSQL and Redis are the real ones from `tests.api.stack`. This folder
gets its own database and Redis database, so it never shares state with the API tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.reference import ReferenceData
from bng_optimiser.settings import get_settings
from bng_optimiser.ui.standalone import LocalBackend
from tests.api.stack import (  # noqa: F401
    ADMIN_TOKEN,
    api,
    create_database,
    drop_database,
    queue_name,
    redis,
    redis_url_above,
    stack_env,
    workers,
)
from tests.ui.banks import write_bank_folder
from tests.ui.helpers import JOB_WAIT_SECONDS

# The UI tests' Redis database is this many above TEST_REDIS_URL's, which the API tests use.
UI_REDIS_DB_OFFSET = 2


class GatedSource:
    """A real embedded source whose `load` waits until the test opens the gate.

    It stops a solve at its first stage, so the tests can see a job `started` and `queued`
    behind it without depending on how fast the engine is.
    """

    def __init__(self, inner: EmbeddedSource) -> None:
        self.inner = inner
        self.gate = threading.Event()

    def current_version(self) -> str:
        return self.inner.current_version()

    def load(self) -> ReferenceData:
        self.gate.wait(JOB_WAIT_SECONDS)
        return self.inner.load()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = redis_url_above(UI_REDIS_DB_OFFSET)
    yield url
    # Leave no queued jobs or cached quotes behind in the UI tests' database.
    connection = Redis.from_url(url)
    connection.flushdb()
    connection.close()


@pytest.fixture
def standalone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the app with no backend configured."""
    monkeypatch.delenv("BACKEND_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def backend_at(monkeypatch: pytest.MonkeyPatch):
    """Return a function that points the app at a backend URL for this test."""

    def point(url: str) -> None:
        monkeypatch.setenv("BACKEND_URL", url)
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()


@pytest.fixture
def tiny_source(tmp_path: Path) -> EmbeddedSource:
    return EmbeddedSource(write_bank_folder(tmp_path / "banks"))


@pytest.fixture
def local_backend(tiny_source: EmbeddedSource) -> Iterator[LocalBackend]:
    backend = LocalBackend(tiny_source)
    yield backend
    backend.shutdown()
