"""End to end in Chromium: the API, 2 RQ workers and Streamlit, started here on loopback ports.

The quote first waits in the queue because the workers start only after the user has kept
typing in the form for a few polling cycles. That makes the queued state and the typing check
independent of how fast a worker solves. The tiny banks of `tests.ui.banks` are imported
first, so the total is worked out by hand.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.api.stack import (
    ADMIN_TOKEN,
    BIN,
    REPO,
    START_TIMEOUT_SECONDS,
    ApiServer,
    Workers,
    create_database,
    drop_database,
    free_port,
    redis_url_above,
    service_env,
    start_process,
    stop_process,
    wait_until,
)
from tests.ui import banks

pytestmark = pytest.mark.e2e

APP = REPO / "src" / "bng_optimiser" / "ui" / "app.py"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The browser test's Redis database is this many above TEST_REDIS_URL's (the API tests' one).
E2E_REDIS_DB_OFFSET = 3
# Playwright waits up to this long for an element, in milliseconds.
WAIT_MS = 60_000
CLIENT_NAME = "Acme Homes Ltd"
EDITOR_PAUSE_MS = 500
MAP_DRAW_PAUSE_MS = 2000


class Stack:
    """The API, the workers and Streamlit as subprocesses of this test."""

    def __init__(self, tmp_path: Path) -> None:
        self.database_url = create_database()
        self.redis_url = redis_url_above(E2E_REDIS_DB_OFFSET)
        self.env = service_env(self.database_url, self.redis_url, f"quotes-e2e-{free_port()}")
        flush = ["redis-cli", "-u", self.redis_url, "flushdb"]
        subprocess.run(flush, check=True, capture_output=True)
        self.api = ApiServer(self.env, tmp_path / "api.log")
        self.workers = Workers(self.env, tmp_path)
        self.ui_port = free_port()
        self.ui_url = f"http://127.0.0.1:{self.ui_port}"
        command = [
            str(BIN / "streamlit"), "run", str(APP),
            "--server.port", str(self.ui_port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "minimal",
        ]  # fmt: skip
        self.ui = start_process(
            command, {**self.env, "BACKEND_URL": self.api.url}, tmp_path / "streamlit.log"
        )
        wait_until(self._ui_answers, START_TIMEOUT_SECONDS, f"Streamlit on port {self.ui_port}")

    def _ui_answers(self) -> bool:
        try:
            return httpx.get(f"{self.ui_url}/_stcore/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def import_tiny_banks(self) -> None:
        response = httpx.post(
            f"{self.api.url}/reference/import",
            files={"file": ("banks.zip", banks.bank_zip(), "application/zip")},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text

    def stop(self) -> None:
        stop_process(self.ui)
        self.workers.stop_all()
        self.api.stop()
        drop_database(self.database_url)
        flush = ["redis-cli", "-u", self.redis_url, "flushdb"]
        subprocess.run(flush, check=True, capture_output=True)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(tmp_path)
    try:
        running.import_tiny_banks()
        yield running
    finally:
        running.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 3000})
        finally:
            browser.close()


def choose(page: Page, label: str, text: str) -> None:
    """Type into a select box to filter its options and take the first match."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")


def enter_demand_row(page: Page, habitat: str, units: str) -> None:
    """Fill the first row of the demand editor, a canvas grid driven by mouse and keyboard.

    The grid draws on a canvas, so there is no element to wait for: the pauses let its cell
    editors open and close. Keys typed before an editor has opened are lost, so the units
    editor is opened with Enter and typed into slowly.
    """
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box is not None
    # The header is about 35 px tall, so the first row's middle is 35 + 17 px down.
    page.mouse.click(box["x"] + 200, box["y"] + 35 + 17)
    page.wait_for_timeout(EDITOR_PAUSE_MS)
    page.keyboard.type(habitat)
    page.wait_for_timeout(EDITOR_PAUSE_MS)
    page.keyboard.press("Enter")
    page.wait_for_timeout(EDITOR_PAUSE_MS)
    # Enter moved the selection down a row; go back up and right to the units cell.
    for key in ("ArrowUp", "ArrowRight", "Enter"):
        page.keyboard.press(key)
        page.wait_for_timeout(EDITOR_PAUSE_MS)
    page.keyboard.type(units, delay=100)
    page.wait_for_timeout(EDITOR_PAUSE_MS)
    page.keyboard.press("Enter")
    page.wait_for_timeout(EDITOR_PAUSE_MS)


def test_quote_in_browser_while_typing(stack: Stack, page: Page) -> None:
    page.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    page.goto(stack.ui_url)
    expect(page.get_by_text("Connected to the quote service")).to_be_visible()

    choose(page, "Local Planning Authority", "Cheshire West")
    choose(page, "National Character Area", "Shropshire, Cheshire")
    enter_demand_row(page, "Other neutral grassland", "0.5")
    page.get_by_role("button", name="Get quote").click()

    progress = page.get_by_text("Queued: waiting for a free worker")
    expect(progress).to_be_visible()
    # The submit sent the edited table, so the caption counts the one row typed into the grid.
    expect(page.get_by_text("total demand 0.5000 units over 1 row;")).to_be_visible()
    expect(page.get_by_role("button", name="Get quote")).to_be_disabled()

    # Type one key every 0.4 s across several one-second polls of the job.
    client_name = page.get_by_role("textbox", name="Client name")
    client_name.click()
    client_name.press_sequentially(CLIENT_NAME, delay=400)
    expect(client_name).to_have_value(CLIENT_NAME)
    expect(progress).to_be_visible()
    page.get_by_text("Neighbours of the site").click()
    expect(page.get_by_text("LPAs next to Cheshire West and Chester")).to_be_visible()

    stack.workers.start(2)
    expect(page.get_by_text("Quoted.", exact=True)).to_be_visible()
    expect(progress).to_have_count(0)
    metrics = page.locator('[data-testid="stMetricValue"]')
    # 0.5 units of Other neutral grassland at BNK-T1, local, 1,000 a unit = 500; the contract
    # is small (0.1 <= 0.5 < 2.5), so the admin fee is 500 and the total 1,000.
    expect(metrics.nth(0)).to_have_text("small")
    expect(metrics.nth(1)).to_have_text("£500.00")
    expect(metrics.nth(2)).to_have_text("£500.00")
    expect(metrics.nth(3)).to_have_text("£1,000.00")
    # The allocation grid draws on a canvas; its accessible table contains the cell text.
    expect(page.get_by_text("Test Meadows Bank (BNK-T1)").first).to_be_attached()
    expect(client_name).to_have_value(CLIENT_NAME)
    expect(page.get_by_role("button", name="Get quote")).to_be_enabled()

    # deck.gl draws the map a moment after its canvas appears; the pause is for the screenshot.
    expect(page.locator('[data-testid="stDeckGlJsonChart"] canvas').first).to_be_attached()
    page.wait_for_timeout(MAP_DRAW_PAUSE_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e_quote.png"), full_page=True)
