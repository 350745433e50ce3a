"""Bank import is all or nothing, lists every bad row, and replaces only the banks it names."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from bng_optimiser.db.holds import accept_quote
from bng_optimiser.db.importer import export, import_banks
from bng_optimiser.db.models import BankRow, PriceRow, ReferenceVersionRow, StockLineRow
from bng_optimiser.db.quotes import save_quote
from bng_optimiser.db.versions import content_hash, current_version_label
from bng_optimiser.domain.bank_files import TABLES
from bng_optimiser.domain.embedded import SAMPLE_BANKS_DIR, EmbeddedSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.exceptions import DataFileError
from bng_optimiser.domain.request import QuoteRequest


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture
def exported(session, tmp_path) -> Path:
    folder = tmp_path / "banks"
    export(session, folder)
    return folder


def _state(session):
    return content_hash(session), current_version_label(session), session.scalar(
        select(func.count()).select_from(ReferenceVersionRow)
    )


def test_export_matches_shipped_files(exported):
    for table in TABLES:
        shipped = (SAMPLE_BANKS_DIR / f"{table}.csv").read_text(encoding="utf-8")
        assert (exported / f"{table}.csv").read_text(encoding="utf-8") == shipped, table


def test_reimport_of_export_adds_no_version(session, exported):
    before = _state(session)

    version = import_banks(session, exported, "tester")

    assert version == before[1]
    assert _state(session) == before


def test_bad_file_changes_nothing_and_lists_rows(session, exported):
    banks = _read(exported / "banks.csv")
    banks[1][2] = "E69999999"  # banks.csv:2, unknown LPA
    _write(exported / "banks.csv", banks)
    stock = _read(exported / "stock.csv")
    stock[3][3] = "-2"  # stock.csv:4, negative units
    stock[5][2] = "Grasland"  # stock.csv:6, unknown habitat
    _write(exported / "stock.csv", stock)
    prices = _read(exported / "prices.csv")
    prices[2][4] = "0"  # prices.csv:3, price not above 0
    prices[7][3] = "near"  # prices.csv:8, unknown tier
    _write(exported / "prices.csv", prices)
    before = _state(session)

    with pytest.raises(DataFileError) as caught:
        import_banks(session, exported, "tester")

    places = sorted(problem.split(": ")[0] for problem in caught.value.problems)
    assert places == [
        "banks.csv:2", "prices.csv:3", "prices.csv:8", "stock.csv:4", "stock.csv:6",
    ]
    assert _state(session) == before


def test_import_replaces_only_named_banks(session, tmp_path, exported):
    folder = tmp_path / "one_bank"
    folder.mkdir()
    banks = _read(exported / "banks.csv")
    stock = _read(exported / "stock.csv")
    prices = _read(exported / "prices.csv")
    first_bank = banks[1][0]
    kept = [row for row in stock[1:] if row[1] == first_bank][:2]
    kept_habitats = {row[2] for row in kept}
    kept_prices = [row for row in prices[1:] if row[0] == first_bank and row[1] in kept_habitats]
    other_bank = banks[2][0]
    other_stock = session.scalar(
        select(func.count()).select_from(StockLineRow).where(StockLineRow.bank_id == other_bank)
    )
    _write(folder / "banks.csv", [banks[0], [first_bank, "Renamed Bank", *banks[1][2:]]])
    _write(folder / "stock.csv", [stock[0], *kept])
    _write(folder / "prices.csv", [prices[0], *kept_prices])
    before = current_version_label(session)

    after = import_banks(session, folder, "tester")

    assert after != before
    assert session.get(BankRow, first_bank).name == "Renamed Bank"
    lines = session.scalars(
        select(StockLineRow.stock_id).where(StockLineRow.bank_id == first_bank)
    ).all()
    assert sorted(lines) == sorted(row[0] for row in kept)
    assert session.scalar(
        select(func.count()).select_from(PriceRow).where(PriceRow.bank_id == first_bank)
    ) == len(kept_prices)
    assert session.scalar(
        select(func.count()).select_from(StockLineRow).where(StockLineRow.bank_id == other_bank)
    ) == other_stock
    assert session.scalar(select(func.count()).select_from(BankRow)) == len(banks) - 1


def test_stock_id_of_other_bank_rejected(session, tmp_path, exported):
    banks = _read(exported / "banks.csv")
    stock = _read(exported / "stock.csv")
    first_bank, other_bank = banks[1][0], banks[2][0]
    stolen = next(row for row in stock[1:] if row[1] == other_bank)
    folder = tmp_path / "stolen"
    folder.mkdir()
    _write(folder / "banks.csv", [banks[0], banks[1]])
    _write(folder / "stock.csv", [stock[0], [stolen[0], first_bank, *stolen[2:]]])
    _write(folder / "prices.csv", [_read(exported / "prices.csv")[0]])
    before = _state(session)

    with pytest.raises(DataFileError, match=f"belongs to bank '{other_bank}'"):
        import_banks(session, folder, "tester")
    assert _state(session) == before


def test_dropping_held_stock_rejected(session, tmp_path, exported):
    request = QuoteRequest(
        lpa_code="E60000016", nca_number=61,
        demand=[{"habitat": "Grassland - Other neutral grassland", "units": 0.5}],
    )
    result = quote(request, EmbeddedSource().load())
    held_line = next(iter(result.lines[0].stock_drawn))
    reference = save_quote(session, request, result)
    accept_quote(session, reference)
    stock = _read(exported / "stock.csv")
    _write(exported / "stock.csv", [row for row in stock if row[0] != held_line])
    before = _state(session)

    with pytest.raises(DataFileError, match=f"{held_line}' is missing from the file but"):
        import_banks(session, exported, "tester")
    assert _state(session) == before


def _workbook_bytes(folder: Path) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        sheet = workbook.create_sheet(table)
        for row in _read(folder / f"{table}.csv"):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_bytes_import(session, exported):
    before = _state(session)
    data = _workbook_bytes(exported)

    assert import_banks(session, data, "tester") == before[1]
    assert _state(session) == before


def test_csv_zip_import(session, exported):
    before = _state(session)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for table in TABLES:
            archive.write(exported / f"{table}.csv", f"register/{table}.csv")

    assert import_banks(session, buffer.getvalue(), "tester") == before[1]
    assert _state(session) == before


def test_csv_zip_missing_file_rejected(session):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("banks.csv", "bank_id,name,lpa_code,nca_number,waterbody_id\n")

    with pytest.raises(DataFileError) as caught:
        import_banks(session, buffer.getvalue(), "tester")
    assert caught.value.problems == [
        "zip archive: missing stock.csv", "zip archive: missing prices.csv",
    ]
