"""On-site offsetting: turn a workbook's deficits, surpluses and baselines into demand.

Per ledger, on-site surplus first covers deficits under the metric's on-site trading rules,
highest band deficits first. What is left of each deficit is demand. The headline
requirement (baseline x target) is then covered by the surplus still left, highest band
first, and what it cannot cover becomes the ledger's net-gain demand row. Area surplus of
band Medium or higher that is left after both steps is the SUO-eligible surplus.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import (
    FELLED_WOODLAND,
    NET_GAIN_AREA,
    NET_GAIN_HEDGEROW,
    NET_GAIN_WATERCOURSE,
    PRIORITY_WATERCOURSE,
    Catalogue,
    Habitat,
    Ledger,
    band_rank,
)
from ..exceptions import InvalidInputError, UnknownNameError
from ..names import normalise
from ..request import MAX_ROW_UNITS
from .models import (
    HeadlineFigures,
    LedgerSummary,
    MetricDemand,
    MetricDemandRow,
    OffsetEntry,
    TradingRow,
)

# Unit changes are sums of float products in the workbook, so anything smaller than this is
# rounding noise, not a deficit or surplus.
UNITS_TOLERANCE = 1e-9

NET_GAIN_LABELS = {
    Ledger.AREA: NET_GAIN_AREA,
    Ledger.HEDGEROW: NET_GAIN_HEDGEROW,
    Ledger.WATERCOURSE: NET_GAIN_WATERCOURSE,
}

# Workbook labels that differ from the catalogue label of the same habitat.
_LABEL_ALIASES = {
    normalise("Woodland and forest - Felled/Replacement for felled woodland"): FELLED_WOODLAND,
}

_MEDIUM = band_rank("Medium")
_HIGH = band_rank("High")
_LOW = band_rank("Low")


@dataclass(eq=False)
class _Entry:
    """A deficit or surplus row during offsetting, whose `left` shrinks as units are used."""

    row: TradingRow
    label: str
    habitat: Habitat | None
    broad_habitat: str | None
    left: float
    order: int

    @property
    def rank(self) -> int:
        assert self.row.band is not None
        return band_rank(self.row.band)


def compute_demand(
    rows: list[TradingRow],
    headline: dict[Ledger, HeadlineFigures],
    catalogue: Catalogue,
    warnings: list[str] | None = None,
) -> MetricDemand:
    """Apply on-site offsetting and the net gain requirement to every ledger.

    Units are biodiversity units of each ledger. `warnings` are carried into the result
    ahead of the ones raised here. Raises InvalidInputError when a demand row would exceed
    the largest units a quote request accepts.
    """
    notes = list(warnings or [])
    demand: list[MetricDemandRow] = []
    offsets: list[OffsetEntry] = []
    ledgers: dict[Ledger, LedgerSummary] = {}

    entries = [_resolve(row, order, catalogue, notes) for order, row in enumerate(rows)]
    for ledger in Ledger:
        ledger_entries = [e for e in entries if e.row.ledger is ledger]
        ledger_demand, ledgers[ledger] = _settle_ledger(
            ledger, ledger_entries, headline[ledger], offsets, notes
        )
        demand.extend(ledger_demand)

    for index, row in enumerate(demand, start=1):
        row.row_id = f"M{index}"
    # Only area surplus of band Medium or higher earns the SUO discount.
    area_surplus = [e for e in entries if e.row.ledger is Ledger.AREA and e.row.band is not None]
    suo_surplus = sum(
        e.left for e in area_surplus if e.row.change > UNITS_TOLERANCE and e.rank >= _MEDIUM
    )
    return MetricDemand(
        demand=demand,
        ledgers=ledgers,
        offsets=offsets,
        suo_surplus_units=suo_surplus,
        warnings=_unique(notes),
    )


def _settle_ledger(
    ledger: Ledger,
    entries: list[_Entry],
    figures: HeadlineFigures,
    offsets: list[OffsetEntry],
    notes: list[str],
) -> tuple[list[MetricDemandRow], LedgerSummary]:
    """Offset one ledger's deficits, cover its requirement and return its demand rows."""
    deficits = [e for e in entries if e.row.change < -UNITS_TOLERANCE]
    surpluses = [e for e in entries if e.row.change > UNITS_TOLERANCE]
    usable = [s for s in surpluses if s.row.band is not None]
    for entry in surpluses:
        if entry.row.band is None:
            notes.append(
                f"{entry.row.where}: the distinctiveness band of {entry.row.habitat!r} cannot "
                f"be read ({entry.row.band_text!r}); its surplus of {entry.left:.6g} units "
                "offsets nothing"
            )

    offset_units = _offset_deficits(ledger, deficits, usable, offsets, notes)
    requirement = figures.baseline_units * figures.target
    covered = _cover_requirement(ledger, requirement, usable, offsets)
    net_gain = requirement - covered
    if net_gain <= UNITS_TOLERANCE:
        net_gain = 0.0

    demand: list[MetricDemandRow] = []
    for entry in deficits:
        if entry.left > UNITS_TOLERANCE:
            row = _demand_row(entry, notes)
            if row is not None:
                demand.append(row)
    if net_gain > 0:
        where = f"the {ledger.value} net gain requirement"
        demand.append(_checked_row(NET_GAIN_LABELS[ledger], net_gain, ledger, where))

    summary = LedgerSummary(
        ledger=ledger,
        baseline_units=figures.baseline_units,
        target=figures.target,
        target_from_workbook=figures.target_from_workbook,
        requirement_units=requirement,
        deficit_units=-sum(e.row.change for e in deficits),
        surplus_units=sum(e.row.change for e in surpluses),
        offset_units=offset_units,
        requirement_covered_units=covered,
        net_gain_units=net_gain,
        surplus_left_units=sum(s.left for s in usable),
    )
    return demand, summary


def _checked_row(habitat: str, units: float, ledger: Ledger, where: str) -> MetricDemandRow:
    if units > MAX_ROW_UNITS:
        raise InvalidInputError(
            f"{where}: {units:,.6g} units of {habitat!r} is more than the {MAX_ROW_UNITS:,.0f} "
            "units a demand row may have; check the workbook's figures"
        )
    return MetricDemandRow(habitat=habitat, units=units, ledger=ledger)


def _resolve(row: TradingRow, order: int, catalogue: Catalogue, notes: list[str]) -> _Entry:
    """Match a row to its catalogue habitat, keeping the workbook label for unknown names."""
    label = _LABEL_ALIASES.get(normalise(row.habitat), row.habitat)
    habitat: Habitat | None
    try:
        habitat = catalogue.get(label)
    except UnknownNameError as error:
        habitat = None
        hint = (
            f" (did you mean {' or '.join(repr(s) for s in error.suggestions)}?)"
            if error.suggestions
            else ""
        )
        notes.append(f"{row.where}: habitat {row.habitat!r} is not in the catalogue{hint}")
    if habitat is not None and (habitat.ledger is not row.ledger or habitat.net_gain):
        notes.append(
            f"{row.where}: {row.habitat!r} is a {habitat.ledger.value} habitat in the catalogue, "
            f"not a {row.ledger.value} habitat"
        )
        habitat = None
    if habitat is not None and row.band is not None and habitat.band != row.band:
        notes.append(
            f"{row.where}: the workbook puts {row.habitat!r} in band {row.band}, the catalogue in "
            f"band {habitat.band}; the workbook band is used for on-site offsetting"
        )
    broad = habitat.broad_habitat if habitat is not None else None
    if broad is None and row.ledger is Ledger.AREA:
        broad = row.broad_habitat or row.habitat.split(" - ")[0].strip()
    return _Entry(
        row=row,
        label=habitat.label if habitat is not None else row.habitat,
        habitat=habitat,
        broad_habitat=broad,
        left=abs(row.change),
        order=order,
    )


def may_offset(ledger: Ledger, surplus: _Entry, deficit: _Entry) -> bool:
    """Tell whether on-site surplus may cover a deficit under the metric's trading rules."""
    same_habitat = normalise(surplus.label) == normalise(deficit.label)
    if ledger is Ledger.AREA:
        if deficit.rank >= _HIGH:
            return same_habitat
        if deficit.rank == _MEDIUM:
            same_broad = normalise(surplus.broad_habitat or "") == normalise(
                deficit.broad_habitat or ""
            )
            return surplus.rank > _MEDIUM or (surplus.rank == _MEDIUM and same_broad)
        if deficit.rank == _LOW:
            return surplus.rank >= _LOW
        return True
    if ledger is Ledger.HEDGEROW:
        return surplus.rank >= deficit.rank
    # Watercourses: like for like, except that a Low band (Culvert) loss needs a higher band.
    if deficit.rank <= _LOW:
        return surplus.rank > deficit.rank
    return same_habitat


def _offset_deficits(
    ledger: Ledger,
    deficits: list[_Entry],
    surpluses: list[_Entry],
    offsets: list[OffsetEntry],
    notes: list[str],
) -> float:
    """Cover deficits with surplus, highest band deficits first, and return the units covered.

    Each deficit takes the same habitat first, then the lowest band that may cover it, then
    its own broad habitat, so higher-band surplus stays for the deficits only it can cover.
    """
    readable = [d for d in deficits if d.row.band is not None]
    for entry in deficits:
        if entry.row.band is None:
            notes.append(
                f"{entry.row.where}: the distinctiveness band of {entry.row.habitat!r} cannot be "
                f"read ({entry.row.band_text!r}); its deficit of {entry.left:.6g} units is not "
                "offset on site"
            )

    covered_total = 0.0
    for deficit in sorted(readable, key=lambda d: (-d.rank, d.order)):
        candidates = [
            s for s in surpluses if s.left > UNITS_TOLERANCE and may_offset(ledger, s, deficit)
        ]
        candidates.sort(
            key=lambda s: (
                normalise(s.label) != normalise(deficit.label),
                s.rank,
                normalise(s.broad_habitat or "") != normalise(deficit.broad_habitat or ""),
                -s.left,
                s.order,
            )
        )
        for surplus in candidates:
            if deficit.left <= UNITS_TOLERANCE:
                break
            units = min(surplus.left, deficit.left)
            surplus.left -= units
            deficit.left -= units
            covered_total += units
            offsets.append(
                OffsetEntry(
                    ledger=ledger,
                    surplus_habitat=surplus.label,
                    surplus_band=surplus.row.band or "",
                    covered=deficit.label,
                    covered_band=deficit.row.band,
                    units=units,
                )
            )
    return covered_total


def _cover_requirement(
    ledger: Ledger, requirement: float, surpluses: list[_Entry], offsets: list[OffsetEntry]
) -> float:
    """Cover the net gain requirement with the surplus left, highest band first.

    Returns the units used.
    """
    remaining = requirement
    for surplus in sorted(surpluses, key=lambda s: (-s.rank, -s.left, s.order)):
        if remaining <= UNITS_TOLERANCE:
            break
        if surplus.left <= UNITS_TOLERANCE:
            continue
        units = min(surplus.left, remaining)
        surplus.left -= units
        remaining -= units
        offsets.append(
            OffsetEntry(
                ledger=ledger,
                surplus_habitat=surplus.label,
                surplus_band=surplus.row.band or "",
                covered=NET_GAIN_LABELS[ledger],
                covered_band=None,
                units=units,
            )
        )
    return requirement - max(remaining, 0.0)


def _demand_row(entry: _Entry, notes: list[str]) -> MetricDemandRow | None:
    """Turn what is left of a deficit into a demand row, with the warnings it needs."""
    units = entry.left
    if entry.habitat is None:
        notes.append(
            f"{entry.row.where}: the deficit of {units:.6g} units of {entry.row.habitat!r} is "
            "left out of the demand because the habitat is not in the catalogue; add it by hand"
        )
        return None
    if entry.habitat.ledger is Ledger.AREA and entry.habitat.band == "V.High":
        notes.append(
            f"{entry.habitat.label!r} (V.High) has a deficit of {units:.6g} units; the same "
            "habitat is required and bespoke compensation is usually needed"
        )
    if entry.habitat.label == PRIORITY_WATERCOURSE:
        notes.append(
            f"Priority habitat watercourse has a deficit of {units:.6g} units; it is never "
            "allocated automatically and needs manual review (bespoke compensation)"
        )
    return _checked_row(entry.habitat.label, units, entry.row.ledger, entry.row.where)


def _unique(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))
