"""A map of the site's LPA and the banks a quote uses, placed at district centroids.

LPA codes (E60000xxx) and local authority district codes (E06/E07/E08/E09) differ, so the
two are joined by name. National Parks and development corporations are not districts and
have no point, so they are left off the map.
"""

from __future__ import annotations

import csv
from functools import lru_cache

import pandas as pd
import streamlit as st

from bng_optimiser.domain.names import normalise

SITE_COLOUR = "#d62728"
BANK_COLOUR = "#2ca02c"


@lru_cache(maxsize=1)
def district_points() -> dict[str, tuple[float, float]]:
    """Return normalised district name -> (latitude, longitude) from the shipped district list."""
    from bng_optimiser.domain.embedded import REFERENCE_DIR

    path = REFERENCE_DIR / "geo" / "england_lad_may2024_list.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            normalise(row["lad_name"]): (float(row["centroid_lat"]), float(row["centroid_lon"]))
            for row in csv.DictReader(handle)
        }


def map_points(
    geography, site_lpa_code: str, bank_lpas: dict[str, str], bank_ids: list[str]
) -> pd.DataFrame:
    """Return one point for the site and one per bank in `bank_ids` whose LPA has a centroid."""
    points = district_points()
    records = []

    def add(label: str, lpa_code: str, colour: str, size: float) -> None:
        lpa = geography.lpas.get(lpa_code)
        point = points.get(normalise(lpa.name)) if lpa else None
        if point:
            records.append(
                {"label": label, "lat": point[0], "lon": point[1], "colour": colour, "size": size}
            )

    add("site", site_lpa_code, SITE_COLOUR, 9000.0)
    for bank_id in bank_ids:
        if bank_id in bank_lpas:
            add(bank_id, bank_lpas[bank_id], BANK_COLOUR, 6000.0)
    return pd.DataFrame.from_records(records, columns=["label", "lat", "lon", "colour", "size"])


def show_site_map(
    geography, site_lpa_code: str, bank_lpas: dict[str, str], bank_ids: list[str]
) -> None:
    """Draw the map, or a caption saying why there is none; never stops the page."""
    try:
        points = map_points(geography, site_lpa_code, bank_lpas, bank_ids)
    except (OSError, ValueError, KeyError) as error:
        st.caption(f"No map: the district list could not be read ({error}).")
        return
    if points.empty:
        st.caption("No map: the site's LPA is not a district with a known centroid.")
        return
    st.map(points, latitude="lat", longitude="lon", color="colour", size="size")
    placed = set(points["label"])
    missing = [bank_id for bank_id in bank_ids if bank_id not in placed]
    note = "Red: the site's LPA. Green: the banks used, at the centroid of their LPA."
    if missing:
        note += f" Not placed (no district centroid known): {', '.join(missing)}."
    st.caption(note)
