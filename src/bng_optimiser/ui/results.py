"""Show a finished quote: headline figures, allocation tables, blocked rows and downloads."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from bng_optimiser.domain.result import QuoteResult
from bng_optimiser.domain.totals import client_view, round_pence
from bng_optimiser.ui.demand import LEDGER_TITLES
from bng_optimiser.ui.display import sentence


def money(value: float) -> str:
    """Format GBP with a pound sign, thousands separators and pence, halves rounded up."""
    sign = "-" if value < 0 else ""
    return f"{sign}£{round_pence(abs(value)):,.2f}"


def _stock_drawn_text(stock_drawn: dict[str, float]) -> str:
    return "; ".join(f"{stock_id}: {units:.4f}" for stock_id, units in stock_drawn.items())


def _paired_text(line: dict) -> str:
    if not line.get("paired"):
        return ""
    return "; ".join(
        f"{part['role']} {part['habitat']} ({part['stock_id']}) {part['weight']:.0%} at "
        f"{money(part['unit_price'])}, draws {part['stock_per_unit']:.4g} per unit"
        for part in line.get("parts", [])
    )


def lines_frame(result: dict) -> pd.DataFrame:
    """Return one row per allocation line with the columns the tables and CSV download show."""
    records = [
        {
            "row": line["row_id"],
            "ledger": line["ledger"],
            "demand habitat": line["demand_habitat"],
            "bank": f"{line['bank_name']} ({line['bank_id']})",
            "supply": ", ".join(line["supply"]),
            "tier": line["tier"],
            "SRM": line["srm"],
            "units": line["units"],
            "stock drawn": _stock_drawn_text(line["stock_drawn"]),
            "unit price £": line["unit_price"],
            "cost £": line["cost"],
            "SUO £": line.get("suo_reduction", 0.0),
            "paired parts": _paired_text(line),
        }
        for line in result.get("lines", [])
    ]
    return pd.DataFrame.from_records(
        records,
        columns=[
            "row",
            "ledger",
            "demand habitat",
            "bank",
            "supply",
            "tier",
            "SRM",
            "units",
            "stock drawn",
            "unit price £",
            "cost £",
            "SUO £",
            "paired parts",
        ],
    )


def banks_frame(result: dict) -> pd.DataFrame:
    """Return units and cost per bank over all ledgers, largest cost first."""
    lines = lines_frame(result)
    if lines.empty:
        return pd.DataFrame(columns=["bank", "rows", "units", "cost £"])
    grouped = lines.groupby("bank", as_index=False).agg(
        rows=("row", "count"), units=("units", "sum"), **{"cost £": ("cost £", "sum")}
    )
    return grouped.sort_values("cost £", ascending=False, ignore_index=True)


_MONEY_COLUMNS = {
    "unit price £": st.column_config.NumberColumn("unit price £", format="£%,.2f"),
    "cost £": st.column_config.NumberColumn("cost £", format="£%,.2f"),
    "SUO £": st.column_config.NumberColumn("SUO £", format="£%,.2f"),
    "units": st.column_config.NumberColumn("units", format="%.4f"),
    "SRM": st.column_config.NumberColumn("SRM", format="%.2f"),
}
# The main allocation table keeps to the columns that fit the page, so the money is not cut
# off. The supply habitat, SRM, stock drawn and paired parts go to the details table.
MAIN_COLUMNS = ["row", "demand habitat", "bank", "tier", "units", "unit price £", "cost £"]
DETAIL_COLUMNS = ["row", "supply", "SRM", "stock drawn", "paired parts"]
_MAIN_COLUMN_CONFIG = {
    **_MONEY_COLUMNS,
    "row": st.column_config.TextColumn("row", width="small"),
    "demand habitat": st.column_config.TextColumn("demand habitat", width="medium"),
    "bank": st.column_config.TextColumn("bank", width="medium"),
    "tier": st.column_config.TextColumn("tier", width="small"),
}
_CLIENT_COLUMN_CONFIG = {
    "row": st.column_config.TextColumn("row", width="small"),
    "habitat": st.column_config.TextColumn("habitat", width="medium"),
    "bank": st.column_config.TextColumn("bank", width="medium"),
    "tier": st.column_config.TextColumn("tier", width="small"),
    "units": st.column_config.NumberColumn("units", format="%.4f"),
    **{
        name: st.column_config.NumberColumn(name, format="£%,.0f")
        for name in ("unit price £", "before SUO £", "SUO £", "cost £")
    },
}
_DETAIL_COLUMN_CONFIG = {
    "row": st.column_config.TextColumn("row", width="small"),
    "supply": st.column_config.TextColumn("supply", width="medium"),
    "SRM": st.column_config.NumberColumn("SRM", format="%.2f", width="small"),
    "stock drawn": st.column_config.TextColumn("stock drawn", width="medium"),
    "paired parts": st.column_config.TextColumn("paired parts", width="large"),
}


def show_headline(result: dict) -> None:
    size = result["contract_size"]
    if result.get("priced_contract_size") and result["priced_contract_size"] != size:
        size = f"{size} (priced as {result['priced_contract_size']})"
    columns = st.columns(4)
    columns[0].metric("Contract size", size)
    columns[1].metric("Subtotal", money(result["subtotal"]))
    columns[2].metric("Admin fee", money(result["admin_fee"]))
    columns[3].metric("Total", money(result["total"]))
    if result.get("promoter_discount"):
        st.caption(
            f"The promoter's percentage discount took {money(result['promoter_discount'])} "
            "off the unit prices."
        )
    if result.get("suo_discount"):
        st.caption(
            f"The total includes an SUO discount of {money(result['suo_discount'])} "
            "off the allocation lines."
        )
    st.caption(
        f"{result['total_units']:.4f} units of demand; banks used: "
        f"{', '.join(result.get('banks_used', [])) or 'none'}; reference data version "
        f"{result['reference_version']}; solver {result['solver_status']} in "
        f"{result['solve_seconds']:.2f} s."
    )


def show_allocation(result: dict) -> None:
    """Show per ledger the priced lines, with supply, SRM and stock in a details expander."""
    lines = lines_frame(result)
    main_columns = list(MAIN_COLUMNS)
    if (lines["SUO £"] != 0).any():
        main_columns.append("SUO £")
    for ledger, title in LEDGER_TITLES.items():
        ledger_lines = lines[lines["ledger"] == ledger.value]
        if ledger_lines.empty:
            continue
        st.subheader(f"{title} units")
        st.dataframe(
            ledger_lines[main_columns],
            hide_index=True,
            width="stretch",
            column_config=_MAIN_COLUMN_CONFIG,
        )
        with st.expander(f"{title} details: supply habitat, SRM, stock drawn, paired parts"):
            st.dataframe(
                ledger_lines[DETAIL_COLUMNS],
                hide_index=True,
                width="stretch",
                column_config=_DETAIL_COLUMN_CONFIG,
            )
    if not lines.empty:
        st.subheader("By bank")
        st.dataframe(
            banks_frame(result), hide_index=True, width="stretch", column_config=_MONEY_COLUMNS
        )


def show_exceptions(result: dict) -> None:
    """Show warnings, manually priced lines and the rows the optimiser could not meet."""
    for warning in result.get("warnings", []):
        st.warning(sentence(warning))
    if result.get("manual_lines"):
        st.subheader("Manually priced lines")
        st.dataframe(pd.DataFrame(result["manual_lines"]), hide_index=True, width="stretch")
    if result.get("blocked"):
        st.subheader("Rows needing manual review")
        blocked = pd.DataFrame(result["blocked"])[
            ["row_id", "demand_habitat", "units", "code", "reason"]
        ]
        st.dataframe(blocked, hide_index=True, width="stretch")


def client_table(result: dict) -> pd.DataFrame:
    """Return the client-ready table: unit prices to the nearest £50, costs to whole pounds.

    The last two rows are the admin fee and the total, which adds up from the rounded lines.
    When an SUO discount applies, "cost £" is after SUO and two columns show the cost before
    SUO and the SUO reduction.
    """
    view = client_view(QuoteResult.model_validate(result))
    records = [
        {
            "row": line.row_id,
            "habitat": line.demand_habitat,
            "bank": line.bank_name,
            "tier": line.tier,
            "supply": ", ".join(line.supply),
            "units": round(line.units, 4),
            "unit price £": line.unit_price,
            "before SUO £": line.cost_before_suo,
            "SUO £": -line.suo_reduction,
            "cost £": line.cost,
        }
        for line in view.lines
    ]
    records.append(
        {"row": "", "habitat": "Admin fee (planning discharge pack)", "cost £": view.admin_fee}
    )
    records.append({"row": "", "habitat": "Total", "cost £": view.total})
    columns = ["row", "habitat", "bank", "tier", "supply", "units", "unit price £", "cost £"]
    if view.suo_discount > 0:
        columns[-1:-1] = ["before SUO £", "SUO £"]
    return pd.DataFrame.from_records(records, columns=columns)


def show_downloads(result: dict, name: str) -> None:
    client = client_table(result)
    with st.expander("Client-ready quote (unit prices to the nearest £50, costs to whole pounds)"):
        st.dataframe(client, hide_index=True, width="stretch", column_config=_CLIENT_COLUMN_CONFIG)
    columns = st.columns(3)
    columns[0].download_button(
        "Quote CSV",
        lines_frame(result).to_csv(index=False).encode(),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    columns[1].download_button(
        "Quote JSON",
        json.dumps(result, indent=2).encode(),
        file_name=f"{name}.json",
        mime="application/json",
        on_click="ignore",
    )
    columns[2].download_button(
        "Client quote CSV",
        client.to_csv(index=False).encode(),
        file_name=f"{name}-client.csv",
        mime="text/csv",
        on_click="ignore",
    )


def show_result(result: dict, *, name: str = "quote") -> None:
    """Show every part of a finished quote; `name` is the stem of the download file names."""
    if result["status"] == "manual_review":
        st.warning(
            "This quote needs manual review: some demand rows could not be met automatically. "
            "The rows and reasons are listed below; the other rows are priced."
        )
    else:
        st.success("Quoted.")
    show_headline(result)
    show_exceptions(result)
    show_allocation(result)
    show_downloads(result, name)
