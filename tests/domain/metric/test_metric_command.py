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
