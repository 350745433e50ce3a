"""Every page against the real stack: the API and RQ workers as subprocesses, PostgreSQL, Redis.

The database is seeded with the shipped sample banks and then gets the tiny banks of
`tests.ui.banks`, priced far below the samples, so the optimiser picks them and the money is
worked out by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.stack import ADMIN_TOKEN, wait_for_job
from tests.ui import banks
from tests.ui.helpers import fill_quote_form, new_app, run_until, submit_button, texts

# A UK timestamp to the minute, such as "4 Dec 2026 21:05".
TIMESTAMP_PATTERN = r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}"


@pytest.fixture(scope="module")
def tiny_banks_imported(api) -> str:
    """Import the tiny banks once; returns the reference data version after the import."""
    response = httpx.post(
        f"{api.url}/reference/import",
        files={"file": ("banks.zip", banks.bank_zip(), "application/zip")},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["version"]


@pytest.fixture
def connected(api, backend_at, redis) -> Iterator[str]:
    """Point the app at the test API with a flushed Redis database; yields the API URL."""
    backend_at(api.url)
    yield api.url


def test_sidebar_says_connected(connected) -> None:
    at = new_app()

    assert any("Connected to the quote service" in text for text in texts(at.sidebar.caption))
    assert at.selectbox(key="opt_promoter").options[0] == "No promoter"


def test_quote_finishes_then_comes_from_cache(connected, workers, tiny_banks_imported) -> None:
    workers.start(1)
    at = fill_quote_form(new_app(), banks.DEMAND)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed", "canceled"})

    assert job["status"] == "finished", job.get("error")
    assert job["mode"] == "api"
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Subtotal"] == "£600.00"  # 0.5 x 1,000 + 0.2 x 500 at BNK-T1
    assert metrics["Total"] == "£1,100.00"  # 600 + 500 admin fee (small contract)
    assert any(text.startswith("Saved as quote BNG-A-") for text in texts(at.caption))
    assert not any("Answered from the cache" in text for text in texts(at.info))
    # GET /reference/banks places BNK-T1 in Cheshire West and Chester, a district on the map.
    map_notes = [text for text in texts(at.caption) if text.startswith("Red: the site's LPA")]
    assert map_notes
    assert "Not placed" not in map_notes[0]

    again = fill_quote_form(new_app(), banks.DEMAND)
    submit_button(again).click().run()

    cached = again.session_state["quote_job"]
    assert cached["status"] == "finished"
    assert cached["cached"] is True
    assert any("Answered from the cache" in text for text in texts(again.info))
    assert {metric.label: metric.value for metric in again.metric}["Total"] == "£1,100.00"


def test_queued_job_without_workers_cancels(connected, tiny_banks_imported) -> None:
    at = fill_quote_form(new_app(), banks.DEMAND)
    submit_button(at).click().run()

    job = at.session_state["quote_job"]
    assert job["status"] == "queued"
    assert any("Queued" in bar.text for bar in at.progress)
    assert submit_button(at).disabled

    next(button for button in at.button if button.label == "Cancel").click().run()
    assert at.session_state["quote_job"]["status"] == "canceled"
    assert any("The quote was cancelled." in text for text in texts(at.info))
    assert not submit_button(at).disabled


def test_unknown_waterbody_is_rejected_before_queueing(connected) -> None:
    at = fill_quote_form(new_app(), banks.DEMAND, waterbody="GB000NOWHERE")
    submit_button(at).click().run()

    assert "quote_job" not in at.session_state
    message = " ".join(texts(at.error))
    assert "The quote was not accepted" in message
    assert "GB000NOWHERE" in message


def _saved_quote(api_url: str, client_name: str | None) -> str:
    """Quote the tiny demand through the API and return the saved quote's reference."""
    with httpx.Client(base_url=api_url, timeout=30) as http:
        body = {
            "lpa_code": banks.SITE_LPA,
            "nca_number": banks.SITE_NCA,
            "demand": banks.DEMAND,
        }
        if client_name is not None:
            body["client_name"] = client_name
        submitted = http.post("/jobs", json=body).json()
        if submitted["status"] == "finished":
            return submitted["reference"]
        return wait_for_job(http, submitted["job_id"], {"finished"})["reference"]


def test_history_lists_opens_and_accepts(connected, workers, tiny_banks_imported) -> None:
    workers.start(1)
    reference = _saved_quote(connected, "History Test Client")
    at = new_app(page="views/history.py")
    at.text_input(key="history_reference").set_value(reference)
    next(b for b in at.button if b.label == "Search").click().run()

    assert any("1 quote matches" in text for text in texts(at.caption))
    listed = next(frame.value for frame in at.dataframe if "Reference" in frame.value.columns)
    assert listed["Reference"].tolist() == [reference]
    assert listed["Client"].tolist() == ["History Test Client"]

    at.selectbox(key="history_open").set_value(reference).run()
    assert f"Quote {reference}" in texts(at.subheader)
    assert {metric.label: metric.value for metric in at.metric}["Total"] == "£1,100.00"
    assert any("status: quoted" in text for text in texts(at.caption))

    at.button(key=f"accept_{reference}").click().run()
    assert any(f"Quote {reference} accepted" in text for text in texts(at.success))
    # The page reruns after the accept, so the caption and the list show the new status.
    assert any("status: accepted" in text for text in texts(at.caption))
    assert not any("status: quoted" in text for text in texts(at.caption))
    listed = next(frame.value for frame in at.dataframe if "Reference" in frame.value.columns)
    assert listed["Status"].tolist() == ["accepted"]
    holds = next(frame.value for frame in at.dataframe if "Stock" in frame.value.columns)
    # Local tier draws 1 stock unit per unit of demand: 0.5 and 0.2.
    assert dict(zip(holds["Stock"], holds["Units held"], strict=True)) == {
        "BNK-T1-S1": 0.5,
        "BNK-T1-S2": 0.2,
    }
    assert all(re.fullmatch(TIMESTAMP_PATTERN, text) for text in holds["Held until"])

    at.button(key=f"accept_{reference}").click().run()
    assert any("was not accepted" in text for text in texts(at.error))


def test_history_table_labels_and_cells(connected, workers, tiny_banks_imported) -> None:
    workers.start(1)
    reference = _saved_quote(connected, None)
    saved = httpx.get(f"{connected}/quotes/{reference}", timeout=10).json()
    at = new_app(page="views/history.py")
    at.text_input(key="history_reference").set_value(reference)
    next(b for b in at.button if b.label == "Search").click().run()

    listed = next(frame.value for frame in at.dataframe if "Reference" in frame.value.columns)
    assert list(listed.columns) == [
        "Reference", "Created", "Client", "Status", "LPA", "NCA", "Total £", "Accepted",
        "Reference data",
    ]  # fmt: skip
    row = listed.iloc[0]
    assert row["Client"] == ""
    assert row["Accepted"] == ""
    assert row["LPA"] == banks.SITE_LPA
    # UK time to the minute: day without a leading zero, short month, year, hours and minutes.
    created = datetime.fromisoformat(saved["created_at"]).astimezone(ZoneInfo("Europe/London"))
    assert row["Created"] == f"{created.day} {created:%b %Y %H:%M}"
    assert re.fullmatch(TIMESTAMP_PATTERN, row["Created"])
    assert "None" not in listed.astype(str).to_numpy().tolist()
    assert at.date_input(key="history_from").proto.format == "DD/MM/YYYY"


def test_history_opens_typed_reference(connected, workers, tiny_banks_imported) -> None:
    workers.start(1)
    older = _saved_quote(connected, "Typed Reference Client")
    # A search for another client leaves the older quote off the page's list.
    at = new_app(page="views/history.py")
    at.text_input(key="history_client").set_value("nobody by this name")
    next(b for b in at.button if b.label == "Search").click().run()
    assert older not in at.selectbox(key="history_open").options

    at.text_input(key="history_open_reference").set_value(older.lower()).run()

    assert f"Quote {older}" in texts(at.subheader)
    assert any("client: Typed Reference Client" in text for text in texts(at.caption))


def test_metric_error_shown_once(connected) -> None:
    at = new_app()
    at.file_uploader(key="metric_upload").upload("demand.xlsx", b"habitat,units\nx,1\n").run()

    error = at.session_state["metric_import"]["error"]
    assert [text for text in texts(at.error) if error in text] == [
        f"The workbook could not be read: {error}"
    ]
    assert not any(error in text for text in texts(at.markdown))


def test_history_requote_starts_job(connected, workers, tiny_banks_imported) -> None:
    workers.start(1)
    reference = _saved_quote(connected, "Requote Test Client")
    at = new_app(page="views/history.py")
    at.text_input(key="history_reference").set_value(reference)
    next(b for b in at.button if b.label == "Search").click().run()
    at.selectbox(key="history_open").set_value(reference).run()

    at.button(key=f"requote_{reference}").click().run()

    job = at.session_state["quote_job"]
    assert job["job_id"].startswith("requote-")
    assert any("Requote submitted" in text for text in texts(at.success))


def test_admin_imports_and_lists_bad_rows(connected, tiny_banks_imported) -> None:
    # Accepting a quote elsewhere changes held stock and so the version; read the current one.
    current = httpx.get(f"{connected}/reference/version", timeout=10).json()
    at = new_app(page="views/admin.py")
    version_table = next(frame.value for frame in at.dataframe if "version" in frame.value.columns)
    assert version_table["version"].tolist() == [current["version"]]
    assert version_table["banks"].tolist() == [current["banks"]]
    assert any("Enter the admin token" in text for text in texts(at.info))

    at.text_input(key="admin_token").set_value(ADMIN_TOKEN).run()
    at.file_uploader(key="import_upload").upload("bad.zip", banks.extra_bank_zip(bad=True))
    next(b for b in at.button if b.label == "Import").click().run()

    problems = " ".join(texts(at.markdown))
    assert any("Importing bad.zip failed" in text for text in texts(at.error))
    assert "-2" in problems  # the negative stock row
    assert "BNK-NOPE" in problems  # the price for an unknown bank

    at.file_uploader(key="import_upload").clear()
    at.file_uploader(key="import_upload").upload("extra.zip", banks.extra_bank_zip())
    next(b for b in at.button if b.label == "Import").click().run()
    after = httpx.get(f"{connected}/reference/version", timeout=10).json()["version"]
    assert any(
        f"Imported extra.zip; the reference data version is now {after}" in text
        for text in texts(at.success)
    )
    assert after != current["version"]


def test_admin_purges_cache_and_shows_queue(connected, workers) -> None:
    workers.start(1)
    at = new_app(page="views/admin.py")
    at.text_input(key="admin_token").set_value(ADMIN_TOKEN).run()

    queue = next(frame.value for frame in at.dataframe if "queued" in frame.value.columns)
    assert queue["queued"].tolist() == [0]
    at.button(key="purge_cache").click().run()
    assert any("Cache purged" in text for text in texts(at.success))


def test_admin_wrong_token_is_refused(connected) -> None:
    at = new_app(page="views/admin.py")
    at.text_input(key="admin_token").set_value("not-the-token").run()

    assert any("Reading the queue failed" in text for text in texts(at.error))


def test_promoter_terms_set_discount(connected, workers, tiny_banks_imported) -> None:
    workers.start(1)
    at = fill_quote_form(new_app(), banks.DEMAND)
    promoter = "Sample Developments plc (illustrative)"
    assert promoter in at.selectbox(key="opt_promoter").options
    at.selectbox(key="opt_promoter").set_value(promoter)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed", "canceled"})

    assert job["request"]["promoter"] == promoter
    assert "promoter_discount" not in job["request"]
    # The seeded promoter takes 5 % off unit prices: 0.5 x 950 + 0.2 x 475 = 475 + 95 = 570;
    # plus the 500 admin fee = 1,070.
    assert {metric.label: metric.value for metric in at.metric}["Total"] == "£1,070.00"
