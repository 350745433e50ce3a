"""The statutory metric habitat catalogue: ledgers, distinctiveness bands and habitats."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .exceptions import UnknownNameError
from .names import normalise, suggest


class Ledger(StrEnum):
    """The three kinds of biodiversity unit; units of one ledger never satisfy another."""

    AREA = "area"
    HEDGEROW = "hedgerow"
    WATERCOURSE = "watercourse"


# Distinctiveness bands from low to high; a band's rank is its index here.
BANDS: tuple[str, ...] = ("V.Low", "Low", "Medium", "High", "V.High")


def band_rank(band: str) -> int:
    """Return the rank of a distinctiveness band, 0 for V.Low up to 4 for V.High."""
    try:
        return BANDS.index(band)
    except ValueError:
        raise ValueError(
            f"distinctiveness band {band!r} is not one of {', '.join(BANDS)}"
        ) from None


NET_GAIN_AREA = "Net Gain (Low-equivalent)"
NET_GAIN_HEDGEROW = "Net Gain (Hedgerows)"
NET_GAIN_WATERCOURSE = "Net Gain (Watercourses)"
NET_GAIN_LABELS: dict[str, Ledger] = {
    NET_GAIN_AREA: Ledger.AREA,
    NET_GAIN_HEDGEROW: Ledger.HEDGEROW,
    NET_GAIN_WATERCOURSE: Ledger.WATERCOURSE,
}

# Felled woodland is never optimised: it becomes a manually priced line.
FELLED_WOODLAND = "Woodland and forest - Felled"
PRIORITY_WATERCOURSE = "Priority habitat"
CULVERT = "Culvert"


@dataclass(frozen=True, slots=True)
class Habitat:
    """One catalogue habitat, or one of the three net-gain demand labels.

    `broad_habitat` is set for area habitats only. Net-gain labels carry the band that their
    trading rule starts from and can be demanded but never stocked.
    """

    label: str
    ledger: Ledger
    band: str
    score: float
    broad_habitat: str | None = None
    net_gain: bool = False

    @property
    def rank(self) -> int:
        return band_rank(self.band)


class Catalogue:
    """All habitats by label, with lookups that suggest the nearest labels on a miss."""

    def __init__(self, habitats: list[Habitat]) -> None:
        self.habitats: dict[str, Habitat] = {h.label: h for h in habitats}
        self._by_key = {normalise(h.label): h for h in habitats}

    def __len__(self) -> int:
        return len(self.habitats)

    def __contains__(self, label: object) -> bool:
        return label in self.habitats

    def get(self, label: str) -> Habitat:
        """Return the habitat for `label` (case and spacing ignored) or raise UnknownNameError."""
        found = self.habitats.get(label) or self._by_key.get(normalise(label))
        if found is None:
            raise UnknownNameError("habitat", label, suggest(label, self.habitats))
        return found

    def supply(self, label: str) -> Habitat:
        """Return a habitat that a bank may stock: any catalogue habitat but a net-gain label."""
        habitat = self.get(label)
        if habitat.net_gain:
            raise UnknownNameError("stock habitat", label, [])
        return habitat

    def of_ledger(self, ledger: Ledger, *, include_net_gain: bool = False) -> list[Habitat]:
        return [
            h
            for h in self.habitats.values()
            if h.ledger is ledger and (include_net_gain or not h.net_gain)
        ]

    def search(self, text: str = "") -> list[Habitat]:
        """Return habitats whose label contains `text` (case ignored), in catalogue order."""
        key = normalise(text)
        return [h for h in self.habitats.values() if key in normalise(h.label)]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_catalogue(metric_dir: Path) -> Catalogue:
    """Load the 132 area, 13 hedgerow and 5 watercourse habitats from the metric tables."""
    habitats: list[Habitat] = []
    for row in _rows(metric_dir / "sbm_area_habitats.csv"):
        habitats.append(
            Habitat(
                label=row["habitat_label"],
                ledger=Ledger.AREA,
                band=row["distinctiveness"],
                score=float(row["distinctiveness_score"]),
                broad_habitat=row["broad_habitat"],
            )
        )
    for row in _rows(metric_dir / "sbm_hedgerow_habitats.csv"):
        habitats.append(
            Habitat(
                label=row["hedgerow_type"],
                ledger=Ledger.HEDGEROW,
                band=row["distinctiveness"],
                score=float(row["distinctiveness_score"]),
            )
        )
    for row in _rows(metric_dir / "sbm_watercourse_habitats.csv"):
        habitats.append(
            Habitat(
                label=row["watercourse_type"],
                ledger=Ledger.WATERCOURSE,
                band=row["distinctiveness"],
                score=float(row["distinctiveness_score"]),
            )
        )
    # Net Gain (Low-equivalent) trades like a Low area habitat; the hedgerow and watercourse
    # net-gain rows accept any type of their ledger (Priority habitat aside).
    habitats.append(Habitat(NET_GAIN_AREA, Ledger.AREA, "Low", 2.0, net_gain=True))
    habitats.append(Habitat(NET_GAIN_HEDGEROW, Ledger.HEDGEROW, "V.Low", 1.0, net_gain=True))
    habitats.append(Habitat(NET_GAIN_WATERCOURSE, Ledger.WATERCOURSE, "V.Low", 0.0, net_gain=True))
    return Catalogue(habitats)
