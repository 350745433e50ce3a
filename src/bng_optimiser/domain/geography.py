"""Planning geography: LPAs, NCAs, their neighbour pairs and waterbody catchments."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import UnknownNameError
from .names import normalise, suggest


@dataclass(frozen=True, slots=True)
class LPA:
    """A Local Planning Authority by its ONS April 2023 code (E60000xxx)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class NCA:
    """A National Character Area, numbered 1 to 159."""

    number: int
    name: str


@dataclass(frozen=True, slots=True)
class Waterbody:
    """A WFD waterbody catchment and the operational catchment it belongs to."""

    wbid: str
    name: str
    operational_catchment: str


@dataclass
class Geography:
    """Lookups for sites and banks; neighbours always come from the shipped tables."""

    lpas: dict[str, LPA]
    ncas: dict[int, NCA]
    lpa_neighbours: dict[str, frozenset[str]]
    nca_neighbours: dict[int, frozenset[int]]
    waterbodies: dict[str, Waterbody]
    _lpa_names: dict[str, LPA] = field(init=False, repr=False)
    _nca_names: dict[str, NCA] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lpa_names = {normalise(lpa.name): lpa for lpa in self.lpas.values()}
        self._nca_names = {normalise(nca.name): nca for nca in self.ncas.values()}

    def lpa(self, code_or_name: str) -> LPA:
        """Return the LPA for an ONS code or a name (case ignored), else raise UnknownNameError."""
        text = str(code_or_name).strip()
        found = self.lpas.get(text.upper()) or self._lpa_names.get(normalise(text))
        if found is None:
            choices = [f"{lpa.name} ({lpa.code})" for lpa in self.lpas.values()]
            names = suggest(text, [lpa.name for lpa in self.lpas.values()])
            hints = [c for n in names for c in choices if c.startswith(n + " (")]
            raise UnknownNameError("LPA", code_or_name, hints)
        return found

    def nca(self, number_or_name: int | str) -> NCA:
        """Return the NCA for a number (1-159) or a name, else raise UnknownNameError."""
        text = str(number_or_name).strip()
        if text.isdigit() and int(text) in self.ncas:
            return self.ncas[int(text)]
        if text.isdigit():
            raise UnknownNameError(
                "NCA", number_or_name, [], hint=f"NCA numbers run from 1 to {max(self.ncas)}"
            )
        found = self._nca_names.get(normalise(text))
        if found is None:
            names = suggest(text, [nca.name for nca in self.ncas.values()])
            by_name = {nca.name: nca for nca in self.ncas.values()}
            hints = [f"{n} ({by_name[n].number})" for n in names]
            raise UnknownNameError("NCA", number_or_name, hints)
        return found

    def waterbody(self, wbid: str) -> Waterbody:
        """Return the waterbody for a WFD id such as GB102021073050, else raise UnknownNameError."""
        found = self.waterbodies.get(wbid.strip().upper())
        if found is None:
            raise UnknownNameError("waterbody id", wbid, suggest(wbid, self.waterbodies, 3))
        return found

    def search_lpas(self, text: str = "") -> list[LPA]:
        key = normalise(text)
        return [
            lpa
            for lpa in sorted(self.lpas.values(), key=lambda lpa: lpa.name)
            if key in normalise(lpa.name) or key in lpa.code.casefold()
        ]

    def search_ncas(self, text: str = "") -> list[NCA]:
        key = normalise(text)
        return [
            nca
            for nca in self.ncas.values()
            if key in normalise(nca.name) or key == str(nca.number)
        ]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pairs_to_neighbours(pairs: list[tuple]) -> dict:
    neighbours: dict = defaultdict(set)
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    return {key: frozenset(value) for key, value in neighbours.items()}


def load_geography(geo_dir: Path) -> Geography:
    """Load English LPAs, NCAs, neighbour pairs and waterbodies from the shipped tables."""
    lpas = {
        row["lpa_code"]: LPA(row["lpa_code"], row["lpa_name"])
        for row in _rows(geo_dir / "lpa_apr2023_list.csv")
        if row["country"] == "England"
    }
    ncas = {
        int(row["nca_number"]): NCA(int(row["nca_number"]), row["nca_name"])
        for row in _rows(geo_dir / "nca_list.csv")
    }
    lpa_pairs = [
        (row["lpa_code_a"], row["lpa_code_b"])
        for row in _rows(geo_dir / "lpa_apr2023_adjacency.csv")
    ]
    nca_pairs = [
        (int(row["nca_number_a"]), int(row["nca_number_b"]))
        for row in _rows(geo_dir / "nca_adjacency.csv")
    ]
    waterbodies = {
        row["WBID"]: Waterbody(row["WBID"], row["name"], row["OC"])
        for row in _rows(geo_dir / "ea_wfd_waterbody_catchments.csv")
    }
    return Geography(
        lpas=lpas,
        ncas=ncas,
        lpa_neighbours=_pairs_to_neighbours(lpa_pairs),
        nca_neighbours=_pairs_to_neighbours(nca_pairs),
        waterbodies=waterbodies,
    )
