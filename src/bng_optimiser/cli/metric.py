"""The `metric` command: the demand a Statutory Biodiversity Metric workbook leaves to buy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bng_optimiser.cli.main import EXIT_BAD_INPUT, EXIT_OK
from bng_optimiser.domain.embedded import load_static
from bng_optimiser.domain.exceptions import InvalidInputError
from bng_optimiser.domain.metric import MetricDemand, read_metric


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metric",
        help="show the demand a statutory metric workbook leaves after on-site offsetting",
        description=(
            "Read a completed Statutory Biodiversity Metric workbook (.xlsx or .xlsm) and show "
            "the demand left after on-site surplus offsets deficits and the net gain "
            "requirement, with baselines, the offset log, SUO-eligible surplus and warnings."
        ),
    )
    parser.add_argument("file", type=Path, help="metric workbook, .xlsx or .xlsm")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run_metric)


def run_metric(args: argparse.Namespace) -> int:
    catalogue, _ = load_static()
    try:
        metric = read_metric(args.file, catalogue)
    except InvalidInputError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_BAD_INPUT
    if args.json:
        sys.stdout.write(metric.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(format_metric(metric, args.file.name))
    return EXIT_OK


def format_units(value: float) -> str:
    """Format biodiversity units to 6 decimal places without trailing zeros."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_metric(metric: MetricDemand, file_name: str) -> str:
    """Render the result as plain text tables for a person."""
    lines = [f"Demand from metric workbook {file_name!r}", ""]

    lines.append(
        f"{'ledger':<12} {'baseline':>10} {'target':>7} {'required':>10} {'deficit':>10} "
        f"{'surplus':>10} {'offset':>10} {'net gain':>10}"
    )
    for summary in metric.ledgers.values():
        target = f"{summary.target * 100:g} %" + ("" if summary.target_from_workbook else "*")
        lines.append(
            f"{summary.ledger.value:<12} {format_units(summary.baseline_units):>10} "
            f"{target:>7} {format_units(summary.requirement_units):>10} "
            f"{format_units(summary.deficit_units):>10} {format_units(summary.surplus_units):>10} "
            f"{format_units(summary.offset_units):>10} {format_units(summary.net_gain_units):>10}"
        )
    if not all(s.target_from_workbook for s in metric.ledgers.values()):
        lines.append("* the workbook states no target, so the default of 10 % is used")
    lines.append("")

    lines.append("Demand to buy:")
    if metric.demand:
        for row in metric.demand:
            lines.append(
                f"  {row.row_id:<5} {row.ledger.value:<12} {format_units(row.units):>10}  "
                f"{row.habitat}"
            )
    else:
        lines.append("  nothing to buy: on-site surplus covers " + covered_text(metric))
    lines.append("")

    lines.append("On-site offsets:")
    for entry in metric.offsets:
        band = f" ({entry.covered_band})" if entry.covered_band else ""
        lines.append(
            f"  {entry.ledger.value:<12} {format_units(entry.units):>10}  {entry.surplus_habitat} "
            f"({entry.surplus_band}) -> {entry.covered}{band}"
        )
    if not metric.offsets:
        lines.append("  none")
    lines.append("")

    lines.append(f"SUO-eligible surplus: {format_units(metric.suo_surplus_units)} area units")
    if metric.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  - {warning}" for warning in metric.warnings)
    return "\n".join(lines) + "\n"


def covered_text(metric: MetricDemand) -> str:
    """Describe what on-site surplus covered, for the 'nothing to buy' line."""
    requirements = ", ".join(
        f"{s.ledger.value} {format_units(s.requirement_units)}" for s in metric.ledgers.values()
    )
    return f"every deficit and the net gain requirement ({requirements} units)"
