"""Apply or roll back the Alembic migrations shipped inside the package."""

from __future__ import annotations

import logging
from importlib import resources

from alembic import command
from alembic.config import Config

from .session import database_url, safe_url

logger = logging.getLogger(__name__)


def alembic_config(url: str | None = None) -> Config:
    """Return the Alembic configuration of the packaged migrations, aimed at `url`."""
    ini_path = resources.files("bng_optimiser.db").joinpath("alembic.ini")
    config = Config(str(ini_path))
    # Passed as an attribute, not a main option, so a '%' in a password needs no escaping.
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database up to `revision` (default: the newest)."""
    logger.info("upgrading %s to %s", safe_url(database_url(url)), revision)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Migrate the database down to `revision` (default: empty, for tests)."""
    logger.info("downgrading %s to %s", safe_url(database_url(url)), revision)
    command.downgrade(alembic_config(url), revision)
