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
