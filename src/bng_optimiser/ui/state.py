"""Per-session UI state: the backend that serves quotes, the shipped reference lists, the job.

Streamlit reruns a page script from the top on every interaction, so anything that must live
longer than one run (the API client, the in-process executor, the job being polled) is kept in
`st.session_state` or a `st.cache_resource` shared by all sessions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import streamlit as st

from bng_optimiser.settings import get_settings
from bng_optimiser.ui.client import ApiClient, BackendUnavailable
from bng_optimiser.ui.standalone import LocalBackend

logger = logging.getLogger(__name__)

# A backend found down is asked again after this long, so a restarted API is picked up.
HEALTH_RECHECK_SECONDS = 30.0
# /health must respond quickly; a slow response means the page falls back to in-process quoting.
HEALTH_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class BackendChoice:
    """The backend this session uses and the sidebar line that explains why."""

    backend: ApiClient | LocalBackend
    mode: str  # "api" or "standalone"
    explanation: str


@st.cache_resource
def _api_client(base_url: str, timeout_seconds: float) -> ApiClient:
    return ApiClient(base_url, timeout_seconds=timeout_seconds)


def local_backend() -> LocalBackend:
    """Return this session's in-process backend, created on first use."""
    if "local_backend" not in st.session_state:
        st.session_state["local_backend"] = LocalBackend()
    return st.session_state["local_backend"]


def api_client() -> ApiClient | None:
    url = get_settings().backend_url
    if not url:
        return None
    return _api_client(url, get_settings().backend_timeout_seconds)


def _health_problem(client: ApiClient) -> str | None:
    """Return None when /health returns 200, else the reason it did not."""
    checked = st.session_state.get("health_checked")
    if (
        checked
        and checked[0] == client.base_url
        and time.monotonic() - checked[1] < HEALTH_RECHECK_SECONDS
    ):
        return checked[2]
    try:
        probe = ApiClient(client.base_url, timeout_seconds=HEALTH_TIMEOUT_SECONDS)
        try:
            probe.health()
        finally:
            probe.close()
        problem = None
    except BackendUnavailable as error:
        problem = error.message
        logger.warning("backend %s is down, quoting in process: %s", client.base_url, problem)
    st.session_state["health_checked"] = (client.base_url, time.monotonic(), problem)
    return problem


def choose_backend() -> BackendChoice:
    """Use the API when BACKEND_URL is set and /health returns 200; otherwise quote in process."""
    client = api_client()
    if client is None:
        return BackendChoice(
            local_backend(),
            "standalone",
            "Standalone: no backend configured, so quotes are solved in this process on the "
            "sample banks shipped with the package. History and Admin need the backend.",
        )
    problem = _health_problem(client)
    if problem is not None:
        return BackendChoice(
            local_backend(),
            "standalone",
            f"Standalone: the backend at {client.base_url} is unavailable ({problem}). Quotes "
            "are solved in this process on the sample banks shipped with the package.",
        )
    return BackendChoice(client, "api", f"Connected to the quote service at {client.base_url}.")


def backend_for_job(job: dict) -> ApiClient | LocalBackend:
    """Return the backend that owns `job`, even if the session has switched mode since."""
    if job.get("mode") == "api":
        client = api_client()
        if client is not None:
            return client
    return local_backend()


@st.cache_resource
def static_reference():
    """Return the shipped catalogue and geography (the lists every select box offers)."""
    from bng_optimiser.domain.embedded import load_static

    return load_static()


def upload_limit_megabytes() -> int:
    """Return the API's upload limit in whole megabytes, the unit `st.file_uploader` takes."""
    return max(1, get_settings().max_upload_bytes // (1024 * 1024))
