"""Trading rules: every row of the area, hedgerow and watercourse tables."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.rules.trading import (
    DemandHandling,
    can_supply,
    demand_handling,
    is_companion,
    needs_bespoke_warning,
)

NEUTRAL = "Grassland - Other neutral grassland"  # Medium, Grassland
ACID = "Grassland - Other lowland acid grassland"  # Medium, Grassland
MODIFIED = "Grassland - Modified grassland"  # Low, Grassland
CALCAREOUS = "Grassland - Lowland calcareous grassland"  # High, Grassland
MEADOWS = "Grassland - Lowland meadows"  # V.High, Grassland
DRY_ACID = "Grassland - Lowland dry acid grassland"  # V.High, Grassland
MARGINS = "Cropland - Arable field margins tussocky"  # Medium, Cropland
CEREAL = "Cropland - Cereal crops"  # Low, Cropland
SALTMARSH = "Coastal saltmarsh - Saltmarshes and saline reedbeds"  # High, Coastal saltmarsh
SEALED = "Urban - Developed land; sealed surface"  # V.Low, Urban
FELLED = "Woodland and forest - Felled"  # High, never optimised

AREA_CASES = [
    # V.High: the same habitat only.
    (MEADOWS, MEADOWS, True),
    (MEADOWS, DRY_ACID, False),
    # High: the same habitat only, not even a V.High one.
    (CALCAREOUS, CALCAREOUS, True),
    (CALCAREOUS, MEADOWS, False),
    (CALCAREOUS, SALTMARSH, False),
    # Medium: same broad habitat at Medium or higher, or any High or V.High habitat.
    (NEUTRAL, NEUTRAL, True),
    (NEUTRAL, ACID, True),
    (NEUTRAL, CALCAREOUS, True),
    (NEUTRAL, SALTMARSH, True),
    (NEUTRAL, MEADOWS, True),
    (NEUTRAL, MARGINS, False),
    (NEUTRAL, MODIFIED, False),
    # Low: any habitat of band Low or higher.
    (MODIFIED, CEREAL, True),
    (MODIFIED, MARGINS, True),
    (MODIFIED, SALTMARSH, True),
    (MODIFIED, SEALED, False),
    # V.Low: any area habitat.
    (SEALED, SEALED, True),
    (SEALED, CEREAL, True),
    (SEALED, MEADOWS, True),
    # Net Gain (Low-equivalent): any area habitat of band Low or higher.
    ("Net Gain (Low-equivalent)", CEREAL, True),
    ("Net Gain (Low-equivalent)", MEADOWS, True),
    ("Net Gain (Low-equivalent)", SEALED, False),
]

HEDGEROW_CASES = [
    # V.High: the same type only.
    (
        "Species-rich native hedgerow with trees - associated with bank or ditch",
        "Species-rich native hedgerow with trees - associated with bank or ditch",
        True,
    ),
    (
        "Species-rich native hedgerow with trees - associated with bank or ditch",
        "Species-rich native hedgerow with trees",
        False,
    ),
    # High: the same type or any higher band.
    ("Species-rich native hedgerow with trees", "Species-rich native hedgerow with trees", True),
    (
        "Species-rich native hedgerow with trees",
        "Species-rich native hedgerow with trees - associated with bank or ditch",
        True,
    ),
    (
        "Species-rich native hedgerow with trees",
        "Native hedgerow with trees - associated with bank or ditch",
        False,
    ),
    # Medium, Low and V.Low: band equal or higher.
    ("Native hedgerow with trees", "Species-rich native hedgerow", True),
    ("Native hedgerow with trees", "Species-rich native hedgerow with trees", True),
    ("Native hedgerow with trees", "Native hedgerow", False),
    ("Native hedgerow", "Line of trees", True),
    ("Native hedgerow", "Non-native and ornamental hedgerow", False),
    ("Non-native and ornamental hedgerow", "Non-native and ornamental hedgerow", True),
    # Net Gain (Hedgerows): any hedgerow type.
    ("Net Gain (Hedgerows)", "Non-native and ornamental hedgerow", True),
    ("Net Gain (Hedgerows)", "Species-rich native hedgerow with trees", True),
]

WATERCOURSE_CASES = [
    ("Other rivers and streams", "Other rivers and streams", True),
    ("Other rivers and streams", "Priority habitat", False),
    ("Ditches", "Ditches", True),
    ("Ditches", "Canals", False),
    ("Canals", "Ditches", False),
    ("Canals", "Canals", True),
    # Culvert: any watercourse type of a higher band.
    ("Culvert", "Ditches", True),
    ("Culvert", "Other rivers and streams", True),
    ("Culvert", "Culvert", False),
    # Net Gain (Watercourses): any type but Priority habitat.
    ("Net Gain (Watercourses)", "Culvert", True),
    ("Net Gain (Watercourses)", "Canals", True),
    ("Net Gain (Watercourses)", "Priority habitat", False),
    # Priority habitat is never allocated automatically.
    ("Priority habitat", "Priority habitat", False),
]


@pytest.mark.parametrize(("demand", "supply", "legal"), AREA_CASES)
def test_area_trading_rule(catalogue, demand, supply, legal):
    assert can_supply(catalogue.get(demand), catalogue.get(supply)) is legal


@pytest.mark.parametrize(("demand", "supply", "legal"), HEDGEROW_CASES)
def test_hedgerow_trading_rule(catalogue, demand, supply, legal):
    assert can_supply(catalogue.get(demand), catalogue.get(supply)) is legal


@pytest.mark.parametrize(("demand", "supply", "legal"), WATERCOURSE_CASES)
def test_watercourse_trading_rule(catalogue, demand, supply, legal):
    assert can_supply(catalogue.get(demand), catalogue.get(supply)) is legal


@pytest.mark.parametrize(
    ("demand", "supply"),
    [
        ("Net Gain (Low-equivalent)", "Native hedgerow"),
        ("Net Gain (Hedgerows)", MODIFIED),
        ("Net Gain (Watercourses)", MODIFIED),
        ("Native hedgerow", "Ditches"),
        (SEALED, "Culvert"),
    ],
)
def test_ledgers_never_mix(catalogue, demand, supply):
    assert can_supply(catalogue.get(demand), catalogue.get(supply)) is False


def test_net_gain_label_is_never_supply(catalogue):
    net_gain = catalogue.get("Net Gain (Low-equivalent)")
    assert can_supply(catalogue.get(SEALED), net_gain) is False


def test_felled_woodland_is_manual_line(catalogue):
    felled = catalogue.get(FELLED)
    assert demand_handling(felled) is DemandHandling.MANUAL_LINE
    assert can_supply(felled, felled) is False
    # Felled stock never meets other demand either, although its band is High.
    assert can_supply(catalogue.get(MODIFIED), felled) is False


def test_priority_watercourse_needs_review(catalogue):
    assert demand_handling(catalogue.get("Priority habitat")) is DemandHandling.MANUAL_REVIEW
    assert demand_handling(catalogue.get("Ditches")) is DemandHandling.OPTIMISE


def test_bespoke_warning_for_v_high_area_only(catalogue):
    assert needs_bespoke_warning(catalogue.get(MEADOWS)) is True
    assert needs_bespoke_warning(catalogue.get(CALCAREOUS)) is False
    assert (
        needs_bespoke_warning(
            catalogue.get("Species-rich native hedgerow with trees - associated with bank or ditch")
        )
        is False
    )


@pytest.mark.parametrize(
    ("companion", "allowed"),
    [
        (MODIFIED, True),
        (CEREAL, True),
        (MEADOWS, True),
        (NEUTRAL, False),  # the main habitat itself
        (SEALED, False),  # V.Low
        (FELLED, False),
        ("Native hedgerow", False),  # another ledger
    ],
)
def test_companion_habitats(catalogue, companion, allowed):
    assert is_companion(catalogue.get(NEUTRAL), catalogue.get(companion)) is allowed
