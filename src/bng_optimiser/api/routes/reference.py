"""Reference data for forms: habitats, LPAs, NCAs, neighbours, promoters and the version."""

from __future__ import annotations

import csv
from functools import lru_cache

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from bng_optimiser.domain.embedded import REFERENCE_DIR
from bng_optimiser.domain.exceptions import UnknownNameError

from ..deps import ReferenceDep, ServicesDep
from ..promoter_terms import list_promoters
from ..schemas import HabitatOut, LpaOut, NcaOut, VersionOut

router = APIRouter(tags=["reference"])

ADJACENCY_CSV = REFERENCE_DIR / "geo" / "lpa_apr2023_adjacency.csv"
# Countries of the authorities across the border, by the first letter of their code.
COUNTRY_BY_CODE_PREFIX = {"W": "Wales", "S": "Scotland"}

SearchText = Query(
    default="", max_length=200, description="Part of a name or code; empty lists all"
)


@router.get("/reference/habitats", response_model=list[HabitatOut])
def list_habitats(reference: ReferenceDep, search: str = SearchText) -> list[HabitatOut]:
    """Return catalogue habitats and net-gain labels whose label contains `search`."""
    return [
        HabitatOut(
            label=h.label,
            ledger=h.ledger.value,
            band=h.band,
            broad_habitat=h.broad_habitat,
            net_gain=h.net_gain,
        )
        for h in reference.catalogue.search(search)
    ]


@router.get("/reference/lpas", response_model=list[LpaOut])
def list_lpas(reference: ReferenceDep, search: str = SearchText) -> list[LpaOut]:
    """Return English LPAs whose name or code contains `search`, by name."""
    return [LpaOut(code=lpa.code, name=lpa.name) for lpa in reference.geography.search_lpas(search)]


@router.get("/reference/lpas/{code}/neighbours", response_model=list[LpaOut])
def list_lpa_neighbours(code: str, reference: ReferenceDep) -> list[LpaOut]:
    """Return the LPAs that share a boundary with the LPA `code` (a code or name)."""
    geography = reference.geography
    try:
        lpa = geography.lpa(code)
    except UnknownNameError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    neighbours = sorted(geography.lpa_neighbours.get(lpa.code, frozenset()))
    found = []
    for code in neighbours:
        english = geography.lpas.get(code)
        found.append(LpaOut(code=code, name=english.name if english else _outside(code)))
    return found


def _outside(code: str) -> str:
    """Name an authority outside England, which has no LPA record, e.g. 'Flintshire (Wales)'."""
    name = _adjacency_names().get(code, code)
    country = COUNTRY_BY_CODE_PREFIX.get(code[:1])
    return f"{name} ({country})" if country else name


@lru_cache(maxsize=1)
def _adjacency_names() -> dict[str, str]:
    """Return every authority name in the adjacency table by code, including Welsh ones."""
    names: dict[str, str] = {}
    with ADJACENCY_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[row["lpa_code_a"]] = row["lpa_name_a"]
            names[row["lpa_code_b"]] = row["lpa_name_b"]
    return names


@router.get("/reference/ncas", response_model=list[NcaOut])
def list_ncas(reference: ReferenceDep, search: str = SearchText) -> list[NcaOut]:
    """Return NCAs whose name contains `search`, or whose number equals it."""
    return [NcaOut(number=n.number, name=n.name) for n in reference.geography.search_ncas(search)]


class BankOut(BaseModel):
    bank_id: str
    name: str
    lpa_code: str
    nca_number: int


@router.get("/reference/banks", response_model=list[BankOut])
def list_banks(reference: ReferenceDep) -> list[BankOut]:
    """Return every bank with its LPA and NCA, by bank id (the UI maps the banks a quote uses)."""
    return [
        BankOut(bank_id=b.bank_id, name=b.name, lpa_code=b.lpa_code, nca_number=b.nca_number)
        for b in sorted(reference.banks.values(), key=lambda b: b.bank_id)
    ]


@router.get("/reference/version", response_model=VersionOut)
def get_version(reference: ReferenceDep) -> VersionOut:
    """Return the current reference data version and what it holds."""
    return VersionOut(
        version=reference.version,
        label=reference.label,
        banks=len(reference.banks),
        stock_lines=len(reference.stock),
        prices=len(reference.prices),
    )


@router.get("/promoters", response_model=list[str])
def get_promoters(services: ServicesDep) -> list[str]:
    """Return promoter names accepted in `POST /jobs` as `promoter`."""
    return [row.name for row in list_promoters(services)]
