"""Bank data files: banks, stock and prices as a CSV folder or one .xlsx workbook.

A folder contains `banks.csv`, `stock.csv` and `prices.csv`. A workbook contains sheets
`banks`, `stock` and `prices` with the same columns. Every row of every file is validated before
anything is returned, and `DataFileError` lists all bad rows at once as `file:line: message`.

A price for a habitat that the bank does not stock is accepted. The engine only builds options
from stock lines, so such a price has no effect until stock arrives. A price list published
ahead of stock is normal, and the habitat name is still checked against the catalogue.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from .catalogue import Catalogue
from .exceptions import DataFileError, UnknownNameError
from .geography import Geography
from .reference import CONTRACT_SIZES, TIERS, Bank, ContractSize, PriceKey, StockLine, Tier

BANK_COLUMNS = ("bank_id", "name", "lpa_code", "nca_number", "waterbody_id")
STOCK_COLUMNS = ("stock_id", "bank_id", "habitat", "units_available", "units_held")
PRICE_COLUMNS = ("bank_id", "habitat", "contract_size", "tier", "price")
TABLES = {"banks": BANK_COLUMNS, "stock": STOCK_COLUMNS, "prices": PRICE_COLUMNS}

# Bounds on input size. A register of 1,000 banks, each with 20 habitats priced at 4 sizes x
# 3 tiers, is 240,000 price rows x about 80 bytes = about 20 MB.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ROWS_PER_TABLE = 400_000
MAX_NAME_LENGTH = 200
# Ids appear in URLs, logs and CSV exports, so they keep to a safe character set.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
XLSX_MAGIC = b"PK\x03\x04"

_T = TypeVar("_T")


@dataclass(frozen=True)
class BankTables:
    """Validated banks, stock lines and prices, keyed as `ReferenceData` keys them."""

    banks: dict[str, Bank]
    stock: dict[str, StockLine]
    prices: dict[PriceKey, float]


class _HasBankTables(Protocol):
    banks: dict[str, Bank]
    stock: dict[str, StockLine]
    prices: dict[PriceKey, float]


@dataclass(frozen=True)
class _Row:
    where: str
    values: dict[str, str]


class _Problems:
    """Collects `file:line: message` entries so that every bad row is reported in one error."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            raise DataFileError(self.items)


def read_bank_files(
    source: Path | str | bytes,
    catalogue: Catalogue,
    geography: Geography,
    *,
    max_bytes: int = MAX_FILE_BYTES,
) -> BankTables:
    """Read and validate a bank folder, a .xlsx path or .xlsx bytes.

    Habitat, LPA and NCA names are stored in their canonical catalogue and geography form, so
    `lpa_code` may be an ONS code or a name and `nca_number` a number or a name. Units are
    biodiversity units and prices are GBP per unit of demand met.

    Raises DataFileError listing every invalid row, missing file, missing column or oversized
    file, and changes nothing on error.
    """
    problems = _Problems()
    tables = _read_tables(source, max_bytes, problems)
    return _validate(tables, catalogue, geography, problems)


def write_bank_files(reference: _HasBankTables, directory: Path) -> list[Path]:
    """Write banks.csv, stock.csv and prices.csv into `directory`, sorted by their keys.

    The output reads back with `read_bank_files` to the same tables. Returns the paths written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    banks = [
        [b.bank_id, b.name, b.lpa_code, str(b.nca_number), b.waterbody_id or ""]
        for b in sorted(reference.banks.values(), key=lambda b: b.bank_id)
    ]
    stock = [
        [s.stock_id, s.bank_id, s.habitat, _format_number(s.units_available),
         _format_number(s.units_held)]
        for s in sorted(reference.stock.values(), key=lambda s: s.stock_id)
    ]
    size_order = {size: i for i, size in enumerate(CONTRACT_SIZES)}
    tier_order = {tier: i for i, tier in enumerate(TIERS)}
    price_keys = sorted(
        reference.prices, key=lambda k: (k[0], k[1], size_order[k[2]], tier_order[k[3]])
    )
    prices = [
        [k[0], k[1], k[2].value, k[3].value, _format_number(reference.prices[k])]
        for k in price_keys
    ]
    written = []
    for name, rows in (("banks", banks), ("stock", stock), ("prices", prices)):
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(TABLES[name])
            writer.writerows(rows)
        written.append(path)
    return written


def _format_number(value: float) -> str:
    # repr keeps every digit, so a round trip through the files never changes a price or unit.
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# Reading: files and sheets into rows of strings


def _read_tables(
    source: Path | str | bytes, max_bytes: int, problems: _Problems
) -> dict[str, list[_Row]]:
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            problems.add("workbook", _too_large(len(source), max_bytes))
            return {}
        return _read_workbook(source, "workbook", problems)

    path = Path(source)
    if path.is_dir():
        tables = {}
        for name, columns in TABLES.items():
            rows = _read_csv(path / f"{name}.csv", columns, max_bytes, problems)
            if rows is not None:
                tables[name] = rows
        return tables
    if not path.is_file():
        problems.add(str(path), "not found; give a folder with banks.csv, stock.csv and "
                     "prices.csv, or an .xlsx workbook")
        return {}
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        problems.add(str(path), f"unsupported file type {path.suffix!r}; give a folder of CSV "
                     "files or an .xlsx workbook with sheets banks, stock and prices")
        return {}
    data = _read_bounded(path, path.name, max_bytes, problems)
    if data is None:
        return {}
    return _read_workbook(data, path.name, problems)


def _read_bounded(path: Path, label: str, max_bytes: int, problems: _Problems) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.add(label, _too_large(size, max_bytes))
            return None
        return path.read_bytes()
    except OSError as error:
        problems.add(label, f"cannot be read: {error.strerror}")
        return None


def _too_large(size: int, max_bytes: int) -> str:
    return f"file is {size:,} bytes, larger than the limit of {max_bytes:,} bytes"


def _read_csv(
    path: Path, columns: tuple[str, ...], max_bytes: int, problems: _Problems
) -> list[_Row] | None:
    name = path.name
    if not path.is_file():
        problems.add(str(path), f"missing file; expected columns {', '.join(columns)}")
        return None
    data = _read_bounded(path, name, max_bytes, problems)
    if data is None:
        return None
    try:
        # utf-8-sig drops the byte order mark that spreadsheet programs put on CSV exports.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.add(name, f"not valid UTF-8 at byte {error.start}; save the file as UTF-8 CSV")
        return None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            problems.add(f"{name}:1", f"empty file; expected columns {', '.join(columns)}")
            return None
        return _rows_with_header(name, header, _csv_records(reader), columns, problems)
    except csv.Error as error:
        problems.add(f"{name}:{reader.line_num}", f"malformed CSV: {error}")
        return None


def _csv_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for record in reader:
        # line_num is the physical line where this record ends, as an editor shows it.
        yield reader.line_num, record  # type: ignore[attr-defined]


def _read_workbook(data: bytes, label: str, problems: _Problems) -> dict[str, list[_Row]]:
    # Imported here because openpyxl takes about 0.2 s to import and CSV users never need it.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not data.startswith(XLSX_MAGIC):
        problems.add(label, "not an .xlsx workbook (it is not a zip file); save it as Excel "
                     "Workbook (.xlsx)")
        return {}
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        problems.add(label, f"cannot be read as an .xlsx workbook: {error}")
        return {}

    try:
        sheets = {sheet.strip().casefold(): sheet for sheet in workbook.sheetnames}
        tables: dict[str, list[_Row]] = {}
        for name, columns in TABLES.items():
            sheet_name = sheets.get(name)
            if sheet_name is None:
                problems.add(label, f"missing sheet {name!r}; the workbook has "
                             f"{', '.join(repr(s) for s in workbook.sheetnames)}")
                continue
            records = (
                (number, [_cell_text(cell) for cell in values])
                for number, values in enumerate(
                    workbook[sheet_name].iter_rows(values_only=True), start=1
                )
            )
            header_row = next(records, None)
            where = f"{label}[{name}]"
            if header_row is None:
                problems.add(f"{where}:1", f"empty sheet; expected columns {', '.join(columns)}")
                continue
            rows = _rows_with_header(where, header_row[1], records, columns, problems)
            if rows is not None:
                tables[name] = rows
        return tables
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A number cell can come back as a float, and NCA 61 must read back as "61", not "61.0".
        return str(int(value))
    return str(value).strip()


def _rows_with_header(
    where: str,
    header: list[str],
    records: Iterator[tuple[int, list[str]]],
    columns: tuple[str, ...],
    problems: _Problems,
) -> list[_Row] | None:
    names = [h.strip().casefold() for h in header]
    missing = [c for c in columns if c not in names]
    unknown = [h for h in names if h and h not in columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(repr(u) for u in unknown)}")
        problems.add(f"{where}:1", "; ".join(parts) + f"; expected columns {', '.join(columns)}")
        return None

    index = {name: names.index(name) for name in columns}
    rows: list[_Row] = []
    for line, record in records:
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS_PER_TABLE:
            problems.add(f"{where}:{line}", f"more than {MAX_ROWS_PER_TABLE:,} rows; split the "
                         "data or raise the limit")
            break
        values = {c: cells[i] if i < len(cells) else "" for c, i in index.items()}
        rows.append(_Row(f"{where}:{line}", values))
    return rows


# Validation: rows of strings into banks, stock lines and prices


def _validate(
    tables: dict[str, list[_Row]], catalogue: Catalogue, geography: Geography, problems: _Problems
) -> BankTables:
    # Stock and price rows are checked against every bank id that appears, even on an invalid
    # bank row, so that one bad bank row does not add a second error to each of its stock rows.
    # Without a readable banks table no bank id can be checked (None), but every other column is.
    named_banks = None
    if "banks" in tables:
        named_banks = {row.values["bank_id"] for row in tables["banks"]}

    banks = _validate_banks(tables.get("banks", []), geography, problems)
    stock = _validate_stock(tables.get("stock", []), named_banks, catalogue, problems)
    prices = _validate_prices(tables.get("prices", []), named_banks, catalogue, problems)
    problems.raise_if_any()
    return BankTables(banks=banks, stock=stock, prices=prices)


def _validate_banks(rows: list[_Row], geography: Geography, problems: _Problems) -> dict[str, Bank]:
    banks: dict[str, Bank] = {}
    first_seen: dict[str, str] = {}
    for row in rows:
        errors: list[str] = []
        v = row.values
        bank_id = _check_id("bank_id", v["bank_id"], errors)
        if bank_id and bank_id in first_seen:
            errors.append(f"duplicate bank_id {bank_id!r}, first defined at {first_seen[bank_id]}")
        name = v["name"]
        if not name:
            errors.append("name is empty")
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(f"name is {len(name)} characters; at most {MAX_NAME_LENGTH} allowed")
        lpa_code = _lookup(lambda text: geography.lpa(text).code, "lpa_code", v["lpa_code"],
                           errors)
        nca_number = _lookup(lambda text: geography.nca(text).number, "nca_number",
                             v["nca_number"], errors)
        waterbody = v["waterbody_id"] or None
        if waterbody is not None:
            waterbody = _lookup(lambda text: geography.waterbody(text).wbid,
                                "waterbody_id", v["waterbody_id"], errors)
        if errors:
            for error in errors:
                problems.add(row.where, error)
        else:
            assert bank_id is not None
            assert lpa_code is not None
            assert nca_number is not None
            banks[bank_id] = Bank(bank_id, name, lpa_code, nca_number, waterbody)
        if bank_id and bank_id not in first_seen:
            first_seen[bank_id] = row.where
    return banks


def _validate_stock(
    rows: list[_Row], named_banks: set[str] | None, catalogue: Catalogue, problems: _Problems
) -> dict[str, StockLine]:
    stock: dict[str, StockLine] = {}
    first_id: dict[str, str] = {}
    first_pair: dict[tuple[str, str], str] = {}
    for row in rows:
        errors: list[str] = []
        v = row.values
        stock_id = _check_id("stock_id", v["stock_id"], errors)
        if stock_id and stock_id in first_id:
            errors.append(f"duplicate stock_id {stock_id!r}, first defined at {first_id[stock_id]}")
        bank_id = _check_bank(v["bank_id"], named_banks, errors)
        habitat = _lookup(lambda text: _stock_habitat(catalogue, text), "habitat", v["habitat"],
                          errors)
        if bank_id and habitat and (bank_id, habitat) in first_pair:
            errors.append(f"bank {bank_id!r} already stocks {habitat!r} at "
                          f"{first_pair[(bank_id, habitat)]}; give one line per bank and habitat")
        available = _number("units_available", v["units_available"], errors, minimum=0.0)
        held = _number("units_held", v["units_held"] or "0", errors, minimum=0.0)
        if available is not None and held is not None and held > available:
            errors.append(f"units_held {v['units_held']!r} is more than units_available "
                          f"{v['units_available']!r}")
        if errors:
            for error in errors:
                problems.add(row.where, error)
        else:
            assert stock_id is not None
            assert bank_id is not None
            assert habitat is not None
            assert available is not None
            assert held is not None
            stock[stock_id] = StockLine(stock_id, bank_id, habitat, available, held)
        if stock_id and stock_id not in first_id:
            first_id[stock_id] = row.where
        if bank_id and habitat and (bank_id, habitat) not in first_pair:
            first_pair[(bank_id, habitat)] = row.where
    return stock


def _validate_prices(
    rows: list[_Row], named_banks: set[str] | None, catalogue: Catalogue, problems: _Problems
) -> dict[PriceKey, float]:
    prices: dict[PriceKey, float] = {}
    first_key: dict[PriceKey, str] = {}
    for row in rows:
        errors: list[str] = []
        v = row.values
        bank_id = _check_bank(v["bank_id"], named_banks, errors)
        habitat = _lookup(lambda text: _stock_habitat(catalogue, text), "habitat", v["habitat"],
                          errors)
        size = _enum("contract_size", v["contract_size"], ContractSize, errors)
        tier = _enum("tier", v["tier"], Tier, errors)
        price = _number("price", v["price"], errors, minimum=0.0, strictly_above=True)
        key: PriceKey | None = None
        if bank_id and habitat and size and tier:
            key = (bank_id, habitat, size, tier)
            if key in first_key:
                errors.append(f"duplicate price for bank {bank_id!r}, habitat {habitat!r}, "
                              f"{size.value} contract, {tier.value} tier; first at "
                              f"{first_key[key]}")
            else:
                first_key[key] = row.where
        if errors:
            for error in errors:
                problems.add(row.where, error)
        elif key is not None and price is not None:
            prices[key] = price
    return prices


def _stock_habitat(catalogue: Catalogue, text: str) -> str:
    habitat = catalogue.get(text)
    if habitat.net_gain:
        raise UnknownNameError("stock habitat", text, [])
    return habitat.label


def _check_id(column: str, value: str, errors: list[str]) -> str | None:
    if not value:
        errors.append(f"{column} is empty")
        return None
    if not ID_PATTERN.match(value):
        errors.append(f"{column} {value!r} is invalid; use 1 to 64 letters, digits or _ . : -")
        return None
    return value


def _check_bank(value: str, named_banks: set[str] | None, errors: list[str]) -> str | None:
    if not value:
        errors.append("bank_id is empty")
        return None
    if named_banks is not None and value not in named_banks:
        errors.append(f"unknown bank_id {value!r}; it is not in the banks table")
        return None
    return value


def _lookup(find: Callable[[str], _T], column: str, value: str, errors: list[str]) -> _T | None:
    if not value:
        errors.append(f"{column} is empty")
        return None
    try:
        return find(value)
    except UnknownNameError as error:
        message = f"{column}: {error}"
        if error.kind == "stock habitat":
            message += "; a net-gain label can be demanded but a bank stocks catalogue habitats"
        errors.append(message)
        return None


def _number(
    column: str,
    text: str,
    errors: list[str],
    *,
    minimum: float,
    strictly_above: bool = False,
) -> float | None:
    if not text:
        errors.append(f"{column} is empty")
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        errors.append(f"{column} {text!r} is not a number")
        return None
    if not math.isfinite(value):
        errors.append(f"{column} {text!r} is not a finite number")
        return None
    if strictly_above and value <= minimum:
        errors.append(f"{column} {text!r} must be greater than {minimum:g}")
        return None
    if value < minimum:
        errors.append(f"{column} {text!r} is negative; it must be {minimum:g} or more")
        return None
    return value


def _enum(column: str, text: str, kind: type[ContractSize] | type[Tier], errors: list[str]):  # type: ignore[no-untyped-def]
    try:
        return kind(text.strip().casefold())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        errors.append(f"{column} {text!r} is invalid; use one of {allowed}")
        return None
