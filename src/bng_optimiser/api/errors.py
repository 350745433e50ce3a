"""Map domain, database and Redis errors to HTTP responses, the only place status codes are set."""

from __future__ import annotations

import json
import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError

from bng_optimiser.db.errors import (
    InsufficientStockError,
    NoReferenceDataError,
    QuoteNotAcceptableError,
    QuoteNotFoundError,
    SchemaNotReadyError,
)
from bng_optimiser.domain.exceptions import DataFileError, InvalidInputError
from bng_optimiser.jobs.canonical import UnknownNamesError

logger = logging.getLogger(__name__)

# Inputs longer than this are left out of 422 bodies, so a 10,000-row request is not echoed back.
MAX_ECHOED_INPUT_CHARS = 200


def _error(status_code: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    items = []
    for item in error.errors():
        entry = {
            "loc": list(item.get("loc", ())),
            "msg": item.get("msg", ""),
            "type": item.get("type", ""),
        }
        echoed = _echoable(item.get("input"))
        if echoed is not None:
            entry["input"] = echoed
        items.append(entry)
    return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, items)


def _echoable(value: Any) -> Any:
    """Return `value` as JSON-ready data if it is short and strict JSON can hold it, else None.

    A body that is not JSON arrives as bytes, and a JSON body may hold Infinity or NaN; neither
    can go back in a strict JSON reply, so such input is left out rather than failing with 500.
    """
    if value is None or len(repr(value)) > MAX_ECHOED_INPUT_CHARS or isinstance(value, bytes):
        return None
    try:
        encoded = jsonable_encoder(value)
        json.dumps(encoded, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return encoded


async def _unknown_names(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, UnknownNamesError)
    items = [
        {
            "loc": ["body", *path],
            "msg": str(problem),
            "type": "unknown_name",
            "input": problem.value,
            "suggestions": problem.suggestions,
        }
        for path, problem in error.problems
    ]
    return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, items)


async def _data_file(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DataFileError)
    return _error(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        {"message": str(error).splitlines()[0], "problems": error.problems},
    )


async def _invalid_input(request: Request, error: Exception) -> JSONResponse:
    return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error))


async def _redis_down(request: Request, error: Exception) -> JSONResponse:
    logger.error("%s %s: Redis unavailable: %s", request.method, request.url.path, error)
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "Redis is unavailable; the quote queue cannot be reached. Try again shortly.",
        {"Retry-After": "5"},
    )


async def _lock_busy(request: Request, error: Exception) -> JSONResponse:
    logger.warning("%s %s: submit lock not acquired: %s", request.method, request.url.path, error)
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "an identical quote is being submitted; try again shortly",
        {"Retry-After": "1"},
    )


async def _postgres_down(request: Request, error: Exception) -> JSONResponse:
    logger.error("%s %s: PostgreSQL unavailable: %s", request.method, request.url.path, error)
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "PostgreSQL is unavailable; reference data and quotes cannot be read. Try again shortly.",
        {"Retry-After": "5"},
    )


async def _no_reference_data(request: Request, error: Exception) -> JSONResponse:
    logger.error("%s %s: %s", request.method, request.url.path, error)
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "no reference data is loaded; an operator must run 'bng-optimiser db seed'",
    )


async def _schema_not_ready(request: Request, error: Exception) -> JSONResponse:
    # The full message names the database, which is for the operator's log, not for clients.
    logger.error("%s %s: %s", request.method, request.url.path, error)
    return _error(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "the database schema is not at the latest migration; an operator must run "
        "'bng-optimiser db upgrade'",
    )


async def _quote_not_found(request: Request, error: Exception) -> JSONResponse:
    return _error(status.HTTP_404_NOT_FOUND, str(error))


async def _conflict(request: Request, error: Exception) -> JSONResponse:
    return _error(status.HTTP_409_CONFLICT, str(error))


def install_error_handlers(app: FastAPI) -> None:
    """Register one handler per error family; the most specific class wins."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(UnknownNamesError, _unknown_names)
    app.add_exception_handler(DataFileError, _data_file)
    app.add_exception_handler(InvalidInputError, _invalid_input)
    app.add_exception_handler(RedisConnectionError, _redis_down)
    app.add_exception_handler(RedisTimeoutError, _redis_down)
    app.add_exception_handler(LockError, _lock_busy)
    app.add_exception_handler(OperationalError, _postgres_down)
    # Raised by the reference data version read, which uses psycopg without SQLAlchemy.
    app.add_exception_handler(psycopg.OperationalError, _postgres_down)
    app.add_exception_handler(NoReferenceDataError, _no_reference_data)
    app.add_exception_handler(SchemaNotReadyError, _schema_not_ready)
    app.add_exception_handler(QuoteNotFoundError, _quote_not_found)
    app.add_exception_handler(QuoteNotAcceptableError, _conflict)
    app.add_exception_handler(InsufficientStockError, _conflict)
