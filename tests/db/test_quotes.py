"""Quote history: references, lookup, search, pagination, CSV export and requotes."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from bng_optimiser.db.edits import set_price
from bng_optimiser.db.errors import QuoteNotFoundError
from bng_optimiser.db.models import QuoteLineRow, QuoteRow
from bng_optimiser.db.quotes import (
    export_quote_lines_csv,
    export_quotes_csv,
    get_quote,
    requote,
    save_quote,
    search_quotes,
)
from bng_optimiser.db.session import session_scope
from bng_optimiser.db.source import PostgresSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import adjacent_pair, make_request
from bng_optimiser.domain.exceptions import InvalidInputError

from .conftest import replace_all_banks

REFERENCE_PATTERN = re.compile(r"BNG-A-\d{5}")


@pytest.fixture(scope="module")
def pair_quote():
    """The adjacent pair example: 0.07 units at 0.75 x 32,800 + 0.25 x 20,000 = 29,600."""
    example = adjacent_pair()
    return example.request, quote(example.request, example.reference)


@pytest.fixture(scope="module")
def review_quote():
    """Priority habitat watercourse demand is never allocated automatically."""
    example = adjacent_pair()
    request = make_request([("Priority habitat", 0.1)])
    return request, quote(request, example.reference)


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_save_and_get_quote(session, pair_quote):
    request, result = pair_quote

    reference = save_quote(session, request, result, client_name="Acme Homes",
                           timings={"quote_seconds": 0.25})
    stored = get_quote(session, reference)

    assert REFERENCE_PATTERN.fullmatch(reference)
    assert stored.reference == reference
    assert stored.revision == 0
    assert stored.status == "quoted"
    assert stored.client_name == "Acme Homes"
    assert stored.lpa_code == "E60000016"
    assert stored.nca_number == 61
    assert stored.request == request
    assert stored.result == result
    assert stored.timings == {"quote_seconds": 0.25}
    assert stored.reference_version == result.reference_version
    # 0.07 x 29,600 = 2,072.00, plus the 300 admin fee of a fractional contract.
    assert stored.total == pytest.approx(2372.00)


def test_saved_lines_match_result(session, pair_quote, review_quote):
    reference = save_quote(session, *pair_quote)
    review = save_quote(session, *review_quote)

    lines = session.scalars(
        select(QuoteLineRow).join(QuoteRow).where(QuoteRow.reference == reference)
    ).all()
    blocked = session.scalars(
        select(QuoteLineRow).join(QuoteRow).where(QuoteRow.reference == review)
    ).all()

    assert len(lines) == 1
    assert lines[0].kind == "allocation"
    assert lines[0].bank_id == "ADJ"
    assert lines[0].paired is True
    assert lines[0].unit_price == pytest.approx(29_600)
    assert lines[0].cost == pytest.approx(2_072.00)
    # The pair draws 1 main unit and 1/3 companion unit per unit of demand at adjacent tier.
    assert lines[0].stock_drawn == pytest.approx({"ADJ-1": 0.07, "ADJ-2": 0.07 / 3})
    assert [line.kind for line in blocked] == ["blocked"]
    assert get_quote(session, review).status == "manual_review"


def test_get_unknown_quote_raises(session):
    with pytest.raises(QuoteNotFoundError, match="BNG-A-99999"):
        get_quote(session, "BNG-A-99999")


def test_concurrent_saves_distinct_references(committed_factory, pair_quote):
    request, result = pair_quote
    barrier = threading.Barrier(20)
    references: list[str] = []
    errors: list[BaseException] = []

    def save(index: int) -> None:
        try:
            barrier.wait()
            with session_scope(committed_factory) as session:
                references.append(
                    save_quote(session, request, result, client_name=f"client {index}")
                )
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(references) == 20
    assert len(set(references)) == 20
    assert all(REFERENCE_PATTERN.fullmatch(r) for r in references)
    with committed_factory() as session:
        assert search_quotes(session, page_size=50)[1] == 20


def _set_created(session, reference, moment):
    session.execute(
        update(QuoteRow).where(QuoteRow.reference == reference).values(created_at=moment)
    )


def test_search_filters(session, pair_quote, review_quote):
    request, result = pair_quote
    durham = request.model_copy(update={"lpa_code": "County Durham", "nca_number": 15})
    first = save_quote(session, request, result, client_name="Acme Homes")
    second = save_quote(session, durham, result, client_name="Beta Builders")
    third = save_quote(session, *review_quote, client_name="acme homes north")
    _set_created(session, first, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    _set_created(session, second, datetime(2026, 2, 20, 23, 30, tzinfo=UTC))
    _set_created(session, third, datetime(2026, 3, 5, 12, 0, tzinfo=UTC))

    def found(**filters):
        items, total = search_quotes(session, **filters)
        assert total == len(items)
        return [item.reference for item in items]

    assert found(client="ACME") == [third, first]
    assert found(lpa="E60000001") == [second]
    assert found(lpa="county durham") == [second]
    assert found(nca=61) == [third, first]
    assert found(nca="Shropshire, Cheshire and Staffordshire Plain") == [third, first]
    assert found(status="manual_review") == [third]
    assert found(reference=second) == [second]
    assert found(date_from=date(2026, 2, 1)) == [third, second]
    # A plain date_to includes the whole day, so 23:30 on 20 February is found.
    assert found(date_from=date(2026, 2, 1), date_to=date(2026, 2, 20)) == [second]
    assert found(date_to=date(2026, 2, 19)) == [first]
    assert found(client="acme", status="quoted") == [first]
    assert found(client="nobody") == []


def test_search_rejects_bad_arguments(session):
    with pytest.raises(InvalidInputError, match="'closed'"):
        search_quotes(session, status="closed")
    with pytest.raises(InvalidInputError, match="page must be 1 or more"):
        search_quotes(session, page=0)
    with pytest.raises(InvalidInputError, match="page_size must be from 1 to 200"):
        search_quotes(session, page_size=201)


def test_search_pagination(session, pair_quote):
    references = [save_quote(session, *pair_quote, client_name="Paged Ltd") for _ in range(7)]
    for day, reference in enumerate(references, start=1):
        _set_created(session, reference, datetime(2026, 4, day, tzinfo=UTC))
    newest_first = list(reversed(references))

    pages = [search_quotes(session, client="Paged", page=p, page_size=3) for p in (1, 2, 3, 4)]

    assert [total for _, total in pages] == [7, 7, 7, 7]
    assert [[i.reference for i in items] for items, _ in pages] == [
        newest_first[0:3], newest_first[3:6], newest_first[6:7], [],
    ]


def test_quotes_csv_export(session, pair_quote, review_quote):
    first = save_quote(session, *pair_quote, client_name="=HYPERLINK(1)")
    second = save_quote(session, *review_quote, client_name="Csv Co")
    _set_created(session, first, datetime(2026, 5, 1, tzinfo=UTC))
    _set_created(session, second, datetime(2026, 5, 2, tzinfo=UTC))

    rows = _rows(export_quotes_csv(session, date_from=date(2026, 5, 1), date_to=date(2026, 5, 2)))

    assert [r["reference"] for r in rows] == [first, second]
    assert rows[0]["status"] == "quoted"
    assert rows[0]["contract_size"] == "fractional"
    assert float(rows[0]["total_gbp"]) == pytest.approx(2372.00)
    assert rows[0]["banks_used"] == "ADJ"
    # A leading '=' would run as a formula in a spreadsheet, so the cell starts with "'".
    assert rows[0]["client_name"] == "'=HYPERLINK(1)"
    assert rows[1]["status"] == "manual_review"


def test_quote_lines_csv_export(session, pair_quote, review_quote):
    first = save_quote(session, *pair_quote)
    second = save_quote(session, *review_quote)

    pair_rows = _rows(export_quote_lines_csv(session, reference=first))
    review_rows = _rows(export_quote_lines_csv(session, reference=second))

    assert len(pair_rows) == 1
    assert pair_rows[0]["kind"] == "allocation"
    assert pair_rows[0]["tier"] == "adjacent"
    assert pair_rows[0]["supply"] == (
        "Grassland - Other neutral grassland + Grassland - Modified grassland"
    )
    assert float(pair_rows[0]["unit_price_gbp"]) == pytest.approx(29_600)
    assert float(pair_rows[0]["cost_gbp"]) == pytest.approx(2_072)
    assert pair_rows[0]["paired"] == "yes"
    assert [r["kind"] for r in review_rows] == ["blocked"]
    assert review_rows[0]["demand_habitat"] == "Priority habitat"


def test_export_rejects_unknown_filter(session):
    with pytest.raises(InvalidInputError, match="unknown filter colour"):
        export_quotes_csv(session, colour="red")


def test_requote_revision_numbering(committed_factory):
    example = adjacent_pair()
    with session_scope(committed_factory) as session:
        replace_all_banks(session, example.reference)
    source = PostgresSource(committed_factory)
    with session_scope(committed_factory) as session:
        original = save_quote(session, example.request, quote(example.request, source.load()),
                              client_name="Revision Ltd")

    with session_scope(committed_factory) as session:
        first = requote(session, original, source)
    with session_scope(committed_factory) as session:
        second = requote(session, original, source)
    with session_scope(committed_factory) as session:
        third = requote(session, first, source)

    assert first == f"{original}.1"
    assert second == f"{original}.2"
    assert third == f"{original}.3"
    with committed_factory() as session:
        revision = get_quote(session, third)
        assert revision.revision == 3
        assert revision.client_name == "Revision Ltd"
        assert revision.request == example.request
        assert revision.total == pytest.approx(2372.00)
        assert revision.reference_version == source.current_version()
        assert set(revision.timings) == {"load_seconds", "quote_seconds"}
        items, total = search_quotes(session, reference=original)
        assert total == 4


def test_requote_uses_current_prices(committed_factory):
    example = adjacent_pair()
    with session_scope(committed_factory) as session:
        replace_all_banks(session, example.reference)
    source = PostgresSource(committed_factory)
    with session_scope(committed_factory) as session:
        original = save_quote(session, example.request, quote(example.request, source.load()))

    with session_scope(committed_factory) as session:
        set_price(session, "ADJ", "Grassland - Modified grassland", "fractional", "adjacent",
                  24_000.0, who="test")
    with session_scope(committed_factory) as session:
        revised = requote(session, original, source)

    with committed_factory() as session:
        # 0.75 x 32,800 + 0.25 x 24,000 = 30,600 per unit; 0.07 x 30,600 = 2,142 + 300 fee.
        assert get_quote(session, revised).total == pytest.approx(2442.00)
        assert get_quote(session, original).total == pytest.approx(2372.00)
