"""Trading rules: which stocked habitat may legally meet which demand habitat."""

from __future__ import annotations

from enum import StrEnum

from ..catalogue import (
    CULVERT,
    FELLED_WOODLAND,
    NET_GAIN_AREA,
    NET_GAIN_HEDGEROW,
    NET_GAIN_WATERCOURSE,
    PRIORITY_WATERCOURSE,
    Habitat,
    Ledger,
    band_rank,
)

LOW = band_rank("Low")
MEDIUM = band_rank("Medium")
HIGH = band_rank("High")
V_HIGH = band_rank("V.High")


class DemandHandling(StrEnum):
    """The treatment of a demand row, decided before any option is built."""

    OPTIMISE = "optimise"
    # Felled woodland is priced by hand, outside the optimiser.
    MANUAL_LINE = "manual_line"
    # Priority habitat watercourse is never allocated automatically.
    MANUAL_REVIEW = "manual_review"


def demand_handling(demand: Habitat) -> DemandHandling:
    """Return whether a demand row is optimised, becomes a manual line or needs review."""
    if demand.label == FELLED_WOODLAND:
        return DemandHandling.MANUAL_LINE
    if demand.ledger is Ledger.WATERCOURSE and demand.label == PRIORITY_WATERCOURSE:
        return DemandHandling.MANUAL_REVIEW
    return DemandHandling.OPTIMISE


def needs_bespoke_warning(demand: Habitat) -> bool:
    """Return True for V.High area demand, where bespoke compensation is usually required."""
    return demand.ledger is Ledger.AREA and not demand.net_gain and demand.rank == V_HIGH


def can_supply(demand: Habitat, supply: Habitat) -> bool:
    """Return True if stock of `supply` may legally meet demand for `demand`.

    Ledgers never mix, net-gain labels are never stock, and felled woodland is never
    optimised on either side.
    """
    if supply.ledger is not demand.ledger or supply.net_gain:
        return False
    if supply.label == FELLED_WOODLAND or demand_handling(demand) is not DemandHandling.OPTIMISE:
        return False
    if demand.ledger is Ledger.AREA:
        return _area_rule(demand, supply)
    if demand.ledger is Ledger.HEDGEROW:
        return _hedgerow_rule(demand, supply)
    return _watercourse_rule(demand, supply)


def _area_rule(demand: Habitat, supply: Habitat) -> bool:
    if demand.label == NET_GAIN_AREA:
        return supply.rank >= LOW
    if demand.rank >= HIGH:
        return supply.label == demand.label
    if demand.rank == MEDIUM:
        same_broad = supply.broad_habitat == demand.broad_habitat and supply.rank >= MEDIUM
        return same_broad or supply.rank >= HIGH
    if demand.rank == LOW:
        return supply.rank >= LOW
    # V.Low: the metric requires no like-for-like compensation.
    return True


def _hedgerow_rule(demand: Habitat, supply: Habitat) -> bool:
    if demand.label == NET_GAIN_HEDGEROW:
        return True
    if demand.rank == V_HIGH:
        return supply.label == demand.label
    if demand.rank == HIGH:
        return supply.label == demand.label or supply.rank > HIGH
    return supply.rank >= demand.rank


def _watercourse_rule(demand: Habitat, supply: Habitat) -> bool:
    if demand.label == NET_GAIN_WATERCOURSE:
        return supply.label != PRIORITY_WATERCOURSE
    if demand.label == CULVERT:
        # NOTE: the rule "any watercourse type of a higher band" admits Priority habitat
        # stock here, unlike the net-gain row, which excludes it by name.
        return supply.rank > demand.rank
    # Other rivers and streams, Ditches and Canals: the same type only, so canals and
    # ditches never substitute for each other despite sharing the Medium band.
    return supply.label == demand.label


def can_be_companion(habitat: Habitat) -> bool:
    """Return True if stock of `habitat` may cover the spatial risk uplift of a paired
    option: any stocked area habitat of band Low or higher (felled woodland excluded)."""
    return (
        habitat.ledger is Ledger.AREA
        and not habitat.net_gain
        and habitat.label != FELLED_WOODLAND
        and habitat.rank >= LOW
    )


def is_companion(main: Habitat, companion: Habitat) -> bool:
    """Return True if `companion` may pair with `main`: a companion habitat other than main."""
    return can_be_companion(companion) and companion.label != main.label
