"""Bank register import and export: banks.csv, stock.csv and prices.csv, or one .xlsx.

For each bank in the file, its row, its stock lines and its prices become exactly the file's
rows. Stock lines of those banks that the file omits are deleted, and so are prices that it
omits. By default banks absent from the file are kept untouched, so a file may update one bank
without listing the others. With `replace_all` the file is the complete register instead, and
banks absent from it are deleted with their stock and prices.

The import runs in the caller's transaction and either applies completely or raises
`DataFileError` before changing anything. Rows are validated by `domain.bank_files` against the
database's own catalogue and geography. Checks that need the database follow: stock ids that
belong to another bank, and stock lines whose accepted quotes hold more units than the file
allows, and with `replace_all`, banks to delete whose stock accepted quotes hold.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import String, all_, any_, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.bank_files import (
    MAX_FILE_BYTES,
    TABLES,
    BankTables,
    read_bank_files,
    write_bank_files,
)
from ..domain.exceptions import DataFileError
from ..domain.reference import ContractSize, PriceKey, Tier
from .bank_removal import held_stock_by_bank
from .models import BankRow, PriceRow, StockHoldRow, StockLineRow
from .source import read_catalogue, read_geography, read_reference
from .versions import current_version_label, lock_reference_data, record_version

logger = logging.getLogger(__name__)

# Tolerance for comparing held units, which are sums of floats.
UNITS_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ImportReport:
    """Outcome of an import: the version label after it and the banks it removed or kept."""

    version: str
    # False when the file matched the database, so no version was added.
    changed: bool
    removed_banks: list[str] = field(default_factory=list)
    # Banks in the database but not in the file, kept because `replace_all` was off.
    kept_banks: list[str] = field(default_factory=list)


def import_banks(
    session: Session, source: Path | str | bytes, who: str, *, replace_all: bool = False
) -> str:
    """Import the banks in `source`; returns the version label after the import.

    The label is the previous one when the file matches what the database already contains.
    See `import_banks_with_report` for the arguments and errors.
    """
    return import_banks_with_report(session, source, who, replace_all=replace_all).version


def import_banks_with_report(
    session: Session, source: Path | str | bytes, who: str, *, replace_all: bool = False
) -> ImportReport:
    """Replace the banks in `source` with the file's content; flushes, does not commit.

    `source` is a folder of CSVs, an .xlsx path, .xlsx bytes, or the bytes of a zip archive
    holding banks.csv, stock.csv and prices.csv. `who` is recorded on the new version. With
    `replace_all`, banks absent from the file are deleted; otherwise they are kept.

    Raises DataFileError listing every bad row, and NoReferenceDataError when the database
    has no catalogue or geography to check the rows against.
    """
    lock_reference_data(session)
    catalogue = read_catalogue(session)
    geography = read_geography(session)
    tables = _read(source, catalogue, geography)
    if not tables.banks:
        raise DataFileError(["banks: no bank rows; the file would change nothing"])
    absent = sorted(set(session.scalars(select(BankRow.bank_id))) - set(tables.banks))
    _check_against_database(session, tables, absent if replace_all else [])

    counts = _apply(session, tables, absent if replace_all else [])
    summary = (
        f"import by {who}: {len(tables.banks)} banks ({counts['new_banks']} new, "
        f"{len(counts['removed_banks'])} removed), "
        f"{len(tables.stock)} stock lines ({counts['removed_stock']} removed), "
        f"{len(tables.prices)} prices"
    )
    version = record_version(session, who=who, summary=summary, changes=counts)
    label = current_version_label(session)
    logger.info("%s; version %s", summary, label if version else f"unchanged at {label}")
    return ImportReport(
        version=label,
        changed=version is not None,
        removed_banks=counts["removed_banks"],
        kept_banks=[] if replace_all else absent,
    )


def export(session: Session, directory: Path | str) -> list[Path]:
    """Write banks.csv, stock.csv and prices.csv of every bank into `directory`.

    The files import back to the same content. Returns the paths written.
    """
    snapshot = read_reference(session, current_version_label(session))
    return write_bank_files(snapshot, Path(directory))


def _read(source: Path | str | bytes, catalogue, geography) -> BankTables:  # type: ignore[no-untyped-def]
    if isinstance(source, bytes) and _is_csv_zip(source):
        with tempfile.TemporaryDirectory(prefix="bng-import-") as folder:
            _extract_csvs(source, Path(folder))
            return read_bank_files(Path(folder), catalogue, geography)
    return read_bank_files(source, catalogue, geography)


def _is_csv_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    # An .xlsx is a zip too, but only an .xlsx contains the [Content_Types].xml part.
    return "[Content_Types].xml" not in names


def _extract_csvs(data: bytes, folder: Path) -> None:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        by_name = {PurePosixPath(info.filename).name: info for info in archive.infolist()}
        for table in TABLES:
            info = by_name.get(f"{table}.csv")
            if info is None:
                problems.append(f"zip archive: missing {table}.csv")
            elif info.file_size > MAX_FILE_BYTES:
                problems.append(
                    f"zip archive: {table}.csv is {info.file_size:,} bytes, larger than the "
                    f"limit of {MAX_FILE_BYTES:,} bytes"
                )
            else:
                (folder / f"{table}.csv").write_bytes(archive.read(info))
    if problems:
        raise DataFileError(problems)


def _check_against_database(session: Session, tables: BankTables, removing: list[str]) -> None:
    problems: list[str] = []
    for bank_id, holds in sorted(held_stock_by_bank(session, removing).items()):
        problems.append(
            f"banks: bank_id {bank_id!r} is missing from the file, so a replace-all import "
            f"would remove it, but accepted quotes hold its stock ({'; '.join(holds)}); keep "
            "the bank in the file or release those quotes first"
        )
    imported = list(tables.banks)

    owners = dict(
        session.execute(
            select(StockLineRow.stock_id, StockLineRow.bank_id).where(
                StockLineRow.stock_id == any_(_text_array("stock_ids", list(tables.stock)))
            )
        ).all()
    )
    for line in tables.stock.values():
        owner = owners.get(line.stock_id)
        if owner is not None and owner != line.bank_id:
            problems.append(
                f"stock: stock_id {line.stock_id!r} belongs to bank {owner!r} in the database, "
                f"not {line.bank_id!r}; stock ids are unique across all banks"
            )

    held = _active_holds(session, imported)
    for stock_id, units in sorted(held.items()):
        held_line = tables.stock.get(stock_id)
        if held_line is None:
            problems.append(
                f"stock: stock_id {stock_id!r} is missing from the file but accepted quotes "
                f"hold {units:g} units of it; keep the line or release those quotes first"
            )
        elif held_line.units_held + UNITS_TOLERANCE < units:
            problems.append(
                f"stock: stock_id {stock_id!r} has units_held {held_line.units_held:g}, less "
                f"than the {units:g} units held by accepted quotes; units_held must be at least "
                f"{units:g}"
            )
    if problems:
        raise DataFileError(problems)


def _active_holds(session: Session, bank_ids: list[str]) -> dict[str, float]:
    rows = session.execute(
        select(StockHoldRow.stock_id, func.sum(StockHoldRow.units))
        .join(StockLineRow, StockLineRow.stock_id == StockHoldRow.stock_id)
        .where(StockHoldRow.status == "active")
        .where(StockLineRow.bank_id == any_(_text_array("bank_ids", bank_ids)))
        .group_by(StockHoldRow.stock_id)
    )
    held: dict[str, float] = defaultdict(float)
    for stock_id, units in rows:
        held[stock_id] += units
    return held


def _apply(session: Session, tables: BankTables, removing: list[str]) -> dict[str, Any]:
    imported = list(tables.banks)
    banks_parameter = _text_array("banks", imported)
    existing = set(
        session.scalars(select(BankRow.bank_id).where(BankRow.bank_id == any_(banks_parameter)))
    )
    try:
        # Stock lines and prices go with their bank (ON DELETE CASCADE).
        session.execute(
            delete(BankRow).where(BankRow.bank_id == any_(_text_array("removing", removing)))
        )

        bank_rows = [
            {"bank_id": b.bank_id, "name": b.name, "lpa_code": b.lpa_code,
             "nca_number": b.nca_number, "waterbody_id": b.waterbody_id}
            for b in tables.banks.values()
        ]
        statement = insert(BankRow)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[BankRow.bank_id],
                set_={c: statement.excluded[c] for c in ("name", "lpa_code", "nca_number",
                                                         "waterbody_id")},
            ),
            bank_rows,
        )

        removed = session.execute(
            delete(StockLineRow)
            .where(StockLineRow.bank_id == any_(banks_parameter),
                   StockLineRow.stock_id != all_(_text_array("stock_ids", list(tables.stock))))
            .returning(StockLineRow.stock_id)
        ).all()
        if tables.stock:
            stock_rows = [
                {"stock_id": s.stock_id, "bank_id": s.bank_id, "habitat": s.habitat,
                 "units_available": s.units_available, "units_held": s.units_held}
                for s in tables.stock.values()
            ]
            statement = insert(StockLineRow)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=[StockLineRow.stock_id],
                    set_={c: statement.excluded[c] for c in ("habitat", "units_available",
                                                             "units_held")},
                ),
                stock_rows,
            )

        session.execute(delete(PriceRow).where(PriceRow.bank_id == any_(banks_parameter)))
        if tables.prices:
            session.execute(insert(PriceRow), [_price_row(k, v) for k, v in tables.prices.items()])
        session.flush()
    except IntegrityError as error:
        # The checks above should leave nothing for the constraints to catch; this reports
        # whatever they missed as a bad file instead of a crash.
        logger.error("import rejected by a database constraint: %s", error.orig)
        raise DataFileError([f"the database rejected the import: {error.orig}"]) from error
    return {
        "banks": sorted(imported),
        "new_banks": len(set(imported) - existing),
        "removed_banks": removing,
        "stock_lines": len(tables.stock),
        "removed_stock": len(removed),
        "prices": len(tables.prices),
    }


def _price_row(key: PriceKey, price: float) -> dict[str, Any]:
    bank_id, habitat, size, tier = key
    return {"bank_id": bank_id, "habitat": habitat, "contract_size": ContractSize(size).value,
            "tier": Tier(tier).value, "price": price}


def _text_array(name: str, values: list[str]):  # type: ignore[no-untyped-def]
    # One array parameter instead of one parameter per id: a register of a few thousand banks
    # has more stock ids than the 65,535 parameters PostgreSQL allows in one statement.
    return bindparam(name, values, type_=ARRAY(String))
