"""A tiny user bank folder around Cheshire West and Chester, with prices chosen by hand."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from bng_optimiser.cli.main import main
from bng_optimiser.domain.bank_files import BANK_COLUMNS, PRICE_COLUMNS, STOCK_COLUMNS

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

# Site: Cheshire West and Chester (E60000016), NCA 61. L1 is in the same LPA (local), A1 in
# Cheshire East, a neighbouring LPA (adjacent), F1 in Cornwall and NCA 152 (far).
TINY_BANKS = [
    ["L1", "Local Test Bank", "E60000016", "61", "GB112068060280"],
    ["A1", "Adjacent Test Bank", "E60000015", "62", ""],
    ["F1", "Far Test Bank", "E60000291", "152", ""],
]
TINY_STOCK = [
    ["L1-1", "L1", "Grassland - Other neutral grassland", "5", "0"],
    ["L1-2", "L1", "Native hedgerow", "1", "0"],
    ["A1-1", "A1", "Grassland - Other neutral grassland", "5", "0"],
    ["A1-2", "A1", "Grassland - Modified grassland", "5", "0"],
    ["F1-1", "F1", "Grassland - Other neutral grassland", "50", "0"],
]
# GBP per unit of demand, the same at every contract size.
TINY_PRICES = {
    ("L1", "Grassland - Other neutral grassland", "local"): 30_000,
    ("L1", "Native hedgerow", "local"): 15_000,
    ("A1", "Grassland - Other neutral grassland", "adjacent"): 32_800,
    ("A1", "Grassland - Modified grassland", "adjacent"): 20_000,
    ("F1", "Grassland - Other neutral grassland", "far"): 45_000,
}
SIZES = ("fractional", "small", "medium", "large")


def tiny_tables() -> dict[str, tuple[tuple[str, ...], list[list[str]]]]:
    prices = [
        [bank, habitat, size, tier, str(price)]
        for (bank, habitat, tier), price in TINY_PRICES.items()
        for size in SIZES
    ]
    return {
        "banks": (BANK_COLUMNS, TINY_BANKS),
        "stock": (STOCK_COLUMNS, TINY_STOCK),
        "prices": (PRICE_COLUMNS, prices),
    }


@pytest.fixture
def tiny_banks(tmp_path: Path) -> Path:
    """Write the tiny bank folder and return its path."""
    folder = tmp_path / "banks"
    folder.mkdir()
    for name, (header, rows) in tiny_tables().items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return folder


@pytest.fixture
def tiny_workbook(tmp_path: Path) -> Path:
    """Write the tiny banks as one .xlsx workbook and return its path."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in tiny_tables().items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "banks.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


class Run:
    """Exit status, standard output and standard error of one CLI run."""

    def __init__(self, status: int, out: str, err: str) -> None:
        self.status = status
        self.out = out
        self.err = err

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `bng-optimiser ARGS` in this process and capture what it writes."""

    def run(*args: str | Path) -> Run:
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run
