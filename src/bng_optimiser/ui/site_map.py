"""A map of the site's LPA and the banks a quote uses, drawn over England's district outlines.

LPA codes (E60000xxx) and local authority district codes (E06/E07/E08/E09) differ, so the
two are joined by name. National Parks and development corporations are not districts and
have no point, so they are left off the map. The outlines come from the shipped boundary
file, so the map needs no tile server.
"""

from __future__ import annotations

import csv
import json
from functools import lru_cache

import pandas as pd
import pydeck
import streamlit as st

from bng_optimiser.domain.embedded import REFERENCE_DIR
from bng_optimiser.domain.names import normalise

GEO_DIR = REFERENCE_DIR / "geo"
SITE_COLOUR = [214, 39, 40]
BANK_COLOUR = [44, 160, 44]
OUTLINE_COLOUR = [150, 150, 150]
# Marker radius in metres, with a floor in pixels so markers stay visible zoomed out.
MARKER_RADIUS_METRES = 4000
MARKER_MIN_PIXELS = 5
# Centre and zoom that show the whole of England.
ENGLAND_VIEW = {"latitude": 52.8, "longitude": -1.6, "zoom": 5.2}


@lru_cache(maxsize=1)
def district_points() -> dict[str, tuple[float, float]]:
    """Return normalised district name -> (latitude, longitude) of its representative point."""
    with (GEO_DIR / "england_lad_may2024_list.csv").open(newline="", encoding="utf-8") as handle:
        return {
            normalise(row["lad_name"]): (float(row["centroid_lat"]), float(row["centroid_lon"]))
            for row in csv.DictReader(handle)
        }


@lru_cache(maxsize=1)
def district_outlines() -> dict:
    """Return the district boundaries (GeoJSON, EPSG:4326) shipped in the package."""
    with (GEO_DIR / "england_lad_may2024_buc.geojson").open(encoding="utf-8") as handle:
        return json.load(handle)


def map_points(
    geography, site_lpa_code: str, bank_lpas: dict[str, str], bank_ids: list[str]
) -> pd.DataFrame:
    """Return one point for the site and one per bank in `bank_ids` whose LPA has a centroid."""
    points = district_points()
    records = []

    def add(label: str, kind: str, lpa_code: str, colour: list[int]) -> None:
        lpa = geography.lpas.get(lpa_code)
        point = points.get(normalise(lpa.name)) if lpa else None
        if point:
            records.append(
                {
                    "label": label,
                    "kind": kind,
                    "lpa": lpa.name,
                    "lat": point[0],
                    "lon": point[1],
                    "colour": colour,
                }
            )

    add("site", "site", site_lpa_code, SITE_COLOUR)
    for bank_id in bank_ids:
        if bank_id in bank_lpas:
            add(bank_id, "bank", bank_lpas[bank_id], BANK_COLOUR)
    return pd.DataFrame.from_records(
        records, columns=["label", "kind", "lpa", "lat", "lon", "colour"]
    )


def _district_feature(name: str) -> dict | None:
    key = normalise(name)
    for feature in district_outlines()["features"]:
        if normalise(feature["properties"]["LAD24NM"]) == key:
            return feature
    return None


def _deck(points: pd.DataFrame, site_name: str | None) -> pydeck.Deck:
    layers = [
        pydeck.Layer(
            "GeoJsonLayer",
            district_outlines(),
            stroked=True,
            filled=True,
            get_fill_color=[240, 240, 240],
            get_line_color=OUTLINE_COLOUR,
            line_width_min_pixels=0.5,
        )
    ]
    site_feature = _district_feature(site_name) if site_name else None
    if site_feature is not None:
        layers.append(
            pydeck.Layer(
                "GeoJsonLayer",
                {"type": "FeatureCollection", "features": [site_feature]},
                filled=True,
                get_fill_color=[*SITE_COLOUR, 110],
                get_line_color=SITE_COLOUR,
                line_width_min_pixels=1.5,
            )
        )
    # The site is a ring and the banks solid dots on top, so a bank in the site's own
    # district stays visible.
    layers.append(
        pydeck.Layer(
            "ScatterplotLayer",
            points[points["kind"] == "site"],
            get_position=["lon", "lat"],
            get_line_color=SITE_COLOUR,
            stroked=True,
            filled=False,
            get_radius=2 * MARKER_RADIUS_METRES,
            radius_min_pixels=2 * MARKER_MIN_PIXELS,
            line_width_min_pixels=2,
            pickable=True,
        )
    )
    layers.append(
        pydeck.Layer(
            "ScatterplotLayer",
            points[points["kind"] == "bank"],
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_radius=MARKER_RADIUS_METRES,
            radius_min_pixels=MARKER_MIN_PIXELS,
            pickable=True,
        )
    )
    return pydeck.Deck(
        layers=layers,
        map_style=None,
        initial_view_state=pydeck.ViewState(**ENGLAND_VIEW),
        tooltip={"text": "{label}: {lpa}"},
    )


def show_site_map(
    geography, site_lpa_code: str, bank_lpas: dict[str, str], bank_ids: list[str]
) -> None:
    """Draw the map, or a caption saying why there is none; never stops the page."""
    try:
        points = map_points(geography, site_lpa_code, bank_lpas, bank_ids)
        site = geography.lpas.get(site_lpa_code)
        deck = _deck(points, site.name if site else None)
    except (OSError, ValueError, KeyError) as error:
        st.caption(f"No map: the district files could not be read ({error}).")
        return
    if points.empty:
        st.caption("No map: the site's LPA is not a district with a known centroid.")
        return
    st.pydeck_chart(deck, height=520)
    placed = set(points["label"])
    missing = [bank_id for bank_id in bank_ids if bank_id not in placed]
    note = (
        "Red: the site's LPA (shaded, ringed at its centre). "
        "Green: the banks used, at the centre of their LPA."
    )
    if missing:
        note += (
            f" Not placed (LPA is not a district or its location is unknown): {', '.join(missing)}."
        )
    st.caption(note)
