"""Connections and reference data shared by the jobs of one worker process, built on first use."""

from __future__ import annotations

import logging
import os
from functools import lru_cache

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from bng_optimiser.db.session import make_session_factory
from bng_optimiser.db.source import PostgresSource
from bng_optimiser.settings import get_settings

from .reference_cache import ReferenceCache

logger = logging.getLogger(__name__)

_owner_pid = os.getpid()


@lru_cache(maxsize=1)
def redis_connection() -> Redis:
    return Redis.from_url(get_settings().redis_url)


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    return make_session_factory(get_settings().database_url)


@lru_cache(maxsize=1)
def reference_cache() -> ReferenceCache:
    return ReferenceCache(PostgresSource(session_factory()))


def after_fork() -> None:
    """Drop database connections inherited from the parent, which a child must never share."""
    global _owner_pid
    if os.getpid() == _owner_pid:
        return
    _owner_pid = os.getpid()
    if session_factory.cache_info().currsize:
        engine = session_factory().kw.get("bind")
        if engine is not None:
            engine.dispose(close=False)
