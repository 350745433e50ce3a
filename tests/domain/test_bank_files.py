"""Bank data files: CSV folders and .xlsx workbooks, read, validated and written back."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bng_optimiser.domain.bank_files import (
    BANK_COLUMNS,
    PRICE_COLUMNS,
    STOCK_COLUMNS,
    read_bank_files,
    write_bank_files,
)
from bng_optimiser.domain.catalogue import Ledger
from bng_optimiser.domain.embedded import SAMPLE_BANKS_DIR, load_static
from bng_optimiser.domain.exceptions import DataFileError
from bng_optimiser.domain.reference import CONTRACT_SIZES, TIERS, ContractSize, Tier

CATALOGUE, GEOGRAPHY = load_static()

GOOD_BANKS = [
    ["B1", "Gowy Test Bank", "Cheshire West and Chester", "61", "GB112068060280"],
    ["B2", "Shropshire Test Bank", "E60000114", "Shropshire Hills", ""],
]
GOOD_STOCK = [
    ["S1", "B1", "grassland - other neutral GRASSLAND", "3.5", ""],
    ["S2", "B1", "Native hedgerow", "1.25", "0.25"],
    ["S3", "B2", "Grassland - Modified grassland", "10", "2"],
]
GOOD_PRICES = [
    ["B1", "Grassland - Other neutral grassland", "small", "local", "24000"],
    ["B1", "Native hedgerow", "Small", "LOCAL", "15,500"],
    ["B2", "Grassland - Modified grassland", "small", "far", "30000.5"],
]


def write_csv(path: Path, header: tuple[str, ...] | list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_folder(
    folder: Path,
    banks: list[list[str]] = GOOD_BANKS,
    stock: list[list[str]] = GOOD_STOCK,
    prices: list[list[str]] = GOOD_PRICES,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "banks.csv", BANK_COLUMNS, banks)
    write_csv(folder / "stock.csv", STOCK_COLUMNS, stock)
    write_csv(folder / "prices.csv", PRICE_COLUMNS, prices)
    return folder


def workbook_bytes(tables: dict[str, tuple[tuple[str, ...], list[list[object]]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(source: Path | bytes, **kwargs: int) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        read_bank_files(source, CATALOGUE, GEOGRAPHY, **kwargs)
    return caught.value.problems


def test_folder_reads_canonical_values(tmp_path: Path) -> None:
    tables = read_bank_files(write_folder(tmp_path), CATALOGUE, GEOGRAPHY)

    assert sorted(tables.banks) == ["B1", "B2"]
    b1 = tables.banks["B1"]
    assert b1.lpa_code == "E60000016"
    assert b1.nca_number == 61
    assert b1.waterbody_id == "GB112068060280"
    b2 = tables.banks["B2"]
    assert b2.nca_number == 65
    assert b2.waterbody_id is None

    s1 = tables.stock["S1"]
    assert s1.habitat == "Grassland - Other neutral grassland"
    assert s1.units_available == 3.5
    assert s1.units_held == 0.0
    assert tables.stock["S2"].units_held == 0.25

    key = ("B1", "Native hedgerow", ContractSize.SMALL, Tier.LOCAL)
    assert tables.prices[key] == 15_500.0
    far_key = ("B2", "Grassland - Modified grassland", ContractSize.SMALL, Tier.FAR)
    assert tables.prices[far_key] == 30_000.5
    assert len(tables.prices) == 3


def test_every_bad_row_reported_at_once(tmp_path: Path) -> None:
    banks = GOOD_BANKS + [
        ["B3", "", "E60000999", "0", "GB000"],  # line 4
        ["B1", "Duplicate", "E60000016", "61", ""],  # line 5
        ["bad id!", "Bad id", "E60000016", "sixty", ""],  # line 6
    ]
    stock = GOOD_STOCK + [
        ["S4", "B9", "Grasland - Modified", "-1", ""],  # line 5
        ["S1", "B1", "Native hedgerow", "abc", "1"],  # line 6
        ["S5", "B2", "Lakes - Reservoirs", "1", "2"],  # line 7
        ["S6", "B2", "Net Gain (Low-equivalent)", "1", ""],  # line 8
        ["S7", "B2", "Lakes - Reservoirs", "nan", ""],  # line 9
    ]
    prices = GOOD_PRICES + [
        ["B1", "Grassland - Other neutral grassland", "huge", "near", "0"],  # line 5
        ["B2", "Grassland - Modified grassland", "small", "local", "-5"],  # line 6
        ["B1", "Grassland - Other neutral grassland", "small", "local", "25000"],  # line 7
        ["", "Native hedgerow", "small", "far", ""],  # line 8
    ]
    problems = problems_of(write_folder(tmp_path, banks, stock, prices))
    text = "\n".join(problems)

    expected = [
        "banks.csv:4: name is empty",
        "banks.csv:4: lpa_code: unknown LPA 'E60000999'",
        "banks.csv:4: nca_number: unknown NCA '0'",
        "banks.csv:4: waterbody_id: unknown waterbody id 'GB000'",
        "banks.csv:5: duplicate bank_id 'B1', first defined at banks.csv:2",
        "banks.csv:6: bank_id 'bad id!' is invalid",
        "banks.csv:6: nca_number: unknown NCA 'sixty'",
        "stock.csv:5: unknown bank_id 'B9'; it is not in the banks table",
        "stock.csv:5: habitat: unknown habitat 'Grasland - Modified'; did you mean "
        "'Grassland - Modified grassland'",
        "stock.csv:5: units_available '-1' is negative; it must be 0 or more",
        "stock.csv:6: duplicate stock_id 'S1', first defined at stock.csv:2",
        "stock.csv:6: bank 'B1' already stocks 'Native hedgerow' at stock.csv:3",
        "stock.csv:6: units_available 'abc' is not a number",
        "stock.csv:7: units_held '2' is more than units_available '1'",
        "stock.csv:8: habitat: unknown stock habitat 'Net Gain (Low-equivalent)'; a net-gain label "
        "can be demanded but a bank stocks catalogue habitats",
        "stock.csv:9: units_available 'nan' is not a finite number",
        "stock.csv:9: bank 'B2' already stocks 'Lakes - Reservoirs' at stock.csv:7",
        "prices.csv:5: contract_size 'huge' is invalid; use one of fractional, small, medium, "
        "large",
        "prices.csv:5: tier 'near' is invalid; use one of local, adjacent, far",
        "prices.csv:5: price '0' must be greater than 0",
        "prices.csv:6: price '-5' must be greater than 0",
        "prices.csv:7: duplicate price for bank 'B1', habitat 'Grassland - Other neutral "
        "grassland', small contract, local tier; first at prices.csv:2",
        "prices.csv:8: bank_id is empty",
        "prices.csv:8: price is empty",
    ]
    for message in expected:
        assert message in text
    # The good rows (3 bank rows + 3 stock rows + 3 price rows) add no problem of their own.
    assert len(problems) == len(expected)


def test_bad_bank_row_not_repeated_in_stock(tmp_path: Path) -> None:
    banks = [["B1", "Bank with a bad LPA", "Nowhere", "61", ""]]
    stock = [["S1", "B1", "Native hedgerow", "1", "0"]]
    problems = problems_of(write_folder(tmp_path, banks, stock, []))

    assert len(problems) == 1
    assert problems[0].startswith("banks.csv:2: lpa_code: unknown LPA 'Nowhere'")


def test_lpa_suggestion_names_code(tmp_path: Path) -> None:
    banks = [["B1", "Typo bank", "Cheshire West & Chester", "61", ""]]
    problems = problems_of(write_folder(tmp_path, banks, [], []))

    assert "did you mean 'Cheshire West and Chester (E60000016)'" in problems[0]


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    write_folder(tmp_path)
    write_csv(tmp_path / "stock.csv", ("stock_id", "bank_id", "habitat", "units", "units_held"),
              [["S1", "B1", "Native hedgerow", "1", "0"]])
    problems = problems_of(tmp_path)

    assert problems == [
        "stock.csv:1: missing column units_available; unknown column 'units'; expected columns "
        "stock_id, bank_id, habitat, units_available, units_held"
    ]


def test_missing_file_named(tmp_path: Path) -> None:
    write_folder(tmp_path)
    (tmp_path / "prices.csv").unlink()
    problems = problems_of(tmp_path)

    assert len(problems) == 1
    assert problems[0].endswith(
        "prices.csv: missing file; expected columns bank_id, habitat, contract_size, tier, price"
    )


def test_oversized_file_rejected(tmp_path: Path) -> None:
    write_folder(tmp_path)
    size = (tmp_path / "stock.csv").stat().st_size
    banks_size = (tmp_path / "banks.csv").stat().st_size
    prices_size = (tmp_path / "prices.csv").stat().st_size
    limit = min(size, banks_size, prices_size) - 1
    problems = problems_of(tmp_path, max_bytes=limit)

    message = f"stock.csv: file is {size:,} bytes, larger than the limit of {limit:,} bytes"
    assert message in problems
    assert len(problems) == 3


def test_non_utf8_file_rejected(tmp_path: Path) -> None:
    write_folder(tmp_path)
    (tmp_path / "banks.csv").write_bytes(
        b"bank_id,name,lpa_code,nca_number,waterbody_id\nB1,Caf\xe9 bank,E60000016,61,\n"
    )
    problems = problems_of(tmp_path)

    assert problems[0].startswith("banks.csv: not valid UTF-8 at byte 52")


def test_blank_lines_and_bom_accepted(tmp_path: Path) -> None:
    write_folder(tmp_path)
    text = (tmp_path / "banks.csv").read_text(encoding="utf-8")
    (tmp_path / "banks.csv").write_text("\ufeff" + text + "\n,,,,\n", encoding="utf-8")
    tables = read_bank_files(tmp_path, CATALOGUE, GEOGRAPHY)

    assert sorted(tables.banks) == ["B1", "B2"]


def test_line_numbers_count_multiline_cells(tmp_path: Path) -> None:
    banks = [
        ["B1", "Name over\ntwo lines", "E60000016", "61", ""],
        ["B2", "", "E60000016", "61", ""],
    ]
    problems = problems_of(write_folder(tmp_path, banks, [], []))

    # Row B1 spans lines 2 and 3 of the file, so row B2 is on line 4.
    assert problems == ["banks.csv:4: name is empty"]


def test_workbook_matches_folder(tmp_path: Path) -> None:
    data = workbook_bytes({
        "banks": (BANK_COLUMNS, [
            ["B1", "Gowy Test Bank", "E60000016", 61, "GB112068060280"],
            ["B2", "Shropshire Test Bank", "E60000114", 65, None],
        ]),
        "stock": (STOCK_COLUMNS, [
            ["S1", "B1", "Grassland - Other neutral grassland", 3.5, None],
            ["S2", "B1", "Native hedgerow", 1.25, 0.25],
            ["S3", "B2", "Grassland - Modified grassland", 10, 2],
        ]),
        "prices": (PRICE_COLUMNS, [
            ["B1", "Grassland - Other neutral grassland", "small", "local", 24000],
            ["B1", "Native hedgerow", "small", "local", 15500],
            ["B2", "Grassland - Modified grassland", "small", "far", 30000.5],
        ]),
    })
    path = tmp_path / "banks.xlsx"
    path.write_bytes(data)

    from_folder = read_bank_files(write_folder(tmp_path / "csv"), CATALOGUE, GEOGRAPHY)
    from_path = read_bank_files(path, CATALOGUE, GEOGRAPHY)
    from_bytes = read_bank_files(data, CATALOGUE, GEOGRAPHY)

    assert from_path == from_folder
    assert from_bytes == from_folder


def test_workbook_bad_rows_name_sheet(tmp_path: Path) -> None:
    data = workbook_bytes({
        "Banks": (BANK_COLUMNS, [["B1", "Bank", "E60000016", 61, None]]),
        "stock": (STOCK_COLUMNS, [
            ["S1", "B1", "Native hedgerow", 1, 0],
            ["S2", "B1", "Hedge", -2, 0],
        ]),
    })
    path = tmp_path / "user banks.xlsx"
    path.write_bytes(data)
    problems = problems_of(path)

    assert problems[0] == (
        "user banks.xlsx: missing sheet 'prices'; the workbook has 'Banks', 'stock'"
    )
    assert "user banks.xlsx[stock]:3: habitat: unknown habitat 'Hedge'" in "\n".join(problems)
    assert "user banks.xlsx[stock]:3: units_available '-2' is negative; it must be 0 or more" in (
        problems
    )
    assert len(problems) == 3


def test_not_a_workbook_rejected(tmp_path: Path) -> None:
    path = tmp_path / "banks.xlsx"
    path.write_text("bank_id,name\n", encoding="utf-8")

    assert problems_of(path) == [
        "banks.xlsx: not an .xlsx workbook (it is not a zip file); save it as Excel Workbook "
        "(.xlsx)"
    ]
    assert problems_of(b"PK\x03\x04 truncated")[0].startswith(
        "workbook: cannot be read as an .xlsx workbook"
    )


def test_unsupported_path_rejected(tmp_path: Path) -> None:
    path = tmp_path / "banks.json"
    path.write_text("{}", encoding="utf-8")

    assert problems_of(path)[0].endswith("unsupported file type '.json'; give a folder of CSV "
                                         "files or an .xlsx workbook with sheets banks, stock and "
                                         "prices")
    assert problems_of(tmp_path / "absent")[0].endswith("absent: not found; give a folder with "
                                                        "banks.csv, stock.csv and prices.csv, or "
                                                        "an .xlsx workbook")


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    original = read_bank_files(write_folder(tmp_path / "in"), CATALOGUE, GEOGRAPHY)
    written = write_bank_files(original, tmp_path / "out")
    again = read_bank_files(tmp_path / "out", CATALOGUE, GEOGRAPHY)

    assert [p.name for p in written] == ["banks.csv", "stock.csv", "prices.csv"]
    assert again == original
    lines = (tmp_path / "out" / "stock.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == "S1,B1,Grassland - Other neutral grassland,3.5,0"


class TestSampleBanks:
    """The shipped sample banks meet the promises of their README."""

    tables = read_bank_files(SAMPLE_BANKS_DIR, CATALOGUE, GEOGRAPHY)

    def test_at_least_25_banks(self) -> None:
        assert len(self.tables.banks) >= 25

    def test_five_to_twenty_habitats_each(self) -> None:
        for bank_id in self.tables.banks:
            count = sum(1 for s in self.tables.stock.values() if s.bank_id == bank_id)
            assert 5 <= count <= 20, bank_id

    def test_all_three_ledgers_stocked(self) -> None:
        ledgers = {CATALOGUE.get(s.habitat).ledger for s in self.tables.stock.values()}
        assert ledgers == set(Ledger)

    def test_every_size_and_tier_priced(self) -> None:
        for line in self.tables.stock.values():
            for size in CONTRACT_SIZES:
                for tier in TIERS:
                    assert (line.bank_id, line.habitat, size, tier) in self.tables.prices

    def test_prices_below_statutory_ceiling(self) -> None:
        # Two credits buy one unit. Each area band is held to the lowest credit tier it can fall
        # in: A1 2 x 42,000 = 84,000 for V.Low and Low, A2 2 x 48,000 = 96,000 for Medium and
        # A3 2 x 66,000 = 132,000 for High and V.High. Hedgerow H 2 x 44,000 = 88,000 and
        # watercourse W 2 x 230,000 = 460,000.
        area = {"V.Low": 84_000, "Low": 84_000, "Medium": 96_000, "High": 132_000,
                "V.High": 132_000}
        for (_, habitat, _, _), price in self.tables.prices.items():
            item = CATALOGUE.get(habitat)
            if item.ledger is Ledger.AREA:
                assert price < area[item.band], habitat
            elif item.ledger is Ledger.HEDGEROW:
                assert price < 88_000, habitat
            else:
                assert price < 460_000, habitat

    def test_far_dearer_and_large_cheaper(self) -> None:
        for line in self.tables.stock.values():
            key = (line.bank_id, line.habitat)
            local = self.tables.prices[(*key, ContractSize.MEDIUM, Tier.LOCAL)]
            far = self.tables.prices[(*key, ContractSize.MEDIUM, Tier.FAR)]
            assert 1.6 <= far / local <= 2.0, key
            large = self.tables.prices[(*key, ContractSize.LARGE, Tier.LOCAL)]
            fractional = self.tables.prices[(*key, ContractSize.FRACTIONAL, Tier.LOCAL)]
            assert large < local < fractional, key

    def test_some_banks_have_waterbody(self) -> None:
        with_waterbody = [b for b in self.tables.banks.values() if b.waterbody_id]
        assert len(with_waterbody) >= 3

    def test_cheshire_has_every_tier(self) -> None:
        site_lpa, site_nca = "E60000016", 61
        lpa_near = GEOGRAPHY.lpa_neighbours[site_lpa]
        nca_near = GEOGRAPHY.nca_neighbours[site_nca]
        local = [b for b in self.tables.banks.values()
                 if b.lpa_code == site_lpa or b.nca_number == site_nca]
        adjacent = [b for b in self.tables.banks.values() if b not in local
                    and (b.lpa_code in lpa_near or b.nca_number in nca_near)]
        far = [b for b in self.tables.banks.values() if b not in local and b not in adjacent]

        assert [b.bank_id for b in local] == ["BNK001", "BNK002", "BNK003"]
        assert [b.bank_id for b in adjacent] == ["BNK004", "BNK005", "BNK006", "BNK007"]
        assert len(far) >= 20


def test_sample_banks_match_generator(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "generate_sample_banks.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True,
                   capture_output=True, timeout=120)

    for name in ("banks.csv", "stock.csv", "prices.csv"):
        shipped = (SAMPLE_BANKS_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == shipped, name
