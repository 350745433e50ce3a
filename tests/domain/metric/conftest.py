"""Fixtures for the metric workbook tests: the shipped catalogue and a reader of built books."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bng_optimiser.domain.catalogue import Catalogue
from bng_optimiser.domain.embedded import load_static
from bng_optimiser.domain.metric import MetricDemand, read_metric

from .builders import MetricWorkbook

EXAMPLE_WORKBOOK = (
    Path(__file__).resolve().parents[2] / "data" / "statutory_metric_onsite_example.xlsx"
)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_static()[0]


@pytest.fixture
def read_book(catalogue: Catalogue) -> Callable[[MetricWorkbook], MetricDemand]:
    """Write a built workbook to bytes and read it back through `read_metric`."""

    def read(book: MetricWorkbook) -> MetricDemand:
        return read_metric(book.to_bytes(), catalogue, name="built.xlsx")

    return read


def demand_of(metric: MetricDemand) -> list[tuple[str, float]]:
    """Return (habitat, units) per demand row, in output order."""
    return [(row.habitat, row.units) for row in metric.demand]
