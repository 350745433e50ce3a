"""The status of the session's quote job: a polling fragment while it runs, the outcome after.

The job status dict has the shape `GET /jobs/{id}` returns (`status`, `progress`, `result`,
`error`, `cached`) plus `mode` ("api" or "standalone") and the submitted `request`.
"""

from __future__ import annotations

import logging

import streamlit as st

from bng_optimiser.ui.client import ACTIVE_STATES, BackendError
from bng_optimiser.ui.state import backend_for_job

logger = logging.getLogger(__name__)

JOB_KEY = "quote_job"
# Seconds between two polls of a running job; only the fragment reruns, never the form.
POLL_SECONDS = 1


def current_job() -> dict | None:
    return st.session_state.get(JOB_KEY)


def job_is_active(job: dict | None = None) -> bool:
    job = job if job is not None else current_job()
    return job is not None and job.get("status") in ACTIVE_STATES


def store_job(job: dict, *, mode: str, request: dict | None = None) -> None:
    """Keep `job` as the session's current job, remembering which backend owns it."""
    st.session_state[JOB_KEY] = {**job, "mode": mode, "request": request}


def _merge_status(job: dict, latest: dict) -> dict:
    merged = {**job, **latest}
    merged["mode"], merged["request"] = job.get("mode"), job.get("request")
    # A running job reports `started` until its worker has stopped it.
    if job.get("cancel_requested") and merged.get("status") in ("queued", "started"):
        merged["status"] = "canceling"
    return merged


def _progress_text(job: dict) -> tuple[float, str]:
    progress = job.get("progress") or {}
    percent = max(0, min(100, int(progress.get("percent") or 0)))
    if job["status"] == "queued":
        return percent / 100, "Queued: waiting for a free worker"
    if job["status"] == "canceling":
        return percent / 100, "Cancelling: waiting for the worker to stop"
    stage = progress.get("stage") or "working"
    return percent / 100, f"Working: {stage} ({percent} %)"


@st.fragment(run_every=POLL_SECONDS)
def poll_job() -> None:
    """Poll the running job once a second; a terminal state reruns the whole page once."""
    job = current_job()
    if not job_is_active(job):
        st.rerun()
    backend = backend_for_job(job)

    if job["status"] != "canceling" and st.button("Cancel", key="cancel_job"):
        try:
            latest = backend.cancel_job(job["job_id"])
        except BackendError as error:
            st.error(f"Could not cancel the job: {error.message}")
        else:
            # "canceling" stays active: polling goes on until the worker has stopped the job.
            latest.setdefault("status", "canceled")
            st.session_state[JOB_KEY] = _merge_status({**job, "cancel_requested": True}, latest)
            logger.info("job %s cancelled by the user", job["job_id"])
            st.rerun()

    try:
        latest = backend.job_status(job["job_id"])
    except BackendError as error:
        st.warning(f"Could not read the job status ({error.message}); asking again in a second.")
        latest = None
    if latest is not None:
        job = _merge_status(job, latest)
        st.session_state[JOB_KEY] = job
    if not job_is_active(job):
        # Leaving the fragment uncalled on the full rerun is what stops the polling.
        st.rerun()

    fraction, text = _progress_text(job)
    st.progress(fraction, text=text)
    st.caption(f"Job {job['job_id']}. You can keep editing the form while it runs.")


def show_outcome(job: dict, show_result) -> None:
    """Show a job that has ended: its result, its error, or that it was cancelled."""
    status = job.get("status")
    if status == "finished":
        if job.get("cached"):
            st.info(
                "Answered from the cache: the same request was quoted earlier on the same "
                "reference data version."
            )
        reference = job.get("reference")
        if reference:
            st.caption(f"Saved as quote {reference}.")
        show_result(job["result"], name=reference or job.get("job_id") or "quote")
    elif status == "failed":
        error = job.get("error") or {}
        st.error(f"The quote failed: {error.get('message') or 'no reason was given'}")
        detail = error.get("detail")
        if isinstance(detail, dict):
            detail = [f"{key}: {value}" for key, value in detail.items()]
        if isinstance(detail, list):
            for line in detail:
                st.markdown(f"- {line}")
        elif detail:
            st.caption(str(detail))
    elif status in ("canceled", "stopped"):
        st.info("The quote was cancelled. Change the form and submit again when ready.")


def show_job(show_result) -> None:
    """Show the current job: poll it while it runs, else show how it ended."""
    job = current_job()
    if job is None:
        return
    if job_is_active(job):
        poll_job()
    else:
        show_outcome(job, show_result)
