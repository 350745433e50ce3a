"""Demand input of the `quote` command: strict numbers, several files and their messages."""

from __future__ import annotations

from pathlib import Path

import pytest

SITE = ("--lpa", "E60000016", "--nca", "61")


def write_demand(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("units", ["1,5", "1,000", "1_0", "0x10", "1.5.2", "½", "١", ""])
def test_demand_csv_units_not_number(run_cli, tmp_path: Path, units: str) -> None:
    demand = write_demand(tmp_path, "demand.csv", f'habitat,units\nNative hedgerow,"{units}"\n')
    run = run_cli("quote", *SITE, "--demand", demand)

    assert run.status == 2
    assert run.out == ""
    assert f"demand.csv:2: units {units!r} is not a number" in run.err


@pytest.mark.parametrize("units", ["1,5", "1_0", "1 000"])
def test_habitat_flag_units_not_number(run_cli, units: str) -> None:
    run = run_cli("quote", *SITE, "--habitat", f"Native hedgerow={units}")

    assert run.status == 2
    assert f"--habitat 'Native hedgerow={units}': units {units!r} is not a number" in run.err


@pytest.mark.parametrize("units", ["inf", "-inf", "nan", "NaN", "Infinity", "1e999"])
def test_units_must_be_finite(run_cli, units: str) -> None:
    run = run_cli("quote", *SITE, "--habitat", f"Native hedgerow={units}")

    assert run.status == 2
    assert f"units {units!r} must be a finite number" in run.err


def test_units_above_maximum(run_cli) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Native hedgerow=1e308")

    assert run.status == 2
    assert run.err == (
        "error: --habitat 'Native hedgerow=1e308': units '1e308' is more than the maximum "
        "of 100,000\n"
    )


@pytest.mark.parametrize(("units", "expected"), [("1.5", 1.5), ("2e-1", 0.2), (".5", 0.5),
                                                 ("+3", 3.0), ("1.", 1.0)])
def test_plain_decimal_units_accepted(run_cli, tmp_path: Path, units: str,
                                      expected: float) -> None:
    demand = write_demand(tmp_path, "demand.csv", f"habitat,units\nNative hedgerow,{units}\n")
    run = run_cli("quote", *SITE, "--demand", demand, "--json")

    assert run.status == 0
    assert run.json()["total_units"] == pytest.approx(expected)


@pytest.mark.parametrize(("value", "message"), [
    ("-3", "--suo-surplus '-3' must be from 0 to 100,000 units of surplus"),
    ("1,5", "--suo-surplus '1,5' is not a number; write it like 0.5 or 12"),
    ("nan", "--suo-surplus 'nan' must be a finite number"),
])
def test_bad_suo_surplus_names_flag(run_cli, value: str, message: str) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Native hedgerow=0.2", "--suo-surplus", value)

    assert run.status == 2
    assert run.err == f"error: {message}\n"
    assert "suo_surplus_units" not in run.err


def test_two_demand_files_combined(run_cli, tmp_path: Path, tiny_banks: Path) -> None:
    first = write_demand(tmp_path, "first.csv",
                         "habitat,units\nGrassland - Other neutral grassland,0.5\n")
    second = write_demand(tmp_path, "second.csv", "habitat,units,row_id\nNative hedgerow,0.2,H1\n")
    run = run_cli("quote", *SITE, "--demand", first, "--demand", second, "--banks", tiny_banks,
                  "--json")
    result = run.json()

    assert run.status == 0
    # Rows keep the order of the files; the first file's row gets the positional id R1.
    assert [line["row_id"] for line in result["lines"]] == ["R1", "H1"]
    # 0.5 + 0.2 = 0.7 units; 0.5 x 29,600 (adjacent pair) + 0.2 x 15,000 = 14,800 + 3,000.
    assert result["total_units"] == pytest.approx(0.7)
    assert result["subtotal"] == pytest.approx(17_800)


def test_row_id_repeated_across_files(run_cli, tmp_path: Path) -> None:
    first = write_demand(tmp_path, "first.csv", "habitat,units,row_id\nNative hedgerow,0.2,X1\n")
    second = write_demand(tmp_path, "second.csv",
                          "habitat,units,row_id\nNative hedgerow,0.1,X2\nNative hedgerow,0.3,X1\n")
    run = run_cli("quote", *SITE, "--demand", first, "--demand", second)

    assert run.status == 2
    assert run.err == (
        "error: second.csv:3: row_id 'X1' is already used on first.csv:2; row ids must be unique\n"
    )


def test_row_id_repeated_in_file(run_cli, tmp_path: Path) -> None:
    demand = write_demand(tmp_path, "dup.csv",
                          "habitat,units,row_id\nNative hedgerow,0.2,X1\nNative hedgerow,0.3,X1\n")
    run = run_cli("quote", *SITE, "--demand", demand)

    assert run.status == 2
    assert run.err == (
        "error: dup.csv:3: row_id 'X1' is already used on dup.csv:2; row ids must be unique\n"
    )


def test_same_demand_file_twice(run_cli, tmp_path: Path) -> None:
    demand = write_demand(tmp_path, "demand.csv", "habitat,units\nNative hedgerow,0.2\n")
    run = run_cli("quote", *SITE, "--demand", demand, "--demand", demand)

    assert run.status == 2
    assert f"--demand {str(demand)!r} is given twice" in run.err


def test_extra_field_reported(run_cli, tmp_path: Path) -> None:
    demand = write_demand(tmp_path, "demand.csv",
                          "habitat,units\nNative hedgerow,0.2\nNative hedgerow,1,5\n")
    run = run_cli("quote", *SITE, "--demand", demand)

    assert run.status == 2
    assert run.err.startswith(
        "error: demand.csv:3: 3 fields but the header has 2 columns (habitat,units)"
    )


def test_request_json_repeated_row_id(run_cli, tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(
        '{"lpa_code": "E60000016", "nca_number": 61, "demand": ['
        '{"habitat": "Native hedgerow", "units": 0.2, "row_id": "X1"},'
        '{"habitat": "Native hedgerow", "units": 0.3, "row_id": "X1"}]}',
        encoding="utf-8",
    )
    run = run_cli("quote", "--request", request)

    assert run.status == 2
    assert run.err == (
        "error: request.json: demand row_id 'X1' is used twice; row ids must be unique\n"
    )


def test_workbook_as_demand_rejected(run_cli, tiny_workbook: Path) -> None:
    run = run_cli("quote", *SITE, "--demand", tiny_workbook)

    assert run.status == 2
    assert run.err == (
        f"error: demand file {str(tiny_workbook)!r} is a workbook: use --metric for a "
        "statutory metric workbook, or save the demand as CSV\n"
    )


def test_workbook_as_request_rejected(run_cli, tiny_workbook: Path) -> None:
    run = run_cli("quote", "--request", tiny_workbook)

    assert run.status == 2
    assert run.err == (
        f"error: request file {str(tiny_workbook)!r} is a workbook: use --metric for a "
        "statutory metric workbook, or write the request as JSON\n"
    )


def test_json_without_database_has_no_reference(run_cli) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Native hedgerow=0.2", "--json")

    assert run.status == 0
    assert "reference" not in run.json()
    assert run.err == ""


def test_request_json_units_above_maximum(run_cli, tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(
        '{"lpa_code": "E60000016", "nca_number": 61, '
        '"demand": [{"habitat": "Native hedgerow", "units": 1e308}]}',
        encoding="utf-8",
    )
    run = run_cli("quote", "--request", request)

    assert run.status == 2
    assert run.err == (
        "error: request.json: demand.0.units: must be at most 100,000, got 1e+308\n"
    )


def test_large_workbook_named_as_workbook(run_cli, tmp_path: Path) -> None:
    # A zip signature followed by 2 MB, twice the input size limit.
    workbook = tmp_path / "banks.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(2_000_000))
    run = run_cli("quote", *SITE, "--demand", workbook)

    assert run.status == 2
    assert "is a workbook: use --metric" in run.err
    assert "larger than the limit" not in run.err
