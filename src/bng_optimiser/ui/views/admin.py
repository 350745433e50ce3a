"""Admin page: reference data version, bank data import, cache purge, queue and workers.

The admin token is typed in each session and kept only in that session's state.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from bng_optimiser.ui.client import BackendError
from bng_optimiser.ui.state import choose_backend, upload_limit_megabytes

logger = logging.getLogger(__name__)


def _show_problems(action: str, error: BackendError) -> None:
    st.error(f"{action} failed: {error.message}")
    for problem in error.problems[1:] if len(error.problems) > 1 else []:
        st.markdown(f"- {problem}")


def _reference_version(client) -> None:
    st.subheader("Reference data")
    try:
        version = client.reference_version()
    except BackendError as error:
        _show_problems("Reading the reference data version", error)
        return
    scalars = {key: value for key, value in version.items() if not isinstance(value, dict | list)}
    st.dataframe(pd.DataFrame([scalars]), hide_index=True)
    counts = version.get("counts")
    if isinstance(counts, dict):
        columns = st.columns(max(1, len(counts)))
        for column, (name, count) in zip(columns, counts.items(), strict=False):
            column.metric(name.replace("_", " ").capitalize(), f"{count:,}")


def _import_banks(client, token: str) -> None:
    st.subheader("Import bank data")
    st.caption(
        "An .xlsx workbook with sheets banks, stock and prices, or a .zip of the three CSVs. "
        "A file with any invalid row changes nothing; every invalid row is listed."
    )
    with st.form("import_form", clear_on_submit=False):
        upload = st.file_uploader(
            "Bank data file",
            type=["xlsx", "zip"],
            key="import_upload",
            max_upload_size=upload_limit_megabytes(),
        )
        submitted = st.form_submit_button("Import")
    if submitted:
        if upload is None:
            st.error("Choose a bank data file first.")
            return
        try:
            imported = client.import_reference(upload.name, upload.getvalue(), token)
        except BackendError as error:
            _show_problems(f"Importing {upload.name}", error)
            return
        logger.info("imported bank data %s: %s", upload.name, imported)
        st.success(
            f"Imported {upload.name}; the reference data version is now "
            f"{imported.get('version', imported)}."
        )


def _purge_cache(client, token: str) -> None:
    st.subheader("Result cache")
    if st.button("Purge the cache", key="purge_cache"):
        try:
            purged = client.purge_cache(token)
        except BackendError as error:
            _show_problems("Purging the cache", error)
            return
        st.success(f"Cache purged: {purged}")


def _queue_status(client, token: str) -> None:
    st.subheader("Queue and workers")
    try:
        queue = client.admin_queue(token)
    except BackendError as error:
        _show_problems("Reading the queue", error)
        return
    scalars = {key: value for key, value in queue.items() if not isinstance(value, dict | list)}
    if scalars:
        st.dataframe(pd.DataFrame([scalars]), hide_index=True)
    for key, value in queue.items():
        if isinstance(value, list) and value:
            st.markdown(f"**{key.replace('_', ' ').capitalize()}**")
            st.dataframe(
                pd.DataFrame(value if isinstance(value[0], dict) else {key: value}), hide_index=True
            )
    st.button("Refresh", key="refresh_queue")


def admin_page() -> None:
    st.title("Administration")
    choice = choose_backend()
    if choice.mode != "api":
        st.info(
            "Administration acts on the quote service, which is not available: "
            + choice.explanation
        )
        st.stop()
    client = choice.backend
    _reference_version(client)
    token = st.text_input(
        "Admin token",
        type="password",
        key="admin_token",
        help="Kept only in this browser session; sent as a bearer token.",
    )
    if not token:
        st.info("Enter the admin token to import bank data, purge the cache or see the queue.")
        st.stop()
    _import_banks(client, token)
    _purge_cache(client, token)
    _queue_status(client, token)


admin_page()
