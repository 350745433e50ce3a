"""History page: saved quotes with filters and CSV export, one quote's detail, requote, accept."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from bng_optimiser.ui import job_status
from bng_optimiser.ui.client import BackendError
from bng_optimiser.ui.display import counted, uk_timestamp
from bng_optimiser.ui.results import show_result
from bng_optimiser.ui.state import choose_backend

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
STATUSES = ["", "quoted", "manual_review", "accepted"]
# Column labels of the quote list, in the order shown; fields not named here are left out.
QUOTE_COLUMNS = {
    "reference": "Reference",
    "created_at": "Created",
    "client_name": "Client",
    "status": "Status",
    "lpa_code": "LPA",
    "nca_number": "NCA",
    "total": "Total £",
    "accepted_at": "Accepted",
    "reference_version": "Reference data",
}
TIMESTAMP_FIELDS = ("created_at", "accepted_at")
# Wide enough for "30 Sep 2026 21:05" in the table's font.
TIMESTAMP_WIDTH_PIXELS = 130
UK_DATE_FORMAT = "DD/MM/YYYY"
# Session key of an accept to report after the rerun that refreshes the page.
ACCEPTED_KEY = "history_accepted"


def _filters() -> dict:
    with st.form("history_filters", enter_to_submit=True):
        columns = st.columns(4)
        date_from = columns[0].date_input(
            "From", value=None, key="history_from", format=UK_DATE_FORMAT
        )
        date_to = columns[1].date_input("To", value=None, key="history_to", format=UK_DATE_FORMAT)
        client = columns[2].text_input("Client contains", key="history_client")
        reference = columns[3].text_input("Reference", key="history_reference")
        columns = st.columns(4)
        lpa = columns[0].text_input("LPA code", key="history_lpa")
        nca = columns[1].text_input("NCA number", key="history_nca")
        status = columns[2].selectbox(
            "Status", STATUSES, format_func=lambda s: s or "Any", key="history_status"
        )
        page = columns[3].number_input("Page", min_value=1, step=1, key="history_page")
        st.form_submit_button("Search")
    return {
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "client": client.strip(),
        "reference": reference.strip(),
        "lpa": lpa.strip(),
        "nca": nca.strip(),
        "status": status,
        "page": int(page),
        "page_size": PAGE_SIZE,
    }


def quotes_frame(items: list[dict]) -> pd.DataFrame:
    """Return the quote list with readable labels, UK times and blank cells for missing values."""
    records = []
    for item in items:
        record = {}
        for field, label in QUOTE_COLUMNS.items():
            value = item.get(field)
            if field in TIMESTAMP_FIELDS:
                value = uk_timestamp(value)
            elif value is None:
                value = ""
            record[label] = value
        records.append(record)
    return pd.DataFrame.from_records(records, columns=list(QUOTE_COLUMNS.values()))


def _quote_table(client, filters: dict) -> list[str]:
    """Show one page of saved quotes; returns their references."""
    try:
        found = client.quotes(**filters)
    except BackendError as error:
        st.error(f"The quotes could not be listed: {error.message}")
        for problem in error.problems[1:]:
            st.markdown(f"- {problem}")
        return []
    items = found.get("items", []) if isinstance(found, dict) else found
    total = found.get("total", len(items)) if isinstance(found, dict) else len(items)
    pages = max(1, -(-total // PAGE_SIZE))
    verb = "matches" if total == 1 else "match"
    st.caption(f"{counted(total, 'quote')} {verb}; page {filters['page']} of {pages}.")
    if items:
        st.dataframe(
            quotes_frame(items),
            hide_index=True,
            width="stretch",
            column_config={
                "Total £": st.column_config.NumberColumn(format="£%,.2f"),
                "Created": st.column_config.TextColumn(width=TIMESTAMP_WIDTH_PIXELS),
                "Accepted": st.column_config.TextColumn(width=TIMESTAMP_WIDTH_PIXELS),
            },
        )
    try:
        csv_bytes = client.quotes_csv(**filters)
    except BackendError as error:
        st.caption(f"CSV export unavailable: {error.message}")
    else:
        st.download_button(
            "Export these quotes as CSV",
            csv_bytes,
            file_name="quotes.csv",
            mime="text/csv",
            on_click="ignore",
        )
    return [item["reference"] for item in items if "reference" in item]


def _quote_facts(saved: dict) -> str:
    """Return the caption line of a saved quote: client, when it was made, status, data version."""
    facts = {
        "client": saved.get("client_name"),
        "created": uk_timestamp(saved.get("created_at")),
        "status": saved.get("status"),
        "accepted": uk_timestamp(saved.get("accepted_at")),
        "reference data version": saved.get("reference_version"),
    }
    return "; ".join(f"{name}: {value}" for name, value in facts.items() if value)


def holds_frame(holds: list[dict]) -> pd.DataFrame:
    """Return the stock holds of an accepted quote with readable labels and UK expiry times."""
    return pd.DataFrame.from_records(
        [
            {
                "Stock": hold.get("stock_id", ""),
                "Units held": hold.get("units"),
                "Held until": uk_timestamp(hold.get("expires_at")),
            }
            for hold in holds
        ],
        columns=["Stock", "Units held", "Held until"],
    )


def _accept(client, reference: str) -> None:
    """Accept the quote, then rerun the page so the list and the caption show its new status."""
    try:
        accepted = client.accept_quote(reference)
    except BackendError as error:
        st.error(f"Quote {reference} was not accepted: {error.message}")
        for problem in error.problems[1:]:
            st.markdown(f"- {problem}")
        return
    logger.info("quote %s accepted from the history page", reference)
    holds = accepted.get("holds", []) if isinstance(accepted, dict) else accepted
    st.session_state[ACCEPTED_KEY] = {"reference": reference, "holds": holds}
    st.rerun()


def _show_acceptance(reference: str) -> None:
    """Show, once, the holds of an accept made in the run before this one."""
    accepted = st.session_state.get(ACCEPTED_KEY)
    if not accepted or accepted["reference"] != reference:
        return
    del st.session_state[ACCEPTED_KEY]
    st.success(f"Quote {reference} accepted; its stock is held.")
    if isinstance(accepted["holds"], list) and accepted["holds"]:
        st.dataframe(
            holds_frame(accepted["holds"]),
            hide_index=True,
            width="stretch",
            column_config={"Units held": st.column_config.NumberColumn(format="%.4f")},
        )


def _quote_detail(client, reference: str) -> None:
    try:
        saved = client.quote(reference)
    except BackendError as error:
        st.error(f"Quote {reference} could not be read: {error.message}")
        return
    st.subheader(f"Quote {reference}")
    facts = _quote_facts(saved)
    if facts:
        st.caption(facts)

    columns = st.columns(2)
    if columns[0].button("Requote on current reference data", key=f"requote_{reference}"):
        try:
            job = client.requote(reference)
        except BackendError as error:
            st.error(f"The requote was not accepted: {error.message}")
        else:
            logger.info("requote of %s started as job %s", reference, job.get("job_id"))
            job_status.store_job(job, mode="api", request=saved.get("request"))
            st.success("Requote submitted; its progress and result are on the Quote page.")
            st.page_link("views/quote.py", label="Go to the Quote page")
    if columns[1].button("Accept and hold the stock", key=f"accept_{reference}"):
        _accept(client, reference)
    _show_acceptance(reference)

    result = saved.get("result")
    if result:
        show_result(result, name=reference)


def history_page() -> None:
    st.title("Quote history")
    choice = choose_backend()
    if choice.mode != "api":
        st.info(
            "Quote history is kept by the quote service, which is not available: "
            + choice.explanation
        )
        st.stop()
    filters = _filters()
    references = _quote_table(choice.backend, filters)
    columns = st.columns(2)
    listed = columns[0].selectbox(
        "Open a quote from this page",
        [""] + references,
        format_func=lambda r: r or "Choose a reference",
        key="history_open",
    )
    typed = columns[1].text_input(
        "Or open any quote by reference",
        key="history_open_reference",
        placeholder="BNG-A-00042",
        help="A typed reference takes precedence over the choice on the left.",
    )
    chosen = typed.strip().upper() or listed
    if chosen:
        _quote_detail(choice.backend, chosen)


history_page()
