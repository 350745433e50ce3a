"""Liveness of the API's dependencies."""

from __future__ import annotations

import logging

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..deps import ServicesDep
from ..schemas import HealthOut

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
def get_health(services: ServicesDep) -> JSONResponse:
    """Return 200 when Redis and PostgreSQL both respond, else 503 naming the failing one."""
    checks = {"redis": "ok", "postgres": "ok"}
    try:
        services.redis.ping()
    except RedisError as error:
        logger.warning("health: Redis unavailable: %s", error)
        checks["redis"] = f"unavailable: {error}"
    try:
        with services.session_factory() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        logger.warning("health: PostgreSQL unavailable: %s", type(error).__name__)
        checks["postgres"] = f"unavailable: {type(error).__name__}"

    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status_code=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE,
    )
