"""The engine gives the same quote from PostgreSQL as from in-memory or embedded data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bng_optimiser.db.session import make_engine, session_scope
from bng_optimiser.db.source import PostgresSource
from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import EXAMPLES
from bng_optimiser.domain.request import QuoteRequest

from .conftest import RUN_ID, create_database, drop_database, replace_all_banks

README_REQUEST = Path(__file__).parents[2] / "examples" / "request_cheshire.json"
CHESHIRE = "E60000016"
NEUTRAL_GRASSLAND = "Grassland - Other neutral grassland"


def comparable(result):
    """Return the result without the fields that name the source or time the solver."""
    return result.model_dump(mode="json", exclude={"reference_version", "solve_seconds"})


@pytest.fixture(scope="module")
def example_factory(template_database):
    """A database whose banks each test replaces with an example's banks."""
    name = f"bng_test_{RUN_ID}_examples"
    url = create_database(name, template_database)
    engine = make_engine(url)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()
    drop_database(name)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_quote_same_from_database(example_factory, name):
    example = EXAMPLES[name]()
    with session_scope(example_factory) as session:
        replace_all_banks(session, example.reference)
    stored = PostgresSource(example_factory).load()

    expected = quote(example.request, example.reference)
    actual = quote(example.request, stored)

    assert stored.banks == example.reference.banks
    assert stored.stock == example.reference.stock
    assert stored.prices == example.reference.prices
    assert comparable(actual) == comparable(expected)
    assert actual.reference_version == stored.version


SAMPLE_REQUESTS = {
    "mixed_cheshire": QuoteRequest(
        lpa_code=CHESHIRE,
        nca_number=61,
        demand=[
            {"habitat": NEUTRAL_GRASSLAND, "units": 2.4},
            {"habitat": "Grassland - Modified grassland", "units": 0.8},
            {"habitat": "Net Gain (Low-equivalent)", "units": 1.1},
            {"habitat": "Native hedgerow", "units": 0.4},
        ],
    ),
    "hold_all_tier_up": QuoteRequest(
        lpa_code="Cheshire West and Chester",
        nca_number="Shropshire, Cheshire and Staffordshire Plain",
        demand=[{"habitat": NEUTRAL_GRASSLAND, "units": 6.0},
                {"habitat": "Net Gain (Hedgerows)", "units": 0.5}],
        stock_hold_policy="hold_all",
        promoter_discount={"type": "tier_up"},
    ),
    "cornwall_percentage": QuoteRequest(
        lpa_code="E60000291",
        nca_number=152,
        demand=[{"habitat": "Heathland and shrub - Bramble scrub", "units": 0.3},
                {"habitat": "Net Gain (Watercourses)", "units": 0.05}],
        promoter_discount={"type": "percentage", "value": 7.5},
        stock_hold_policy="hold_half",
    ),
}
if README_REQUEST.is_file():
    SAMPLE_REQUESTS["readme_cheshire"] = QuoteRequest.model_validate(
        json.loads(README_REQUEST.read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize("name", sorted(SAMPLE_REQUESTS))
def test_sample_bank_quote_same_from_database(shared_engine, name):
    request = SAMPLE_REQUESTS[name]

    expected = quote(request, EmbeddedSource().load())
    actual = quote(request, PostgresSource(sessionmaker(bind=shared_engine)).load())

    assert expected.lines, "the request should allocate at least one line"
    assert comparable(actual) == comparable(expected)
