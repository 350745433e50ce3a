"""The current reference data version, read on the event loop and shared by concurrent requests."""

from __future__ import annotations

import asyncio
import logging

import psycopg
import psycopg.errors
from sqlalchemy import make_url, select
from sqlalchemy.dialects import postgresql

from bng_optimiser.db.errors import NoReferenceDataError, SchemaNotReadyError
from bng_optimiser.db.models import ReferenceVersionRow
from bng_optimiser.db.session import safe_url
from bng_optimiser.db.versions import version_label

logger = logging.getLogger(__name__)

# The statement of `db.versions.current_version_label`, rendered once for plain psycopg.
_NEWEST_VERSION_SQL = str(
    select(ReferenceVersionRow.id, ReferenceVersionRow.content_hash)
    .order_by(ReferenceVersionRow.id.desc())
    .limit(1)
    .compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
)


def psycopg_conninfo(database_url: str) -> str:
    """Return the libpq connection string of a SQLAlchemy URL such as postgresql+psycopg://..."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class VersionReader:
    """Read the newest reference data version label, one query per round of waiting requests.

    A request always waits for a query that starts after it arrived, never for one already
    running, because a running query may have read the table before a new version was
    committed. Each request therefore sees every version committed before it arrived, the same
    as one query per request, while a burst of concurrent requests shares one query. The
    connection is plain async psycopg in autocommit mode, so a read costs one round trip and no
    thread pool hop.
    """

    def __init__(self, database_url: str, timeout_seconds: float) -> None:
        self._database_url = database_url
        self._conninfo = psycopg_conninfo(database_url)
        self._timeout_seconds = timeout_seconds
        self._connection: psycopg.AsyncConnection | None = None
        self._next_round: asyncio.Future[str] | None = None
        self._runner: asyncio.Task[None] | None = None

    async def current(self) -> str:
        """Return the label, such as `v12-3fa9c1d0`, of the newest version.

        Raises NoReferenceDataError when the database has no version, its subclass
        SchemaNotReadyError when the database has not been migrated, and psycopg's
        OperationalError when PostgreSQL does not respond within the timeout.
        """
        if self._next_round is None:
            self._next_round = asyncio.get_running_loop().create_future()
            # Marks an exception as read when every waiter of the round has gone away.
            self._next_round.add_done_callback(_retrieve)
            if self._runner is None or self._runner.done():
                self._runner = asyncio.create_task(self._run_rounds())
        # A client that disconnects cancels only its own wait, never the round others share.
        return await asyncio.shield(self._next_round)

    async def close(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _run_rounds(self) -> None:
        # No await between the last check of `_next_round` and returning, so `current` never
        # sees a finished runner while a round is left waiting.
        while self._next_round is not None:
            waiting, self._next_round = self._next_round, None
            try:
                version = await self._query()
            except Exception as error:
                waiting.set_exception(error)
            else:
                waiting.set_result(version)

    async def _query(self) -> str:
        try:
            async with asyncio.timeout(self._timeout_seconds):
                if self._connection is None or self._connection.closed:
                    self._connection = await psycopg.AsyncConnection.connect(
                        self._conninfo, autocommit=True
                    )
                    logger.info("connected to PostgreSQL for reference data versions")
                cursor = await self._connection.execute(_NEWEST_VERSION_SQL, prepare=True)
                row = await cursor.fetchone()
        except (psycopg.Error, TimeoutError) as error:
            await self._drop_connection()
            if isinstance(error, TimeoutError):
                raise psycopg.OperationalError(
                    f"PostgreSQL did not respond within {self._timeout_seconds} s"
                ) from None
            if isinstance(error, (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn)):
                raise SchemaNotReadyError(
                    f"database {safe_url(self._database_url)} has no schema (or is not at the "
                    "latest migration); run `bng-optimiser db upgrade`"
                ) from error
            raise
        if row is None:
            raise NoReferenceDataError(
                "the database contains no reference data; run `bng-optimiser db seed` or "
                "import banks"
            )
        version_id, content_hash = row
        # A transient row object, so the label format stays defined in one place.
        return version_label(ReferenceVersionRow(id=version_id, content_hash=content_hash))

    async def _drop_connection(self) -> None:
        # A broken or timed-out connection is never reused: the next round connects again.
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except psycopg.Error as error:
                logger.warning("closing a failed PostgreSQL connection failed: %s", error)


def _retrieve(round_: asyncio.Future[str]) -> None:
    if not round_.cancelled():
        round_.exception()
