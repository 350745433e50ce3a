"""The `bng-optimiser metric` command on the example workbook and on bad files."""

from __future__ import annotations

import json

import pytest

from bng_optimiser.cli.main import main

from .builders import MetricWorkbook, Row
from .conftest import EXAMPLE_WORKBOOK


def test_metric_command_example_table(capsys):
    assert main(["metric", str(EXAMPLE_WORKBOOK)]) == 0
    output = capsys.readouterr().out
    assert "nothing to buy: on-site surplus covers" in output
    assert "6.84135" in output
    # 0.188883600 rounded to 6 decimal places.
    assert "SUO-eligible surplus: 0.188884 area units" in output


def test_metric_command_example_json(capsys):
    assert main(["metric", str(EXAMPLE_WORKBOOK), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["demand"] == []
    assert result["ledgers"]["area"]["baseline_units"] == pytest.approx(6.84135)
    assert result["ledgers"]["hedgerow"]["baseline_units"] == pytest.approx(0.052)
    assert result["ledgers"]["watercourse"]["baseline_units"] == 0


def test_metric_command_lists_demand(tmp_path, capsys):
    path = tmp_path / "metric.xlsx"
    path.write_bytes(
        MetricWorkbook(
            area=[Row("Grassland - Modified grassland", "Low", -1.25)],
            baselines={"area": 0.0, "hedgerow": 0.0, "watercourse": 0.0},
        ).to_bytes()
    )
    assert main(["metric", str(path)]) == 0
    output = capsys.readouterr().out
    assert "M1    area               1.25  Grassland - Modified grassland" in output


def test_metric_command_bad_file_exit_2(tmp_path, capsys):
    path = tmp_path / "demand.xlsx"
    path.write_text("habitat,units\n")
    assert main(["metric", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: 'demand.xlsx' is not an Excel workbook")
    assert "Traceback" not in captured.err


SITE = ["--lpa", "E60000016", "--nca", "61"]


def test_quote_from_example_nothing_to_buy(capsys):
    assert main(["quote", "--metric", str(EXAMPLE_WORKBOOK), *SITE]) == 0
    output = capsys.readouterr().out
    assert output.startswith("nothing to buy: on-site surplus covers every deficit")
    assert "area 0.684135, hedgerow 0.0052" in output


def test_quote_from_metric_uses_demand_and_suo(tmp_path, capsys):
    path = tmp_path / "metric.xlsx"
    path.write_bytes(
        MetricWorkbook(
            area=[
                Row("Wetland - Reedbeds", "High", 3),
                Row("Grassland - Lowland calcareous grassland", "High", -1),
            ],
            baselines={"area": 10.0, "hedgerow": 0.0, "watercourse": 0.0},
        ).to_bytes()
    )
    assert main(["quote", "--metric", str(path), *SITE, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    # Calcareous grassland (High) needs the same habitat, so its 1 unit is demand. Reedbeds
    # covers the 10 x 0.1 = 1 requirement and leaves 2 SUO units:
    # f = min(0.5 x 2 / 1, 0.60) = 0.60 of the subtotal.
    assert [(line["demand_habitat"], line["units"]) for line in result["lines"]] == [
        ("Grassland - Lowland calcareous grassland", pytest.approx(1.0))
    ]
    assert result["suo_discount"] == pytest.approx(0.6 * result["subtotal"])

    assert main(["quote", "--metric", str(path), *SITE, "--json", "--suo-surplus", "0.5"]) == 0
    result = json.loads(capsys.readouterr().out)
    # An explicit --suo-surplus wins: f = min(0.5 x 0.5 / 1, 0.60) = 0.25.
    assert result["suo_discount"] == pytest.approx(0.25 * result["subtotal"])


def test_quote_with_bad_metric_file_exit_2(tmp_path, capsys):
    path = tmp_path / "metric.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(100))
    assert main(["quote", "--metric", str(path), *SITE]) == 2
    assert "password protected or encrypted" in capsys.readouterr().err
