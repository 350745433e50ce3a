"""Demand from a Statutory Biodiversity Metric workbook (.xlsx or .xlsm)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..catalogue import Catalogue
from .models import LedgerSummary, MetricDemand, MetricDemandRow, OffsetEntry
from .offsetting import compute_demand
from .reader import DEFAULT_MAX_BYTES, read_workbook

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LedgerSummary",
    "MetricDemand",
    "MetricDemandRow",
    "OffsetEntry",
    "read_metric",
]

logger = logging.getLogger(__name__)


def read_metric(
    path_or_bytes: str | Path | bytes,
    catalogue: Catalogue,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MetricDemand:
    """Read a completed metric workbook and return the demand left after on-site offsetting.

    `path_or_bytes` is a file path or the file's bytes (an upload); `name` labels the bytes in
    messages. Units are biodiversity units. Nothing is saved. Raises InvalidInputError naming
    what is missing or wrong when the file is over `max_bytes`, not an unencrypted
    .xlsx/.xlsm workbook, or lacks the trading summary sheets, their headers or the baselines.
    """
    content = read_workbook(path_or_bytes, name=name, max_bytes=max_bytes)
    result = compute_demand(content.rows, content.headline, catalogue, content.warnings)
    logger.info(
        "metric workbook read: %d trading rows, %d demand rows, %d warnings",
        len(content.rows),
        len(result.demand),
        len(result.warnings),
    )
    return result
