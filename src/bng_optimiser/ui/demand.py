"""Demand rows as the editor shows them: habitat choices labelled with their ledger, units."""

from __future__ import annotations

import math

import pandas as pd

from bng_optimiser.domain.catalogue import Catalogue, Ledger

LEDGER_TITLES = {
    Ledger.AREA: "Area",
    Ledger.HEDGEROW: "Hedgerow",
    Ledger.WATERCOURSE: "Watercourse",
}
# The prefix groups the habitat choices by ledger and lets a user type "hedge" to find them.
PREFIX_SEPARATOR = " · "
COLUMNS = ["habitat", "units"]


def habitat_choice(catalogue: Catalogue, label: str) -> str:
    """Return the editor choice for a catalogue label, such as `Area · Grassland - Tall forbs`."""
    habitat = catalogue.get(label)
    return f"{LEDGER_TITLES[habitat.ledger]}{PREFIX_SEPARATOR}{habitat.label}"


def habitat_choices(catalogue: Catalogue) -> list[str]:
    """Return every demandable habitat, grouped by ledger, net-gain rows first in each group."""
    choices = []
    for ledger in Ledger:
        habitats = sorted(
            catalogue.of_ledger(ledger, include_net_gain=True),
            key=lambda h: (not h.net_gain, h.label),
        )
        choices.extend(f"{LEDGER_TITLES[ledger]}{PREFIX_SEPARATOR}{h.label}" for h in habitats)
    return choices


def habitat_label(choice: str) -> str:
    """Return the catalogue label of an editor choice; a bare label passes through unchanged."""
    prefix, separator, label = choice.partition(PREFIX_SEPARATOR)
    if separator and prefix in LEDGER_TITLES.values():
        return label
    return choice


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({"habitat": pd.Series(dtype="object"), "units": pd.Series(dtype="float")})


def frame_from_rows(catalogue: Catalogue, rows: list[dict]) -> pd.DataFrame:
    """Build the editor table from demand rows (`habitat`, `units`), such as a metric import."""
    if not rows:
        return empty_frame()
    return pd.DataFrame(
        {
            "habitat": [habitat_choice(catalogue, row["habitat"]) for row in rows],
            "units": [float(row["units"]) for row in rows],
        }
    )


def append_row(frame: pd.DataFrame, choice: str, units: float | None = None) -> pd.DataFrame:
    row = pd.DataFrame({"habitat": [choice], "units": [units]})
    return pd.concat([frame[COLUMNS], row], ignore_index=True)


def rows_from_frame(frame: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """Return the demand rows of the editor table and a problem line for each unusable row.

    Wholly empty rows (the editor's blank new row) are skipped silently.
    """
    rows: list[dict] = []
    problems: list[str] = []
    for position, record in enumerate(frame[COLUMNS].to_dict("records"), start=1):
        choice = record.get("habitat")
        units = record.get("units")
        has_choice = isinstance(choice, str) and choice.strip() != ""
        has_units = units is not None and not (isinstance(units, float) and math.isnan(units))
        if not has_choice and not has_units:
            continue
        if not has_choice:
            problems.append(f"row {position}: choose a habitat for the {units} units")
            continue
        if not has_units:
            problems.append(f"row {position}: enter the units of {habitat_label(choice)!r}")
            continue
        rows.append({"habitat": habitat_label(choice), "units": float(units)})
    return rows, problems


def total_units(rows: list[dict]) -> float:
    """Return the sum of demand units over every ledger."""
    return sum(row["units"] for row in rows)


def implied_contract_size(catalogue: Catalogue, rows: list[dict]) -> tuple[float, str]:
    """Return total units and the contract size they imply; manually priced rows do not count."""
    from bng_optimiser.domain.config import RulesConfig
    from bng_optimiser.domain.exceptions import UnknownNameError
    from bng_optimiser.domain.rules.pricing import contract_size
    from bng_optimiser.domain.rules.trading import DemandHandling, demand_handling

    counted = 0.0
    for row in rows:
        try:
            habitat = catalogue.get(row["habitat"])
        except UnknownNameError:
            continue
        if demand_handling(habitat) is not DemandHandling.MANUAL_LINE:
            counted += row["units"]
    return counted, contract_size(counted, RulesConfig()).value
