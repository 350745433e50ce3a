"""Quote page: site, demand and options in one form, then the job's progress and result."""

from __future__ import annotations

import logging
import time

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from bng_optimiser.domain.catalogue import NET_GAIN_AREA, NET_GAIN_HEDGEROW, NET_GAIN_WATERCOURSE
from bng_optimiser.domain.exceptions import InvalidInputError
from bng_optimiser.domain.reference import CONTRACT_SIZES
from bng_optimiser.domain.request import QuoteRequest
from bng_optimiser.ui import demand, job_status
from bng_optimiser.ui.client import BackendError
from bng_optimiser.ui.display import counted, sentence
from bng_optimiser.ui.results import show_result
from bng_optimiser.ui.site_map import show_site_map
from bng_optimiser.ui.state import (
    backend_for_job,
    choose_backend,
    static_reference,
    upload_limit_megabytes,
)

logger = logging.getLogger(__name__)

HOLD_POLICIES = {
    "ignore": "Ignore holds: units held by open quotes stay available",
    "hold_half": "Hold half: subtract half of the held units",
    "hold_all": "Hold all: subtract every held unit",
}
DISCOUNT_TYPES = {
    "none": "No discount",
    "tier_up": "Tier up: prices of the next larger contract size",
    "percentage": "Percentage off every unit price",
}
NO_PROMOTER = ""
# Promoters change rarely; a minute keeps the list fresh without a request per rerun.
PROMOTERS_MAX_AGE_SECONDS = 60.0
AUTOMATIC_SIZE = ""
NET_GAIN_BUTTONS = (
    ("add_net_gain_area", "Add Net Gain (Low-equivalent)", NET_GAIN_AREA),
    ("add_net_gain_hedgerow", "Add Net Gain (Hedgerows)", NET_GAIN_HEDGEROW),
    ("add_net_gain_watercourse", "Add Net Gain (Watercourses)", NET_GAIN_WATERCOURSE),
)


def _demand_frame() -> pd.DataFrame:
    if "demand_frame" not in st.session_state:
        st.session_state["demand_frame"] = demand.empty_frame()
    return st.session_state["demand_frame"]


def _replace_demand(frame: pd.DataFrame) -> None:
    """Give the editor new rows; a new editor key drops edits made to the old rows."""
    st.session_state["demand_frame"] = frame.reset_index(drop=True)
    st.session_state["editor_version"] = st.session_state.get("editor_version", 0) + 1


def _read_uploaded_metric() -> None:
    """Fill the demand and the SUO surplus from the uploaded metric workbook."""
    upload = st.session_state.get("metric_upload")
    if upload is None:
        return
    catalogue, _geography = static_reference()
    try:
        metric = choose_backend().backend.read_metric(upload.name, upload.getvalue())
    except BackendError as error:
        st.session_state["metric_import"] = {"error": error.message, "problems": error.problems}
        return
    except InvalidInputError as error:
        st.session_state["metric_import"] = {"error": str(error), "problems": []}
        return
    logger.info("metric workbook %s gave %d demand rows", upload.name, len(metric["demand"]))
    st.session_state["metric_import"] = {"file": upload.name, **metric}
    _replace_demand(demand.frame_from_rows(catalogue, metric["demand"]))
    st.session_state["opt_suo"] = float(metric.get("suo_surplus_units") or 0.0)


def _show_metric_import() -> None:
    imported = st.session_state.get("metric_import")
    if not imported:
        return
    if "error" in imported:
        st.error(f"The workbook could not be read: {imported['error']}")
        # The API's problem list starts with the message the line above already shows.
        for problem in imported.get("problems", []):
            if problem != imported["error"]:
                st.markdown(f"- {problem}")
        return
    rows = len(imported["demand"])
    st.success(
        f"{imported['file']}: {counted(rows, 'demand row')} and "
        f"{imported.get('suo_surplus_units', 0.0):.4f} units of SUO-eligible surplus."
    )
    if not rows:
        st.info("Nothing to buy: the on-site surplus covers every deficit and the net gain.")
    for warning in imported.get("warnings", []):
        st.warning(sentence(warning))
    with st.expander("Offset log: on-site surplus used before buying"):
        offsets = pd.DataFrame(imported.get("offsets", []))
        if offsets.empty:
            st.caption("No on-site surplus was used.")
        else:
            st.dataframe(offsets, hide_index=True)
        ledgers = pd.DataFrame(list(imported.get("ledgers", {}).values()))
        if not ledgers.empty:
            st.dataframe(ledgers, hide_index=True)


def _site_inputs(geography) -> tuple[str | None, int | None, str]:
    lpas = sorted(geography.lpas.values(), key=lambda lpa: lpa.name)
    ncas = sorted(geography.ncas.values(), key=lambda nca: nca.number)
    lpa_names = {lpa.code: lpa.name for lpa in lpas}
    nca_names = {nca.number: nca.name for nca in ncas}
    columns = st.columns([3, 3, 2])
    lpa_code = columns[0].selectbox(
        "Local Planning Authority",
        [lpa.code for lpa in lpas],
        index=None,
        format_func=lambda code: f"{lpa_names[code]} ({code})",
        placeholder="Type a name or code",
        key="site_lpa",
    )
    nca_number = columns[1].selectbox(
        "National Character Area",
        [nca.number for nca in ncas],
        index=None,
        format_func=lambda number: f"{number} {nca_names[number]}",
        placeholder="Type a name or number",
        key="site_nca",
    )
    waterbody = columns[2].text_input(
        "Waterbody id (optional)",
        key="site_waterbody",
        placeholder="GB112068060280",
        help="EA WFD waterbody catchment id; without it watercourse banks count as far.",
    )
    return lpa_code, nca_number, waterbody


def _demand_editor(catalogue) -> pd.DataFrame:
    frame = _demand_frame()
    return st.data_editor(
        frame,
        key=f"demand_editor_{st.session_state.get('editor_version', 0)}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "habitat": st.column_config.SelectboxColumn(
                "Habitat (ledger · habitat)",
                options=demand.habitat_choices(catalogue),
                width="large",
            ),
            "units": st.column_config.NumberColumn(
                "Units",
                min_value=0.0,
                max_value=100_000.0,
                step=0.0001,
                format="%.4f",
            ),
        },
    )


def _demand_summary(catalogue, rows: list[dict], row_problems: list[str]) -> str:
    """Return the caption under the demand table: units, incomplete rows, contract size.

    A data editor inside a form sends its edits to the script only when a form button is
    pressed. The caption therefore states that it describes the table as of that press.
    """
    counted_units, size = demand.implied_contract_size(catalogue, rows)
    summary = (
        f"As of the last update: total demand {demand.total_units(rows):.4f} units over "
        f"{counted(len(rows), 'row')}"
    )
    if row_problems:
        summary += f" ({counted(len(row_problems), 'incomplete row')} not counted)"
    return (
        f"{summary}; {counted_units:.4f} units count towards the contract size, which makes "
        f"it **{size}**. Press **Update total** after editing the table."
    )


def _option_inputs(promoters: list[str]) -> dict:
    columns = st.columns(3)
    promoter_names = [NO_PROMOTER, *promoters]
    promoter = columns[0].selectbox(
        "Promoter",
        promoter_names,
        format_func=lambda name: name or "No promoter",
        key="opt_promoter",
        disabled=len(promoter_names) == 1,
        help="The promoter's terms set the discount; only the quote service knows promoters.",
    )
    discount_type = columns[1].selectbox(
        "Discount (without a promoter)",
        list(DISCOUNT_TYPES),
        format_func=DISCOUNT_TYPES.get,
        key="opt_discount_type",
    )
    discount_value = columns[2].number_input(
        "Percentage off, %", min_value=0.0, max_value=100.0, step=0.5, key="opt_discount_value"
    )
    columns = st.columns(4)
    hold_policy = columns[0].selectbox(
        "Stock-hold policy", list(HOLD_POLICIES), format_func=HOLD_POLICIES.get, key="opt_hold"
    )
    contract_size = columns[1].selectbox(
        "Contract size",
        [AUTOMATIC_SIZE] + [size.value for size in CONTRACT_SIZES],
        format_func=lambda size: size or "From total units",
        key="opt_contract_size",
    )
    suo_surplus = columns[2].number_input(
        "SUO surplus, units",
        min_value=0.0,
        max_value=100_000.0,
        step=0.01,
        key="opt_suo",
        help="On-site area surplus of band Medium or higher left after on-site offsetting.",
    )
    client_name = columns[3].text_input("Client name", key="opt_client", max_chars=200)
    return {
        "promoter": promoter or None,
        "discount_type": discount_type,
        "discount_value": discount_value,
        "stock_hold_policy": hold_policy,
        "contract_size": contract_size or None,
        "suo_surplus_units": suo_surplus,
        "client_name": client_name.strip() or None,
    }


def _build_payload(lpa_code, nca_number, waterbody, rows, options) -> tuple[dict | None, list[str]]:
    """Return the `POST /jobs` body, or None and the problems that stop it being sent."""
    problems = []
    if lpa_code is None:
        problems.append("choose the site's Local Planning Authority")
    if nca_number is None:
        problems.append("choose the site's National Character Area")
    if not rows:
        problems.append("enter at least one demand row (habitat and units)")
    if problems:
        return None, problems

    discount = {"type": options["discount_type"], "value": options["discount_value"]}
    if options["discount_type"] != "percentage":
        discount["value"] = 0.0
    body = {
        "lpa_code": lpa_code,
        "nca_number": nca_number,
        "waterbody_id": waterbody.strip() or None,
        "demand": rows,
        "promoter_discount": discount,
        "stock_hold_policy": options["stock_hold_policy"],
        "contract_size": options["contract_size"],
        "suo_surplus_units": options["suo_surplus_units"],
    }
    try:
        QuoteRequest.model_validate(body)
    except ValidationError as error:
        return None, [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]

    if options["promoter"]:
        # The API turns the promoter's terms into the discount.
        body["promoter"] = options["promoter"]
        body.pop("promoter_discount")
    if options["client_name"]:
        body["client_name"] = options["client_name"]
    return body, []


def _submit(backend, mode: str, payload: dict) -> None:
    try:
        job = backend.submit_quote(payload)
    except BackendError as error:
        st.error(f"The quote was not accepted: {error.message}")
        for problem in error.problems[1:] if len(error.problems) > 1 else []:
            st.markdown(f"- {problem}")
        return
    logger.info("submitted quote job %s (%s)", job.get("job_id"), mode)
    job_status.store_job(job, mode=mode, request=payload)
    st.rerun()


def _show_neighbours(geography, lpa_code: str | None, nca_number: int | None) -> None:
    if lpa_code is None and nca_number is None:
        return
    with st.expander("Neighbours of the site (banks there count as adjacent)"):
        if lpa_code is not None:
            names = sorted(
                f"{geography.lpas[code].name} ({code})"
                for code in geography.lpa_neighbours.get(lpa_code, ())
                if code in geography.lpas
            )
            st.markdown(
                f"**LPAs next to {geography.lpas[lpa_code].name}:** " + ("; ".join(names) or "none")
            )
        if nca_number is not None:
            names = sorted(
                f"{number} {geography.ncas[number].name}"
                for number in geography.nca_neighbours.get(nca_number, ())
                if number in geography.ncas
            )
            st.markdown(
                f"**NCAs next to {nca_number} {geography.ncas[nca_number].name}:** "
                + ("; ".join(names) or "none")
            )


def _bank_lpas(backend, version: str) -> dict[str, str]:
    """Return bank id -> LPA code, read once per reference data version."""
    cached = st.session_state.get("bank_lpas")
    if cached is None or cached[0] != version:
        try:
            cached = (version, backend.bank_locations())
        except BackendError as error:
            logger.warning("bank locations unavailable: %s", error.message)
            return {}
        st.session_state["bank_lpas"] = cached
    return cached[1]


def _promoters(backend, mode: str) -> list[str]:
    """Return the promoter names, read at most once a minute per session."""
    cached = st.session_state.get("promoters")
    if cached and cached[0] == mode and time.monotonic() - cached[1] < PROMOTERS_MAX_AGE_SECONDS:
        return cached[2]
    try:
        names = backend.promoters()
    except BackendError as error:
        st.warning(f"Promoters could not be loaded ({error.message}); quoting without one.")
        return []
    st.session_state["promoters"] = (mode, time.monotonic(), names)
    return names


def quote_page() -> None:
    choice = choose_backend()
    catalogue, geography = static_reference()
    st.title("Quote")

    with st.expander("Fill the demand from a statutory metric workbook"):
        st.file_uploader(
            "Statutory Biodiversity Metric workbook (.xlsx or .xlsm)",
            type=["xlsx", "xlsm"],
            key="metric_upload",
            max_upload_size=upload_limit_megabytes(),
            on_change=_read_uploaded_metric,
        )
        _show_metric_import()

    promoters = _promoters(choice.backend, choice.mode)

    running = job_status.job_is_active()
    with st.form("quote_form", enter_to_submit=False):
        st.subheader("Site")
        lpa_code, nca_number, waterbody = _site_inputs(geography)
        st.subheader("Demand")
        edited = _demand_editor(catalogue)
        button_columns = st.columns(len(NET_GAIN_BUTTONS) + 1)
        added = [
            (label, button_columns[i].form_submit_button(text, key=key))
            for i, (key, text, label) in enumerate(NET_GAIN_BUTTONS)
        ]
        # Submitting the form is the only way the script receives the edited table.
        button_columns[-1].form_submit_button("Update total", key="update_demand_total")
        rows, row_problems = demand.rows_from_frame(edited)
        st.caption(_demand_summary(catalogue, rows, row_problems))
        st.subheader("Options")
        options = _option_inputs(promoters)
        submitted = st.form_submit_button(
            "Get quote",
            type="primary",
            disabled=running,
            help="A quote is running; wait for it or cancel it." if running else None,
        )

    for label, clicked in added:
        if clicked:
            _replace_demand(demand.append_row(edited, demand.habitat_choice(catalogue, label)))
            st.rerun()

    _show_neighbours(geography, lpa_code, nca_number)

    if submitted and not running:
        payload, problems = _build_payload(lpa_code, nca_number, waterbody, rows, options)
        problems = row_problems + problems
        if problems:
            st.error("The quote was not sent:\n" + "\n".join(f"- {p}" for p in problems))
        else:
            _submit(choice.backend, choice.mode, payload)

    st.divider()

    def show_with_map(result: dict, *, name: str) -> None:
        show_result(result, name=name)
        job = job_status.current_job() or {}
        site_lpa = (job.get("request") or {}).get("lpa_code")
        if site_lpa:
            st.subheader("Map")
            bank_lpas = _bank_lpas(backend_for_job(job), result["reference_version"])
            show_site_map(geography, site_lpa, bank_lpas, result.get("banks_used", []))

    job_status.show_job(show_with_map)


quote_page()
