"""Fixtures for the quote engine tests: the shipped catalogue and geography, tiny banks."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.catalogue import Catalogue
from bng_optimiser.domain.embedded import load_static
from bng_optimiser.domain.geography import Geography


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_static()[0]


@pytest.fixture(scope="session")
def geography() -> Geography:
    return load_static()[1]
