"""Saved quotes: search, read, CSV exports, accept with stock holds and requote."""

from __future__ import annotations

import csv
import io

import httpx

from tests.api.samples import quote_body
from tests.api.stack import Workers, wait_for_job


def make_quote(client: httpx.Client, client_name: str, units: float = 1.0) -> dict[str, object]:
    job_id = client.post("/jobs", json=quote_body(client_name, units=units)).json()["job_id"]
    done = wait_for_job(client, job_id, {"finished", "failed"})
    assert done["status"] == "finished", done
    return done


def test_quote_history_endpoints(client: httpx.Client, workers: Workers) -> None:
    workers.start(1)
    done = make_quote(client, "History Ltd")
    reference = done["reference"]
    assert isinstance(reference, str)

    page = client.get("/quotes", params={"client": "history", "page_size": 10}).json()
    assert page["total"] == 1
    assert [item["reference"] for item in page["items"]] == [reference]

    record = client.get(f"/quotes/{reference}").json()
    assert record["client_name"] == "History Ltd"
    assert record["lpa_code"] == "E60000016"
    assert record["result"]["total"] == done["result"]["total"]  # type: ignore[index]
    assert client.get("/quotes/BNG-A-99999").status_code == 404

    quotes_csv = client.get("/quotes.csv", params={"client": "History Ltd"})
    assert quotes_csv.status_code == 200
    assert quotes_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(quotes_csv.text)))
    assert [row["reference"] for row in rows] == [reference]
    lines_csv = client.get("/quotes/lines.csv", params={"reference": reference})
    lines = list(csv.DictReader(io.StringIO(lines_csv.text)))
    assert [line["reference"] for line in lines] == [reference]
    assert lines[0]["demand_habitat"] == "Grassland - Other neutral grassland"


def test_accept_holds_stock_once(client: httpx.Client, workers: Workers) -> None:
    workers.start(1)
    done = make_quote(client, "Accept Ltd", units=0.5)
    reference = done["reference"]
    result = done["result"]
    assert isinstance(result, dict)
    [line] = result["lines"]

    accepted = client.post(f"/quotes/{reference}/accept")
    assert accepted.status_code == 200, accepted.text
    holds = accepted.json()["holds"]
    # Each hold equals the stock units that the line draws from that stock line.
    assert {h["stock_id"]: h["units"] for h in holds} == line["stock_drawn"]
    assert client.post(f"/quotes/{reference}/accept").status_code == 409


def test_requote_makes_next_revision(client: httpx.Client, workers: Workers) -> None:
    workers.start(1)
    done = make_quote(client, "Requote Ltd")
    reference = done["reference"]

    queued = client.post(f"/quotes/{reference}/requote")
    assert queued.status_code == 202
    redone = wait_for_job(client, queued.json()["job_id"], {"finished", "failed"})
    assert redone["status"] == "finished", redone
    assert redone["reference"] == f"{reference}.1"
    assert client.post("/quotes/BNG-A-99999/requote").status_code == 404


def free_units(database_url: str, stock_id: str) -> float:
    """Return units available minus units held on one stock line, read from PostgreSQL."""
    from bng_optimiser.db.models import StockLineRow
    from bng_optimiser.db.session import make_engine, make_session_factory

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine=engine)() as session:
            line = session.get(StockLineRow, stock_id)
            assert line is not None
            return float(line.units_available - line.units_held)
    finally:
        engine.dispose()


def test_accept_with_short_stock_is_409(
    client: httpx.Client, workers: Workers, database_url: str
) -> None:
    workers.start(1)
    probe = make_quote(client, "Short stock probe Ltd")["result"]
    assert isinstance(probe, dict)
    [probe_line] = probe["lines"]
    # The probe asks for 1.0 unit, so what it draws is the draw per unit of demand.
    [(stock_id, drawn_per_unit)] = probe_line["stock_drawn"].items()
    # Two identical quotes that each draw 60 % of the line's free units: the first fits, the
    # second then needs 0.6 x free while only 0.4 x free is left.
    units = round(0.6 * free_units(database_url, stock_id) / drawn_per_unit, 4)
    first = make_quote(client, "Short stock first Ltd", units=units)
    second = make_quote(client, "Short stock second Ltd", units=units)
    first_result = first["result"]
    assert isinstance(first_result, dict)
    [first_line] = first_result["lines"]
    second_result = second["result"]
    assert isinstance(second_result, dict)
    assert first_line["stock_drawn"] == second_result["lines"][0]["stock_drawn"]
    [(chosen_id, drawn)] = first_line["stock_drawn"].items()
    assert drawn > free_units(database_url, chosen_id) / 2

    assert client.post(f"/quotes/{first['reference']}/accept").status_code == 200
    rejected = client.post(f"/quotes/{second['reference']}/accept")
    assert rejected.status_code == 409
    assert chosen_id in rejected.json()["detail"]
    assert "not enough free stock" in rejected.json()["detail"]
