"""The `quote` command: output, exit status and messages for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, REPO

SITE = ("--lpa", "E60000016", "--nca", "61")
TINY_DEMAND = ("--habitat", "Grassland - Other neutral grassland=0.5",
               "--habitat", "Native hedgerow=0.2")


def test_user_banks_hand_computed(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks, "--json")
    result = run.json()

    assert run.status == 0
    assert result["status"] == "quoted"
    # 0.5 + 0.2 = 0.7 units of demand: small contract (0.1 <= T < 2.5), admin fee 500.
    assert result["contract_size"] == "small"
    grassland, hedgerow = result["lines"]
    # Adjacent pair at A1: 0.75 x 32,800 + 0.25 x 20,000 = 29,600 per unit, cheaper than
    # local L1 at 30,000 and far F1 at 45,000. 0.5 x 29,600 = 14,800.
    assert grassland["bank_id"] == "A1"
    assert grassland["paired"] is True
    assert grassland["tier"] == "adjacent"
    assert grassland["unit_price"] == pytest.approx(29_600)
    assert grassland["cost"] == pytest.approx(14_800)
    # Companion draws 1/3 per unit at adjacent: 0.5 / 3 = 0.1667 units of A1-2.
    assert grassland["stock_drawn"]["A1-1"] == pytest.approx(0.5)
    assert grassland["stock_drawn"]["A1-2"] == pytest.approx(0.5 / 3)
    # Only L1 stocks hedgerow: 0.2 x 15,000 = 3,000.
    assert hedgerow["bank_id"] == "L1"
    assert hedgerow["cost"] == pytest.approx(3_000)
    # 14,800 + 3,000 = 17,800 subtotal, + 500 admin fee = 18,300.
    assert result["subtotal"] == pytest.approx(17_800)
    assert result["admin_fee"] == pytest.approx(500)
    assert result["total"] == pytest.approx(18_300)


def test_person_output_has_every_section(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks)

    assert run.status == 0
    assert "Site: Cheshire West and Chester (E60000016), NCA 61" in run.out
    assert f"Reference data: {tiny_banks}" in run.out
    assert "Paired parts" in run.out
    assert "A1-2" in run.out
    assert "£17,800.00" in run.out
    assert "£18,300.00" in run.out
    # Client view rounds unit prices to the nearest 50 and costs to whole pounds: 29,600 and
    # 14,800 stay, the total is 14,800 + 3,000 + 500 = 18,300.
    assert "Total      £18,300" in run.out
    assert run.err == ""


def test_percentage_discount_scales_prices(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks,
                  "--discount", "percentage:10", "--json")
    result = run.json()

    # Every unit price x 0.9: pair 29,600 -> 26,640, hedgerow 15,000 -> 13,500.
    # 0.5 x 26,640 + 0.2 x 13,500 = 13,320 + 2,700 = 16,020, + 500 admin fee = 16,520.
    assert run.status == 0
    assert result["lines"][0]["unit_price"] == pytest.approx(26_640)
    assert result["subtotal"] == pytest.approx(16_020)
    assert result["total"] == pytest.approx(16_520)


def test_workbook_banks_match_folder(run_cli, tiny_banks: Path, tiny_workbook: Path) -> None:
    from_folder = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks, "--json").json()
    from_workbook = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_workbook, "--json")

    assert from_workbook.status == 0
    result = from_workbook.json()
    assert result["total"] == pytest.approx(18_300)
    assert result["reference_version"] == from_folder["reference_version"]


def test_manual_review_exits_3(run_cli, tiny_banks: Path) -> None:
    # L1 has 1 unit of hedgerow and no other bank stocks it, so 1.5 units cannot be met.
    run = run_cli("quote", *SITE, "--habitat", "Native hedgerow=1.5",
                  "--habitat", "Grassland - Other neutral grassland=0.5", "--banks", tiny_banks)

    assert run.status == 3
    assert "Status: MANUAL REVIEW needed" in run.out
    assert "Blocked rows (manual review)" in run.out
    assert "R1   Native hedgerow" in run.out


def test_priority_watercourse_exits_3(run_cli) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Priority habitat=0.1", "--json")

    assert run.status == 3
    result = run.json()
    assert result["status"] == "manual_review"
    assert result["blocked"][0]["code"] == "bespoke_compensation"


def test_unknown_habitat_suggests_name(run_cli) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Grasland - Modified=1")

    assert run.status == 2
    assert run.out == ""
    assert "unknown habitat 'Grasland - Modified'" in run.err
    assert "did you mean 'Grassland - Modified grassland'" in run.err
    assert "Traceback" not in run.err


def test_every_input_problem_listed(run_cli) -> None:
    run = run_cli("quote", "--lpa", "Cheshire West", "--nca", "611", "--waterbody", "GB1",
                  "--habitat", "Native hedgerow=-1", "--habitat", "nothing")

    assert run.status == 2
    assert run.err.startswith("error: 5 problems in the input:\n")
    assert "unknown LPA 'Cheshire West'; did you mean" in run.err
    assert "'Cheshire West and Chester (E60000016)'" in run.err
    assert "unknown NCA '611'" in run.err
    assert "unknown waterbody id 'GB1'" in run.err
    assert "--habitat 'Native hedgerow=-1': units '-1' must be a number greater than 0" in run.err
    assert "--habitat 'nothing': expected NAME=UNITS" in run.err


def test_demand_csv_rows_with_lines(run_cli, tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text(
        "habitat,units\n"
        "Native hedgerow,0.3\n"
        "Grasland - Modified,1\n"
        "\n"
        "Native hedgerow,abc\n"
        ",2\n",
        encoding="utf-8",
    )
    run = run_cli("quote", *SITE, "--demand", demand)

    assert run.status == 2
    assert "demand.csv:3: unknown habitat 'Grasland - Modified'" in run.err
    assert "demand.csv:5: units 'abc' is not a number" in run.err
    assert "demand.csv:6: habitat is empty" in run.err
    assert "demand.csv:2" not in run.err


def test_demand_csv_missing_column(run_cli, tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text("habitat,amount\nNative hedgerow,1\n", encoding="utf-8")
    run = run_cli("quote", *SITE, "--demand", demand)

    assert run.status == 2
    assert "demand.csv:1: missing column units" in run.err


def test_bad_bank_rows_listed(run_cli, tiny_banks: Path) -> None:
    stock = tiny_banks / "stock.csv"
    stock.write_text(
        stock.read_text(encoding="utf-8")
        + "X-1,ZZ,Native hedgerow,1,0\nX-2,L1,Hedge,-1,0\n",
        encoding="utf-8",
    )
    run = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks)

    assert run.status == 2
    assert "stock.csv:7: unknown bank_id 'ZZ'" in run.err
    assert "stock.csv:8: habitat: unknown habitat 'Hedge'" in run.err
    assert "stock.csv:8: units_available '-1' is negative" in run.err
    assert "Traceback" not in run.err


def test_request_json_output_shape(run_cli) -> None:
    run = run_cli("quote", "--request", EXAMPLES / "request_cheshire.json", "--json")
    result = run.json()
    request = json.loads((EXAMPLES / "request_cheshire.json").read_text(encoding="utf-8"))

    assert run.status == 0
    expected_keys = {"status", "contract_size", "priced_contract_size", "total_units",
                     "subtotal", "suo_discount", "admin_fee", "total", "banks_used", "lines",
                     "manual_lines", "blocked", "warnings", "reference_version",
                     "solver_status", "solve_seconds"}
    assert expected_keys <= set(result)
    assert [line["row_id"] for line in result["lines"]] == [
        row["row_id"] for row in request["demand"]
    ]
    # 2.4 + 0.9 + 0.75 + 1.1 + 0.85 + 0.42 + 0.08 = 6.5 units: medium contract, up to 5 banks.
    assert result["total_units"] == pytest.approx(6.5)
    assert result["contract_size"] == "medium"
    assert len(result["banks_used"]) <= 5
    # SUO fraction = 0.5 x 0.6 surplus / 6.5 units supplied = 0.04615.
    assert result["suo_discount"] == pytest.approx(result["subtotal"] * 0.5 * 0.6 / 6.5)
    total = result["subtotal"] - result["suo_discount"] + result["admin_fee"]
    assert result["total"] == pytest.approx(total)
    assert any(line["paired"] for line in result["lines"])


def test_example_csv_matches_request_json(run_cli) -> None:
    from_csv = run_cli("quote", *SITE, "--waterbody", "GB112068060280", "--demand",
                       EXAMPLES / "demand_cheshire.csv", "--suo-surplus", "0.6", "--json").json()
    from_json = run_cli("quote", "--request", EXAMPLES / "request_cheshire.json", "--json").json()

    assert from_csv["total"] == pytest.approx(from_json["total"])
    assert [line["bank_id"] for line in from_csv["lines"]] == [
        line["bank_id"] for line in from_json["lines"]
    ]


def test_invalid_json_names_position(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text('{"lpa_code": "E60000016",\n "nca_number": }', encoding="utf-8")
    run = run_cli("quote", "--request", path)

    assert run.status == 2
    assert run.err.startswith("error: request.json:2:16: invalid JSON: Expecting value")


def test_request_validation_names_fields(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({
        "lpa_code": "E60000016",
        "nca_number": 61,
        "demand": [{"habitat": "Native hedgerow", "units": 0}],
        "colour": "green",
    }), encoding="utf-8")
    run = run_cli("quote", "--request", path)

    assert run.status == 2
    assert "request.json: demand.0.units: must be a number greater than 0, got 0" in run.err
    assert "request.json: colour: Extra inputs are not permitted (got 'green')" in run.err


def test_request_names_checked(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps({
        "lpa_code": "E60000016",
        "nca_number": 61,
        "demand": [{"habitat": "Grasland - Modified", "units": 1, "row_id": "G1"}],
    }), encoding="utf-8")
    run = run_cli("quote", "--request", path)

    assert run.status == 2
    assert "demand row G1: unknown habitat 'Grasland - Modified'; did you mean" in run.err


def test_request_with_site_flags_rejected(run_cli) -> None:
    run = run_cli("quote", "--request", EXAMPLES / "request_cheshire.json", "--lpa", "E60000016",
                  "--discount", "tier_up")

    assert run.status == 2
    assert "drop --lpa, --discount" in run.err


def test_bad_discount_rejected(run_cli) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Native hedgerow=0.2", "--discount", "half")

    assert run.status == 2
    assert "--discount 'half' is invalid; use tier_up, percentage:N" in run.err


def test_missing_file_rejected(run_cli, tmp_path: Path) -> None:
    run = run_cli("quote", *SITE, "--demand", tmp_path / "absent.csv")

    assert run.status == 2
    assert "demand file" in run.err
    assert "cannot be read: No such file or directory" in run.err


def test_installed_command_runs(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "bng-optimiser"
    completed = subprocess.run(
        [str(command), "quote", *SITE, "--waterbody", "GB112068060280",
         "--demand", str(EXAMPLES / "demand_cheshire.csv")],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "Totals" in completed.stdout
    assert "Client view" in completed.stdout


def test_hold_policy_reaches_engine(run_cli, tiny_banks: Path) -> None:
    stock = tiny_banks / "stock.csv"
    # L1 holds 0.9 of its 1 unit of hedgerow for open quotes.
    stock.write_text(
        stock.read_text(encoding="utf-8").replace("L1-2,L1,Native hedgerow,1,0",
                                                  "L1-2,L1,Native hedgerow,1,0.9"),
        encoding="utf-8",
    )
    ignore = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks, "--json")
    hold_all = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tiny_banks, "--json",
                       "--hold-policy", "hold_all")

    # ignore: 1 unit available >= 0.2 demanded. hold_all: 1 - 0.9 = 0.1 < 0.2, so blocked.
    assert ignore.status == 0
    assert hold_all.status == 3
    assert [b["row_id"] for b in hold_all.json()["blocked"]] == ["R2"]


def test_contract_size_override(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, "--habitat", "Native hedgerow=0.05", "--banks", tiny_banks,
                  "--contract-size", "medium", "--json")
    result = run.json()

    # 0.05 units alone would be fractional (admin fee 300); the override makes it medium (500).
    # 0.05 x 15,000 = 750, + 500 = 1,250.
    assert result["contract_size"] == "medium"
    assert result["admin_fee"] == pytest.approx(500)
    assert result["total"] == pytest.approx(1_250)


def test_missing_bank_folder_rejected(run_cli, tmp_path: Path) -> None:
    run = run_cli("quote", *SITE, *TINY_DEMAND, "--banks", tmp_path / "absent")

    assert run.status == 2
    assert "absent: not found; give a folder with banks.csv, stock.csv and prices.csv" in run.err


def test_bad_choice_exits_2(run_cli) -> None:
    with pytest.raises(SystemExit) as caught:
        run_cli("quote", *SITE, *TINY_DEMAND, "--hold-policy", "keep")

    assert caught.value.code == 2
