"""The embedded reference source: shipped catalogue, geography and bank files."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from bng_optimiser.domain.bank_files import TABLES
from bng_optimiser.domain.embedded import (
    REFERENCE_DIR,
    SAMPLE_BANKS_DIR,
    EmbeddedSource,
    load_static,
)
from bng_optimiser.domain.exceptions import DataFileError
from bng_optimiser.domain.reference import ContractSize, ReferenceSource, Tier


def test_static_data_loaded_once() -> None:
    catalogue, geography = load_static()

    assert load_static()[0] is catalogue
    # 132 area + 13 hedgerow + 5 watercourse habitats + 3 net-gain labels = 153.
    assert len(catalogue) == 153
    assert len(geography.ncas) == 159
    assert geography.lpa("E60000016").name == "Cheshire West and Chester"
    assert (REFERENCE_DIR / "metric" / "sbm_area_habitats.csv").is_file()


def test_default_source_reads_sample_banks() -> None:
    source: ReferenceSource = EmbeddedSource()
    snapshot = source.load()

    assert snapshot.label == "sample banks"
    assert snapshot.banks["BNK001"].lpa_code == "E60000016"
    assert snapshot.version == snapshot.content_hash()[:12]
    assert source.current_version() == snapshot.version
    assert source.load() is snapshot


def test_edited_file_gives_new_version(tmp_path: Path) -> None:
    folder = tmp_path / "banks"
    shutil.copytree(SAMPLE_BANKS_DIR, folder)
    source = EmbeddedSource(folder)
    before = source.load()

    prices = folder / "prices.csv"
    lines = prices.read_text(encoding="utf-8").splitlines()
    bank_id, habitat, size, tier, price = lines[1].split(",")
    lines[1] = ",".join([bank_id, habitat, size, tier, str(float(price) + 100)])
    prices.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Some file systems keep whole-second times, so move the clock on explicitly.
    stat = prices.stat()
    os.utime(prices, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    after = source.load()

    assert after is not before
    assert after.version != before.version
    key = (bank_id, habitat, ContractSize(size), Tier(tier))
    assert after.prices[key] == before.prices[key] + 100


def test_same_content_same_version(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(SAMPLE_BANKS_DIR, folder)

    assert EmbeddedSource(folder).current_version() == EmbeddedSource().current_version()
    assert EmbeddedSource(folder).load().label == str(folder)


def test_workbook_source(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name in TABLES:
        sheet = workbook.create_sheet(name)
        with (SAMPLE_BANKS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            for record in csv.reader(handle):
                sheet.append(record)
    path = tmp_path / "banks.xlsx"
    workbook.save(path)

    assert EmbeddedSource(path).current_version() == EmbeddedSource().current_version()


def test_bad_folder_raises(tmp_path: Path) -> None:
    source = EmbeddedSource(tmp_path)

    with pytest.raises(DataFileError) as caught:
        source.load()
    assert len(caught.value.problems) == 3
