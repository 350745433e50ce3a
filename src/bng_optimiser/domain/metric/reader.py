"""Find the trading summary and headline figures in a metric workbook by their header text.

Sheet names and cell positions differ between versions of the Statutory Biodiversity Metric,
so nothing here relies on a fixed cell. Sheets are found by words in their names and tables by
their header text. A row's band comes from a Distinctiveness column, or else from the band
section the row sits in.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from ..catalogue import BANDS, Ledger
from ..exceptions import InvalidInputError
from .cells import cell, fold_text, sheet_rows, to_number
from .headline import read_headline
from .models import HeadlineFigures, TradingRow

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
# The 3.2 MB example workbook (42 sheets) unpacks to 27 MB. 400 MB leaves room for bigger
# real workbooks and still rejects zip bombs before openpyxl inflates anything.
DEFAULT_MAX_UNPACKED_BYTES = 400 * 1024 * 1024

ZIP_SIGNATURE = b"PK"
# Excel saves a password-protected workbook inside an OLE2 compound file, and old .xls
# files use the same container.
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0")

# Every trading summary sheet name contains these words ("Trading Summary Area Habitats",
# "Trading Summary Hedgerows", "Trading Summary WaterC's").
_SHEET_WORDS: dict[Ledger, tuple[str, ...]] = {
    Ledger.AREA: ("area", "habitat"),
    Ledger.HEDGEROW: ("hedge",),
    Ledger.WATERCOURSE: ("water", "river"),
}
_OTHER_LEDGER_WORDS = ("hedge", "water", "river")

_BAND_NAMES = {
    "very high": "V.High",
    "v.high": "V.High",
    "v high": "V.High",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "very low": "V.Low",
    "v.low": "V.Low",
    "v low": "V.Low",
}
_TOTAL_WORDS = ("total", "sub total", "subtotal", "net change", "sum ")


@dataclass(frozen=True, slots=True)
class WorkbookContent:
    """Everything the offsetting step needs from one workbook."""

    rows: list[TradingRow]
    headline: dict[Ledger, HeadlineFigures]
    sheets: dict[Ledger, str]
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class _Columns:
    """0-based column positions of one trading table, found from its header row."""

    habitat: int
    change: int
    band: int | None
    broad_habitat: int | None


def read_workbook(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> WorkbookContent:
    """Read the trading rows and headline figures of a metric workbook (.xlsx or .xlsm).

    `source` is a path or the file's bytes. Nothing is written anywhere. Raises
    InvalidInputError naming the problem when the file is too big (over `max_bytes`), not a
    workbook, encrypted, damaged, or lacks the sheets and headers of a metric workbook.
    """
    data, label = _load_bytes(source, name, max_bytes)
    _check_archive(data, label, max_unpacked_bytes)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops, such as conditional formatting
            # extensions, which do not affect cached cell values.
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _read_content(workbook, label)
            finally:
                workbook.close()
    except InvalidInputError:
        raise
    # openpyxl reads sheets lazily, so a damaged part can fail at any point of the reading.
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        EOFError,
        OSError,
        SyntaxError,
    ) as error:
        logger.warning("metric workbook %s could not be parsed: %r", label, error)
        raise InvalidInputError(
            f"{label} could not be read as an Excel workbook ({type(error).__name__}: {error}); "
            "save it again from Excel as .xlsx or .xlsm"
        ) from None


def _load_bytes(source: str | Path | bytes, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = repr(name) if name else "the uploaded workbook"
    else:
        path = Path(source)
        label = repr(name or path.name)
        if not path.is_file():
            raise InvalidInputError(
                f"metric workbook {str(path)!r} does not exist or is not a file"
            )
        size = path.stat().st_size
        if size > max_bytes:
            raise InvalidInputError(_too_big(label, size, max_bytes))
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise InvalidInputError(_too_big(label, len(data), max_bytes))
    return data, label


def _too_big(label: str, size: int, max_bytes: int) -> str:
    return (
        f"{label} is {size / 1024 / 1024:.1f} MB; metric workbooks up to "
        f"{max_bytes / 1024 / 1024:.0f} MB are accepted"
    )


def _check_archive(data: bytes, label: str, max_unpacked_bytes: int) -> None:
    """Reject files that are not an unencrypted .xlsx/.xlsm zip before openpyxl parses them."""
    if not data:
        raise InvalidInputError(f"{label} is empty (0 bytes); expected an .xlsx or .xlsm workbook")
    if data.startswith(OLE2_SIGNATURE):
        raise InvalidInputError(
            f"{label} is password protected or encrypted, or is an old .xls file; remove the "
            "password and save it as .xlsx or .xlsm"
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise InvalidInputError(
            f"{label} is not an Excel workbook: .xlsx and .xlsm files are zip archives, and this "
            "file is not (a CSV or text file renamed .xlsx cannot be read)"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise InvalidInputError(
            f"{label} is a damaged or truncated zip archive ({error}); upload the complete file"
        ) from None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        raise InvalidInputError(
            f"{label} is a zip archive but not an Excel workbook (no [Content_Types].xml)"
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        raise InvalidInputError(
            f"{label} unpacks to {unpacked:,} bytes, more than the limit; at most "
            f"{max_unpacked_bytes / 1024 / 1024:.0f} MB is accepted"
        )


def _read_content(workbook: Any, label: str) -> WorkbookContent:
    sheets = find_trading_sheets(workbook.sheetnames)
    if not sheets:
        raise InvalidInputError(
            f"{label} has no trading summary sheets; expected sheets such as "
            "'Trading Summary Area Habitats', 'Trading Summary Hedgerows' and "
            f"'Trading Summary WaterC's', found {_list_names(workbook.sheetnames)}"
        )
    notes: list[str] = []
    for ledger in Ledger:
        if ledger not in sheets:
            notes.append(
                f"no {ledger.value} trading summary sheet found; the {ledger.value} ledger has "
                "no deficits or surpluses, so its whole net gain requirement is demand"
            )

    rows: list[TradingRow] = []
    for ledger, sheet_name in sheets.items():
        sheet_rows, sheet_notes = read_trading_rows(workbook[sheet_name], sheet_name, ledger)
        rows.extend(sheet_rows)
        notes.extend(sheet_notes)

    headline_name = next((s for s in workbook.sheetnames if "headline" in fold_text(s)), None)
    if headline_name is None:
        raise InvalidInputError(
            f"{label} has no 'Headline Results' sheet, which contains the baseline units; found "
            f"{_list_names(workbook.sheetnames)}"
        )
    headline, headline_notes = read_headline(workbook[headline_name], headline_name)
    notes.extend(headline_notes)
    return WorkbookContent(rows=rows, headline=headline, sheets=sheets, warnings=notes)


def _list_names(names: list[str]) -> str:
    if not names:
        return "none"
    listed = ", ".join(repr(n) for n in names[:12])
    if len(names) > 12:
        listed += f" and {len(names) - 12} more"
    return listed


def find_trading_sheets(sheet_names: list[str]) -> dict[Ledger, str]:
    """Map each ledger to the first sheet whose name reads like its trading summary."""
    found: dict[Ledger, str] = {}
    for sheet_name in sheet_names:
        words = fold_text(sheet_name).replace("'", "").replace("’", "")
        if "trading summary" not in words:
            continue
        for ledger, ledger_words in _SHEET_WORDS.items():
            if ledger in found or not any(w in words for w in ledger_words):
                continue
            if ledger is Ledger.AREA and any(w in words for w in _OTHER_LEDGER_WORDS):
                continue
            found[ledger] = sheet_name
            break
    return found


def read_trading_rows(
    worksheet: Any, sheet_name: str, ledger: Ledger
) -> tuple[list[TradingRow], list[str]]:
    """Read every habitat row under a 'Project-wide unit change' header of one sheet.

    Header rows may repeat (one per band section), and each one sets the columns for the rows
    below it. Rows without a habitat name (totals) and cells right of the table (summary
    blocks) are ignored. Raises InvalidInputError when the sheet has no such header.
    """
    rows: list[TradingRow] = []
    notes: list[str] = []
    columns: _Columns | None = None
    section_band: str | None = None
    section_text = "no band section above it"
    blank_changes = 0

    for number, values in sheet_rows(worksheet, sheet_name, notes):
        header = _match_header(values)
        if header is not None:
            columns = header
            continue
        section = _section_heading(values, columns)
        if section is not None:
            section_text = section
            section_band = parse_band(section)
            continue
        if columns is None:
            continue

        habitat = cell(values, columns.habitat)
        if not isinstance(habitat, str) or not habitat.strip() or _is_total(habitat):
            continue
        change_cell = cell(values, columns.change)
        if change_cell is None:
            blank_changes += 1
            continue
        change = to_number(change_cell)
        if change is None:
            notes.append(
                f"sheet {sheet_name!r} row {number}: project-wide unit change of "
                f"{habitat.strip()!r} is {change_cell!r}, not a number; the row is ignored"
            )
            continue

        if columns.band is not None:
            band_cell = cell(values, columns.band)
            band_text = "" if band_cell is None else str(band_cell).strip()
            band = parse_band(band_text)
        else:
            band_text, band = section_text, section_band
        broad = cell(values, columns.broad_habitat) if columns.broad_habitat is not None else None
        rows.append(
            TradingRow(
                ledger=ledger,
                habitat=" ".join(habitat.split()),
                band=band,
                band_text=band_text,
                broad_habitat=broad.strip() if isinstance(broad, str) and broad.strip() else None,
                change=change,
                sheet=sheet_name,
                row=number,
            )
        )

    if columns is None:
        raise InvalidInputError(
            f"sheet {sheet_name!r} has no header row with a 'Project-wide unit change' column "
            "next to a habitat column; it does not look like a metric trading summary"
        )
    if blank_changes and not rows:
        notes.append(
            f"sheet {sheet_name!r} has {blank_changes} habitat row(s) but no project-wide unit "
            "change values. A workbook never saved by Excel has no formula results, so open "
            "it in Excel, save it and read it again"
        )
    return rows, notes


def _match_header(values: tuple) -> _Columns | None:
    """Return the table columns if this row is a trading table header, else None."""
    texts = [fold_text(v) if isinstance(v, str) else "" for v in values]
    habitat = _find_habitat_column(texts)
    if habitat is None:
        return None
    # The table is the run of non-empty header cells starting at the habitat column. A summary
    # block further right may repeat 'Project-wide unit change', and it is not the table.
    end = habitat
    while end + 1 < len(texts) and texts[end + 1]:
        end += 1
    block = range(habitat + 1, end + 1)
    change = next((i for i in block if _is_change_header(texts[i])), None)
    if change is None:
        return None
    band = next(
        (i for i in block if "distinctiveness" in texts[i] and "score" not in texts[i]), None
    )
    broad = next((i for i in block if texts[i] in ("group", "broad habitat")), None)
    return _Columns(habitat=habitat, change=change, band=band, broad_habitat=broad)


def _is_change_header(text: str) -> bool:
    return text.startswith("project wide unit change")


def _find_habitat_column(texts: list[str]) -> int | None:
    exact = ("habitat", "habitat type", "habitat name", "hedgerow type", "watercourse type")
    for index, text in enumerate(texts):
        if text in exact:
            return index
    for index, text in enumerate(texts):
        if text.startswith("habitat"):
            return index
    return None


def _section_heading(values: tuple, columns: _Columns | None) -> str | None:
    """Return the text of a band section heading ("High Distinctiveness"), else None.

    A bare band word ("High") is a heading only when it is alone in its row, because the
    trading rule table at the top of each sheet also starts rows with band words.
    """
    filled = [v for v in values if v is not None and v != ""]
    if not filled or not isinstance(filled[0], str):
        return None
    text = fold_text(filled[0])
    if not (text.endswith("distinctiveness") or (text in _BAND_NAMES and len(filled) == 1)):
        return None
    # A band word with a number in the change column is a data row, not a heading.
    if columns is not None and to_number(cell(values, columns.change)) is not None:
        return None
    return filled[0].strip()


def parse_band(text: object) -> str | None:
    """Return the band named by `text` ("Very High", "V.High", "Low Distinctiveness"), or None."""
    if not isinstance(text, str):
        return None
    words = fold_text(text).replace("distinctiveness", "").replace("band", "")
    key = " ".join(words.split())
    if key in _BAND_NAMES:
        return _BAND_NAMES[key]
    for band in BANDS:
        if key == band.casefold():
            return band
    return None


def _is_total(habitat: str) -> bool:
    text = fold_text(habitat) + " "
    return text.startswith(_TOTAL_WORDS)
