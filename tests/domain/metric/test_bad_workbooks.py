"""Files that are not readable metric workbooks raise InvalidInputError with a clear message."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from bng_optimiser.domain.exceptions import InvalidInputError
from bng_optimiser.domain.metric import read_metric

from .builders import MetricWorkbook, Row
from .conftest import EXAMPLE_WORKBOOK


def test_csv_renamed_xlsx_rejected(tmp_path, catalogue):
    path = tmp_path / "demand.xlsx"
    path.write_text("habitat,units\nGrassland - Modified grassland,1.5\n")
    with pytest.raises(InvalidInputError, match="'demand.xlsx' is not an Excel workbook"):
        read_metric(path, catalogue)


def test_empty_file_rejected(tmp_path, catalogue):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InvalidInputError, match=r"'empty.xlsx' is empty \(0 bytes\)"):
        read_metric(path, catalogue)


def test_missing_file_rejected(tmp_path, catalogue):
    with pytest.raises(InvalidInputError, match="does not exist"):
        read_metric(tmp_path / "nowhere.xlsx", catalogue)


def test_encrypted_workbook_rejected(catalogue):
    # Excel wraps a password-protected .xlsx in an OLE2 compound file with this signature.
    data = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    with pytest.raises(InvalidInputError, match="password protected or encrypted"):
        read_metric(data, catalogue, name="locked.xlsx")


def test_truncated_zip_rejected(catalogue):
    data = EXAMPLE_WORKBOOK.read_bytes()
    with pytest.raises(InvalidInputError, match="damaged or truncated zip archive"):
        read_metric(data[: len(data) // 2], catalogue, name="half.xlsx")


def test_zip_without_workbook_rejected(catalogue):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    with pytest.raises(InvalidInputError, match=r"not an Excel workbook \(no \[Content_Types\]"):
        read_metric(buffer.getvalue(), catalogue, name="notes.xlsx")


def test_damaged_workbook_part_rejected(catalogue):
    # A valid zip whose workbook XML is cut off: openpyxl fails while parsing it.
    source = zipfile.ZipFile(io.BytesIO(MetricWorkbook().to_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                content = content[: len(content) // 2]
            archive.writestr(item, content)
    with pytest.raises(InvalidInputError, match="could not be read as an Excel workbook"):
        read_metric(buffer.getvalue(), catalogue, name="damaged.xlsx")


def test_file_over_size_limit_rejected(catalogue):
    # The example is 3.2 MB, over a 1 MB limit.
    with pytest.raises(InvalidInputError, match=r"is 3\.0 MB; metric workbooks up to 1 MB"):
        read_metric(EXAMPLE_WORKBOOK, catalogue, max_bytes=1024 * 1024)
    with pytest.raises(InvalidInputError, match="up to 1 MB"):
        read_metric(EXAMPLE_WORKBOOK.read_bytes(), catalogue, max_bytes=1024 * 1024)


def test_workbook_without_trading_sheets_rejected(catalogue):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with pytest.raises(InvalidInputError, match="no trading summary sheets.*found 'Sheet'"):
        read_metric(buffer.getvalue(), catalogue, name="blank.xlsx")


def test_sheets_without_data_rejected(catalogue):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Trading Summary Area Habitats"
    workbook.create_sheet("Trading Summary Hedgerows")
    workbook.create_sheet("Headline Results")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(
        InvalidInputError,
        match="sheet 'Trading Summary Area Habitats' has no header row with a 'Project-wide",
    ):
        read_metric(buffer.getvalue(), catalogue)


def test_missing_headline_sheet_rejected(read_book):
    with pytest.raises(InvalidInputError, match="no 'Headline Results' sheet"):
        read_book(MetricWorkbook(headline=None))


def test_headline_without_baselines_rejected(catalogue):
    workbook = openpyxl.load_workbook(io.BytesIO(MetricWorkbook().to_bytes()))
    del workbook["Headline Results"]
    workbook.create_sheet("Headline Results").append(["Headline Results"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(InvalidInputError, match="'Headline Results' has no baseline units"):
        read_metric(buffer.getvalue(), catalogue)


def test_negative_baseline_rejected(read_book):
    book = MetricWorkbook(baselines={"area": -1.0, "hedgerow": 0.0, "watercourse": 0.0})
    with pytest.raises(InvalidInputError, match="area baseline units are -1.0"):
        read_book(book)


def test_xlsm_workbook_read(tmp_path, catalogue):
    # Excel marks a macro-enabled workbook by the content type of its main part.
    source = zipfile.ZipFile(
        io.BytesIO(
            MetricWorkbook(area=[Row("Grassland - Modified grassland", "Low", -2)]).to_bytes()
        )
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in content
            archive.writestr(item, content)
    path = tmp_path / "metric.xlsm"
    path.write_bytes(buffer.getvalue())
    metric = read_metric(path, catalogue)
    assert [(row.habitat, row.units) for row in metric.demand] == [
        ("Grassland - Modified grassland", 2)
    ]


def test_non_numeric_change_warns(read_book):
    book = MetricWorkbook(area=[Row("Grassland - Modified grassland", "Low", "#REF!")])
    metric = read_book(book)
    assert metric.demand == []
    assert any("'#REF!', not a number" in w for w in metric.warnings)


def test_deficit_over_row_limit_rejected(read_book):
    book = MetricWorkbook(area=[Row("Grassland - Modified grassland", "Low", -1_000_000)])
    with pytest.raises(InvalidInputError, match="more than the 100,000 units a demand row"):
        read_book(book)
