"""`PostgresSource`: the engine's reference data read from PostgreSQL, cached per version."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..domain.catalogue import Catalogue, Habitat, Ledger
from ..domain.embedded import load_static
from ..domain.geography import LPA, NCA, Geography, Waterbody
from ..domain.reference import Bank, ContractSize, PriceKey, ReferenceData, StockLine, Tier
from .errors import NoReferenceDataError
from .models import (
    BankRow,
    HabitatRow,
    LpaNeighbourRow,
    LpaRow,
    NcaNeighbourRow,
    NcaRow,
    PriceRow,
    StockLineRow,
    WaterbodyRow,
)
from .schema import schema_guard
from .versions import current_version_label

logger = logging.getLogger(__name__)

ENGLAND = "England"
NOT_SEEDED = "the database has no catalogue or geography yet; run `bng-optimiser db seed` first"


class PostgresSource:
    """A `ReferenceSource` over the reference tables, for the API and any number of workers.

    `current_version()` costs one indexed query. `load()` reads every table in one
    REPEATABLE READ transaction, so the snapshot matches the version it is labelled with, and
    keeps the newest snapshot in the process until the version changes.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._lock = threading.Lock()
        self._cached: ReferenceData | None = None

    def current_version(self) -> str:
        """Return the newest version label, such as `v12-3fa9c1d0`.

        Raises NoReferenceDataError when the database has not been seeded, and its subclass
        SchemaNotReadyError when it has not been migrated.
        """
        with self._session_factory() as session, schema_guard(session):
            return current_version_label(session)

    def load(self) -> ReferenceData:
        """Return the snapshot at the current version; raises NoReferenceDataError if none."""
        with self._session_factory() as session, schema_guard(session):
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            version = current_version_label(session)
            cached = self._cached
            if cached is not None and cached.version == version:
                return cached
            snapshot = read_reference(session, version)
        with self._lock:
            self._cached = snapshot
        logger.info(
            "loaded reference data %s: %d banks, %d stock lines, %d prices",
            version, len(snapshot.banks), len(snapshot.stock), len(snapshot.prices),
        )
        return snapshot


def read_reference(session: Session, version: str) -> ReferenceData:
    """Build a `ReferenceData` labelled `version` from the tables, in the session's snapshot."""
    banks = {
        row.bank_id: Bank(row.bank_id, row.name, row.lpa_code, row.nca_number, row.waterbody_id)
        for row in session.scalars(select(BankRow).order_by(BankRow.bank_id))
    }
    stock = {
        row.stock_id: StockLine(
            row.stock_id, row.bank_id, row.habitat, row.units_available, row.units_held
        )
        for row in session.scalars(select(StockLineRow).order_by(StockLineRow.stock_id))
    }
    prices: dict[PriceKey, float] = {
        (row.bank_id, row.habitat, ContractSize(row.contract_size), Tier(row.tier)): row.price
        for row in session.scalars(select(PriceRow))
    }
    return ReferenceData(
        catalogue=read_catalogue(session),
        geography=read_geography(session),
        banks=banks,
        stock=stock,
        prices=prices,
        version=version,
        label=f"PostgreSQL reference data {version}",
    )


def read_catalogue(session: Session) -> Catalogue:
    """Build the catalogue from the habitats table in metric order, plus the net-gain labels.

    Raises NoReferenceDataError when the habitats table is empty.
    """
    stored = [
        Habitat(
            label=row.label,
            ledger=Ledger(row.ledger),
            band=row.band,
            score=row.score,
            broad_habitat=row.broad_habitat,
        )
        for row in session.scalars(select(HabitatRow).order_by(HabitatRow.position))
    ]
    if not stored:
        raise NoReferenceDataError(NOT_SEEDED)
    # Net-gain labels are demand rules rather than stockable habitats, so they are not stored;
    # taking them from the shipped catalogue keeps one definition of them.
    shipped, _ = load_static()
    return Catalogue(stored + [h for h in shipped.habitats.values() if h.net_gain])


def read_geography(session: Session) -> Geography:
    """Build the geography: English LPAs, NCAs, every neighbour pair and waterbodies.

    Neighbour pairs keep cross-border LPAs (Wales, Scotland) as the shipped tables do, so a
    bank's tier is the same from either source. Raises NoReferenceDataError when the LPA or
    NCA table is empty.
    """
    lpas = {
        row.code: LPA(row.code, row.name)
        for row in session.scalars(
            select(LpaRow).where(LpaRow.country == ENGLAND).order_by(LpaRow.code)
        )
    }
    ncas = {
        row.number: NCA(row.number, row.name)
        for row in session.scalars(select(NcaRow).order_by(NcaRow.number))
    }
    # With no NCAs, a Geography lookup of an unknown NCA fails with a bare ValueError from
    # max(). An unseeded database is the usual cause, so raise the error that names the fix.
    if not lpas or not ncas:
        raise NoReferenceDataError(NOT_SEEDED)
    lpa_neighbours: dict[str, set[str]] = defaultdict(set)
    for lpa_a, lpa_b in session.execute(select(LpaNeighbourRow.lpa_a, LpaNeighbourRow.lpa_b)):
        lpa_neighbours[lpa_a].add(lpa_b)
        lpa_neighbours[lpa_b].add(lpa_a)
    nca_neighbours: dict[int, set[int]] = defaultdict(set)
    for nca_a, nca_b in session.execute(select(NcaNeighbourRow.nca_a, NcaNeighbourRow.nca_b)):
        nca_neighbours[nca_a].add(nca_b)
        nca_neighbours[nca_b].add(nca_a)
    waterbodies = {
        row.wbid: Waterbody(row.wbid, row.name, row.operational_catchment)
        for row in session.scalars(select(WaterbodyRow).order_by(WaterbodyRow.wbid))
    }
    return Geography(
        lpas=lpas,
        ncas=ncas,
        lpa_neighbours={k: frozenset(v) for k, v in lpa_neighbours.items()},
        nca_neighbours={k: frozenset(v) for k, v in nca_neighbours.items()},
        waterbodies=waterbodies,
    )
