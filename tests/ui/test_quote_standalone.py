"""Quote page solving in process (no backend): every job state, form checks and metric upload.

The engine, the embedded reference source and the executor are the shipped ones. The banks are
the tiny register of `tests.ui.banks`, so the money is worked out by hand.
"""

from __future__ import annotations

import socket
from pathlib import Path

from bng_optimiser.ui.standalone import LocalBackend
from tests.ui import banks
from tests.ui.conftest import GatedSource
from tests.ui.helpers import fill_quote_form, new_app, run_until, submit_button, texts

METRIC_WORKBOOK = (
    Path(__file__).resolve().parents[1] / "data" / "statutory_metric_onsite_example.xlsx"
)


def test_sidebar_says_standalone_without_backend(standalone) -> None:
    at = new_app()

    sidebar = " ".join(texts(at.sidebar.caption))
    assert "Standalone" in sidebar
    assert "no backend configured" in sidebar


def test_quote_finishes_with_hand_computed_totals(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    # 0.5 + 0.2 = 0.7 units: small (0.1 <= 0.7 < 2.5).
    assert any(
        "0.7000 units" in caption and "**small**" in caption for caption in texts(at.caption)
    )

    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})

    assert job["status"] == "finished", job.get("error")
    # A finished job is no longer polled: no progress bar, no Cancel button, Submit enabled.
    assert len(at.progress) == 0
    assert not any(button.label == "Cancel" for button in at.button)
    assert not submit_button(at).disabled
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Contract size"] == "small"
    assert metrics["Subtotal"] == "£600.00"  # 0.5 x 1,000 + 0.2 x 500
    assert metrics["Admin fee"] == "£500.00"
    assert metrics["Total"] == "£1,100.00"  # 600 + 500
    assert at.session_state["quote_job"]["result"]["banks_used"] == ["BNK-T1"]
    map_notes = [text for text in texts(at.caption) if text.startswith("Red: the site's LPA")]
    assert map_notes
    assert "Not placed" not in map_notes[0]


def test_result_tables_and_client_view(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    submit_button(at).click().run()
    run_until(at, {"finished", "failed"})

    headers = texts(at.subheader)
    assert "Area units" in headers
    assert "Hedgerow units" in headers
    assert "By bank" in headers
    area = next(frame.value for frame in at.dataframe if "demand habitat" in frame.value.columns)
    assert list(area["cost £"]) == [500.0]  # 0.5 x 1,000
    by_bank = next(
        frame.value for frame in at.dataframe if list(frame.value.columns)[:2] == ["bank", "rows"]
    )
    assert by_bank["cost £"].tolist() == [600.0]  # 500 + 100, both rows at BNK-T1
    client = next(
        frame.value for frame in at.dataframe if list(frame.value.columns)[:2] == ["row", "habitat"]
    )
    assert client["unit price £"].tolist()[:2] == [1000, 500]
    assert client["cost £"].tolist() == [500, 100, 500, 1100]  # lines, admin fee, total
    assert len(at.get("download_button")) == 3


def test_manual_review_lists_blocked_row(standalone, local_backend) -> None:
    demand = [*banks.DEMAND, {"habitat": "Priority habitat", "units": 0.1}]
    at = fill_quote_form(new_app(backend=local_backend), demand)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})

    assert job["result"]["status"] == "manual_review"
    assert any("needs manual review" in text for text in texts(at.warning))
    blocked = next(frame.value for frame in at.dataframe if "reason" in frame.value.columns)
    assert blocked["row_id"].tolist() == ["R3"]
    assert blocked["demand_habitat"].tolist() == ["Priority habitat"]
    # The other two rows are still priced: 600 + 500 admin fee.
    assert {metric.label: metric.value for metric in at.metric}["Total"] == "£1,100.00"


def test_engine_warning_starts_capitalised(standalone, local_backend) -> None:
    demand = [*banks.DEMAND, {"habitat": "Net Gain (Watercourses)", "units": 0.1}]
    at = fill_quote_form(new_app(backend=local_backend), demand)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})

    assert job["status"] == "finished", job.get("error")
    engine_text = "the site has no waterbody id, so every watercourse bank counts as far"
    assert any(engine_text in warning for warning in job["result"]["warnings"])
    shown = texts(at.warning)
    assert any(text.startswith("The site has no waterbody id, so every") for text in shown)
    assert not any(text.startswith("the site") for text in shown)


def test_failed_job_shows_the_reason(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND, waterbody="GB000NOWHERE")
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})

    assert job["status"] == "failed"
    assert job["error"]["code"] == "invalid_input"
    errors = texts(at.error)
    assert any("GB000NOWHERE" in text and "waterbody" in text for text in errors)
    assert not submit_button(at).disabled


def test_started_job_shows_progress_and_cancels(standalone, tiny_source) -> None:
    source = GatedSource(tiny_source)
    backend = LocalBackend(source)
    try:
        at = fill_quote_form(new_app(backend=backend), banks.DEMAND)
        submit_button(at).click().run()
        job = run_until(at, {"started"})

        assert job["progress"]["stage"] == "loading data"
        assert at.progress[0].value == 5
        assert submit_button(at).disabled
        cancel = next(button for button in at.button if button.label == "Cancel")

        cancel.click().run()
        assert at.session_state["quote_job"]["status"] == "canceling"
        assert [bar.text for bar in at.progress] == ["Cancelling: waiting for the worker to stop"]
        source.gate.set()
        run_until(at, {"canceled"})
        info = " ".join(texts(at.info))
        assert "The quote was cancelled." in info
        assert "canceled" not in info
        assert not submit_button(at).disabled
    finally:
        source.gate.set()
        backend.shutdown()


def test_queued_job_waits_behind_running_one(standalone, tiny_source) -> None:
    source = GatedSource(tiny_source)
    backend = LocalBackend(source)
    try:
        # The session's single solve thread is busy with another quote held at the gate.
        first = backend.submit_quote(
            {"lpa_code": banks.SITE_LPA, "nca_number": banks.SITE_NCA, "demand": banks.DEMAND}
        )
        at = fill_quote_form(new_app(backend=backend), banks.DEMAND)
        submit_button(at).click().run()
        job = run_until(at, {"queued", "started", "finished"})

        assert job["status"] == "queued"
        assert any("Queued" in bar.text for bar in at.progress)
        source.gate.set()
        job = run_until(at, {"finished", "failed"})
        assert job["result"]["total"] == banks.EXPECTED_TOTAL
        assert backend.job_status(first["job_id"])["status"] == "finished"
    finally:
        source.gate.set()
        backend.shutdown()


def test_backend_down_falls_back_to_standalone(backend_at, local_backend) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe socket is closed.
    backend_at(f"http://127.0.0.1:{port}")
    at = new_app(backend=local_backend)

    sidebar = " ".join(texts(at.sidebar.caption))
    assert f"backend at http://127.0.0.1:{port} is unavailable" in sidebar
    assert "is not responding (ConnectError)" in sidebar
    fill_quote_form(at, banks.DEMAND)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})
    assert job["mode"] == "standalone"
    assert job["result"]["total"] == banks.EXPECTED_TOTAL


def test_form_without_site_sends_nothing(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    at.selectbox(key="site_lpa").set_value(None)
    submit_button(at).click().run()

    assert "quote_job" not in at.session_state
    message = " ".join(texts(at.error))
    assert "choose the site's Local Planning Authority" in message


def test_row_without_units_is_reported(standalone, local_backend) -> None:
    demand = [{"habitat": "Native hedgerow", "units": None}]
    at = fill_quote_form(new_app(backend=local_backend), demand)
    submit_button(at).click().run()

    assert "quote_job" not in at.session_state
    assert "row 1: enter the units of 'Native hedgerow'" in " ".join(texts(at.error))


def demand_caption(at) -> str:
    return next(text for text in texts(at.caption) if text.startswith("As of the last update"))


def test_demand_caption_counts_every_row(standalone, local_backend) -> None:
    demand = [
        *banks.DEMAND,
        {"habitat": "Grassland - Other neutral grassland", "units": 2.6},
    ]
    at = fill_quote_form(new_app(backend=local_backend), demand)

    caption = demand_caption(at)
    # 0.5 + 0.2 + 2.6 = 3.3 units over the 3 rows entered; 3.3 >= 2.5 makes the contract medium.
    assert "total demand 3.3000 units over 3 rows;" in caption
    assert "3.3000 units count towards the contract size" in caption
    assert "**medium**" in caption
    assert "Update total" in caption


def test_demand_caption_says_one_row(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND[:1])

    caption = demand_caption(at)
    assert "total demand 0.5000 units over 1 row;" in caption
    assert "1 rows" not in caption


def test_demand_caption_notes_incomplete_row(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    button = next(b for b in at.button if b.label.endswith("Net Gain (Hedgerows)"))
    button.click().run()

    caption = demand_caption(at)
    # The added Net Gain row has no units yet, so only 0.5 + 0.2 = 0.7 units are counted.
    assert "total demand 0.7000 units over 2 rows (1 incomplete row not counted);" in caption


def test_net_gain_button_adds_row(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    button = next(b for b in at.button if b.label.endswith("Net Gain (Hedgerows)"))
    button.click().run()

    frame = at.session_state["demand_frame"]
    assert frame["habitat"].tolist()[-1] == "Hedgerow · Net Gain (Hedgerows)"
    assert len(frame) == 3
    assert "quote_job" not in at.session_state


def test_neighbours_of_site_are_listed(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    submit_button(at).click().run()

    markdown = " ".join(texts(at.markdown))
    # Cheshire West and Chester borders Cheshire East (E60000015) in the LPA adjacency table.
    assert "LPAs next to Cheshire West and Chester" in markdown
    assert "Cheshire East (E60000015)" in markdown
    assert "NCAs next to 61 Shropshire, Cheshire and Staffordshire Plain" in markdown


def test_metric_upload_fills_demand(standalone, local_backend) -> None:
    at = new_app(backend=local_backend)
    at.file_uploader(key="metric_upload").upload(
        METRIC_WORKBOOK.name, METRIC_WORKBOOK.read_bytes()
    ).run()

    imported = at.session_state["metric_import"]
    assert "error" not in imported, imported
    # On-site surplus covers the Low deficit and the 10 % net gain, so nothing is left to buy.
    assert imported["demand"] == []
    assert any("Nothing to buy" in text for text in texts(at.info))
    assert at.session_state["demand_frame"].empty


def test_metric_upload_rejects_non_workbook(standalone, local_backend) -> None:
    at = new_app(backend=local_backend)
    at.file_uploader(key="metric_upload").upload("demand.xlsx", b"habitat,units\nx,1\n").run()

    assert "error" in at.session_state["metric_import"]
    assert any("could not be read" in text for text in texts(at.error))


def test_history_and_admin_need_backend(standalone) -> None:
    at = new_app(page="views/history.py")
    assert any("Quote history is kept by the quote service" in text for text in texts(at.info))

    at.switch_page("views/admin.py").run()
    assert any("Administration acts on the quote service" in text for text in texts(at.info))


def test_suo_surplus_reduces_lines(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    at.number_input(key="opt_suo").set_value(0.28)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})

    assert job["status"] == "finished", job.get("error")
    # f = min(0.5 x 0.28 / 0.7 units supplied, 0.60) = 0.2; SUO = 0.2 x 600 = 120.
    assert any("SUO discount of £120.00" in text for text in texts(at.caption))
    # 600 - 120 + 500 admin fee = 980.
    assert {metric.label: metric.value for metric in at.metric}["Total"] == "£980.00"
    client = next(
        frame.value for frame in at.dataframe if list(frame.value.columns)[:2] == ["row", "habitat"]
    )
    # Lines after SUO: 500 x 0.8 = 400 and 100 x 0.8 = 80; then the admin fee and the total.
    assert client["cost £"].tolist() == [400, 80, 500, 980]


def test_percentage_discount_scales_prices(standalone, local_backend) -> None:
    at = fill_quote_form(new_app(backend=local_backend), banks.DEMAND)
    at.selectbox(key="opt_discount_type").set_value("percentage")
    at.number_input(key="opt_discount_value").set_value(10.0)
    submit_button(at).click().run()
    job = run_until(at, {"finished", "failed"})

    assert job["request"]["promoter_discount"] == {"type": "percentage", "value": 10.0}
    # Unit prices x 0.9: 0.5 x 900 + 0.2 x 450 = 450 + 90 = 540; plus 500 admin fee = 1,040.
    assert {metric.label: metric.value for metric in at.metric}["Total"] == "£1,040.00"
