"""FastAPI application factory: `uvicorn --factory bng_optimiser.api.main:create_app`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bng_optimiser.db.holds import expire_holds
from bng_optimiser.db.session import session_scope
from bng_optimiser.jobs.registry import clean_started_jobs
from bng_optimiser.settings import Settings, get_settings

from .deps import Services
from .docs import install_docs
from .errors import install_error_handlers
from .limits import BodySizeLimit
from .routes import admin, health, jobs, metric, quotes, reference

logger = logging.getLogger(__name__)

UPLOAD_PATHS = frozenset({"/metric", "/reference/import"})
# Holds last days, so checking for expired ones every 5 minutes is prompt enough.
HOLD_EXPIRY_INTERVAL_SECONDS = 5 * 60


async def _maintain_forever(services: Services) -> None:
    """Retry or fail jobs whose worker died, and end expired stock holds, on a schedule.

    Registry cleanup runs here as well as in workers, so an abandoned job still ends when no
    worker is alive to notice it.
    """
    interval = services.settings.registry_cleanup_seconds
    last_hold_expiry = 0.0
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(clean_started_jobs, services.redis, services.settings)
        except RedisError as error:
            logger.warning("registry cleanup skipped: Redis unavailable: %s", error)
        if time.monotonic() - last_hold_expiry >= HOLD_EXPIRY_INTERVAL_SECONDS:
            last_hold_expiry = time.monotonic()
            try:
                await run_in_threadpool(_expire_holds, services)
            except SQLAlchemyError as error:
                logger.warning("hold expiry skipped: PostgreSQL error: %s", type(error).__name__)


def _expire_holds(services: Services) -> None:
    with session_scope(services.session_factory) as session:
        expired = expire_holds(session)
    if expired:
        logger.info("expired %d stock holds", expired)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API on `settings` (default: from the environment)."""
    settings = settings or get_settings()
    services = Services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logger.info("API starting: queue %s", settings.queue_name)
        cleaner = asyncio.create_task(_maintain_forever(services))
        try:
            yield
        finally:
            cleaner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cleaner
            await services.aclose()
            logger.info("API stopped")

    app = FastAPI(
        title="bng-optimiser",
        summary="Quote Biodiversity Net Gain habitat bank units at the lowest legal cost.",
        version="0.1.0",
        lifespan=lifespan,
        # Served by install_docs from local files instead of a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
    )
    # Added last so it runs first: oversized bodies never reach CORS or the routes.
    app.add_middleware(
        BodySizeLimit,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        upload_paths=UPLOAD_PATHS,
    )

    for module in (health, jobs, reference, quotes, metric, admin):
        app.include_router(module.router)
    install_docs(app, "bng-optimiser")
    return app
