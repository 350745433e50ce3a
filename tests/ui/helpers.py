"""Driving the app under AppTest: open a page, fill the quote form, poll until a job state."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bng_optimiser.domain.embedded import load_static
from bng_optimiser.ui.demand import habitat_choice
from bng_optimiser.ui.standalone import LocalBackend

APP = Path(__file__).resolve().parents[2] / "src" / "bng_optimiser" / "ui" / "app.py"
# AppTest waits this long for one script run; the first run imports pandas and the catalogue.
RUN_TIMEOUT_SECONDS = 60
# Upper bound on waiting for a job to reach a state on a loaded 2-core machine.
JOB_WAIT_SECONDS = 120


def new_app(*, backend: LocalBackend | None = None, page: str | None = None) -> AppTest:
    """Return the app under AppTest, using `backend` for in-process quotes when given."""
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_SECONDS)
    if backend is not None:
        at.session_state["local_backend"] = backend
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def fill_quote_form(
    at: AppTest, demand: list[dict], *, lpa: str = "E60000016", nca: int = 61, waterbody: str = ""
) -> AppTest:
    """Choose the site and put `demand` in the editor (AppTest cannot type into its cells)."""
    catalogue, _geography = load_static()
    at.session_state["demand_frame"] = pd.DataFrame(
        {
            "habitat": [habitat_choice(catalogue, row["habitat"]) for row in demand],
            "units": [row["units"] for row in demand],
        }
    )
    # A new editor key makes the editor show the rows above instead of its earlier edits.
    at.session_state["editor_version"] = time.monotonic_ns()
    at.run()
    at.selectbox(key="site_lpa").set_value(lpa)
    at.selectbox(key="site_nca").set_value(nca)
    at.text_input(key="site_waterbody").set_value(waterbody)
    return at


def submit_button(at: AppTest):
    return next(button for button in at.button if button.label == "Get quote")


def run_until(at: AppTest, statuses: set[str]) -> dict:
    """Rerun the app (each run polls the job once) until the job reaches one of `statuses`."""
    deadline = time.monotonic() + JOB_WAIT_SECONDS
    while True:
        at.run()
        job = at.session_state["quote_job"] if "quote_job" in at.session_state else None
        if job is not None and job.get("status") in statuses:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job did not reach {sorted(statuses)}; last state {job}")
        time.sleep(0.2)


def texts(elements) -> list[str]:
    return [element.value for element in elements]
