"""Shared dependencies of the route modules: settings, Redis, PostgreSQL, reference data."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.orm import Session, sessionmaker

from bng_optimiser.db.session import make_session_factory
from bng_optimiser.db.source import PostgresSource
from bng_optimiser.domain.reference import ReferenceData
from bng_optimiser.jobs.reference_cache import ReferenceCache
from bng_optimiser.settings import Settings

from .reference_version import VersionReader

logger = logging.getLogger(__name__)

# A request must fail fast with 503 when Redis is down rather than hang the client.
REDIS_CONNECT_TIMEOUT_SECONDS = 1.0
REDIS_SOCKET_TIMEOUT_SECONDS = 5.0
# The same bound for the reference data version query on the event loop.
POSTGRES_VERSION_TIMEOUT_SECONDS = 5.0


@dataclass
class Services:
    """Connections of one API process, built from settings when the app is created."""

    settings: Settings

    @cached_property
    def redis(self) -> Redis:
        return Redis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),
        )

    @cached_property
    def async_redis(self) -> AsyncRedis:
        """The client for Redis calls made on the event loop, such as cache lookups."""
        return AsyncRedis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
            retry=AsyncRetry(NoBackoff(), 1),
        )

    @cached_property
    def versions(self) -> VersionReader:
        return VersionReader(self.settings.database_url, POSTGRES_VERSION_TIMEOUT_SECONDS)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        return make_session_factory(self.settings.database_url)

    @cached_property
    def reference_cache(self) -> ReferenceCache:
        return ReferenceCache(PostgresSource(self.session_factory))

    async def aclose(self) -> None:
        """Close the connections used on the event loop, then the others."""
        if "async_redis" in self.__dict__:
            await self.async_redis.aclose()
        if "versions" in self.__dict__:
            await self.versions.close()
        self.close()

    def close(self) -> None:
        if "redis" in self.__dict__:
            self.redis.close()
        if "session_factory" in self.__dict__:
            engine = self.session_factory.kw.get("bind")
            if engine is not None:
                engine.dispose()


# Dependencies without I/O are async so FastAPI runs them on the event loop rather than
# handing each one to the thread pool.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


async def get_redis(services: ServicesDep) -> Redis:
    return services.redis


def get_reference(services: ServicesDep) -> ReferenceData:
    return services.reference_cache.get()


def get_session(services: ServicesDep) -> Iterator[Session]:
    """Yield a session in one transaction, committed when the route returns without error."""
    with services.session_factory() as session, session.begin():
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RedisDep = Annotated[Redis, Depends(get_redis)]
ReferenceDep = Annotated[ReferenceData, Depends(get_reference)]
# Function scope ends the transaction before the response is sent; the default request scope
# would commit only afterwards, so a client's next request could miss the write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False)


def require_admin(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Check the admin bearer token; return a label for the audit trail."""
    if settings.admin_token is None or not settings.admin_token.get_secret_value():
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "admin endpoints are disabled: set ADMIN_TOKEN to enable them",
        )
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token: send 'Authorization: Bearer <admin token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = settings.admin_token.get_secret_value().encode()
    if not secrets.compare_digest(credentials.credentials.encode(), expected):
        logger.warning("admin request rejected: wrong bearer token")
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid admin token")
    return "admin"


AdminDep = Annotated[str, Depends(require_admin)]
