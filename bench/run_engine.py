"""Time the quote engine on the seeded instances and print a Markdown table.

Run from the repository root:

    .venv/bin/python -m bench.run_engine [--sizes small medium ... tight] [--runs 7]

Stage times come from the engine's progress callback. Option building runs from
"building options" 0 % to 100 % and solving from "solving" 0 % to 100 %. End to end is the
whole `quote()` call, which also covers name lookups and totals. The 500-row "many"
instance reaches the solver time limit, so it runs only when named: `--sizes many`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from bng_optimiser.domain.engine import quote

from .instances import INSTANCE_NAMES, MANY, Instance, build_instance

# Targets for the whole `quote()` call, in milliseconds.
TARGET_MS = {"medium": 50.0, "xlarge": 1_000.0, "huge": 10_000.0}


@dataclass(frozen=True)
class Timing:
    """Milliseconds spent in each stage of one quote."""

    options_ms: float
    solve_ms: float
    total_ms: float


@dataclass(frozen=True)
class SizeReport:
    """Median stage times over the runs of one size, with the quote they produced."""

    instance: Instance
    runs: int
    options_ms: float
    solve_ms: float
    total_ms: float
    cost: float
    status: str
    banks_used: int


def time_quote(instance: Instance) -> tuple[Timing, float, str, int]:
    """Quote once; return the timing, the total in GBP, the status and the banks used.

    The status names how many rows are blocked, if any, as "manual_review, 8 blocked".
    """
    marks: dict[tuple[str, int], float] = {}

    def progress(stage: str, percent: int) -> None:
        marks[(stage, percent)] = time.perf_counter()

    started = time.perf_counter()
    result = quote(instance.request, instance.reference, progress=progress)
    finished = time.perf_counter()

    def span(stage: str) -> float:
        return (marks[(stage, 100)] - marks[(stage, 0)]) * 1000

    timing = Timing(span("building options"), span("solving"), (finished - started) * 1000)
    status = result.status
    if result.blocked:
        status = f"{status}, {len(result.blocked)} blocked"
    return timing, result.total, status, len(result.banks_used)


def run_size(size: str, runs: int) -> SizeReport:
    """Quote one size `runs` times, after one untimed warm-up run when `runs` is above 1.

    A single run has no warm-up, so a slow size costs one quote's time rather than two.
    """
    instance = build_instance(size)
    if runs > 1:
        time_quote(instance)
    timings = []
    for _ in range(runs):
        timing, cost, status, banks_used = time_quote(instance)
        timings.append(timing)

    def median(pick: Callable[[Timing], float]) -> float:
        return statistics.median(pick(t) for t in timings)

    return SizeReport(
        instance=instance,
        runs=runs,
        options_ms=median(lambda t: t.options_ms),
        solve_ms=median(lambda t: t.solve_ms),
        total_ms=median(lambda t: t.total_ms),
        cost=cost,
        status=status,
        banks_used=banks_used,
    )


TABLE_HEADER = (
    "| size | banks | stock lines | rows | runs | options ms | solve ms | end to end ms "
    "| total £ | status | banks used | target | met |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|"
)


def format_row(report: SizeReport) -> str:
    """Return one Markdown table row, with the size's target and whether it is met."""
    reference = report.instance.reference
    target = TARGET_MS.get(report.instance.name)
    target_text = ""
    met = ""
    if target:
        target_text = f"< {target:,.0f} ms"
        met = "yes" if report.total_ms < target else "NO"
    return (
        f"| {report.instance.name} | {len(reference.banks):,} | {len(reference.stock):,} "
        f"| {len(report.instance.request.demand)} | {report.runs} "
        f"| {report.options_ms:,.1f} | {report.solve_ms:,.1f} | {report.total_ms:,.1f} "
        f"| {report.cost:,.2f} | {report.status} | {report.banks_used} | {target_text} "
        f"| {met} |"
    )


def format_report(reports: list[SizeReport]) -> str:
    """Return the Markdown table of every size."""
    return "\n".join([TABLE_HEADER, *(format_row(report) for report in reports)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the quote engine on seeded instances.")
    parser.add_argument(
        "--sizes",
        nargs="+",
        choices=list(INSTANCE_NAMES),
        # The many-rows instance runs to the solver time limit, so only on request.
        default=[name for name in INSTANCE_NAMES if name != MANY],
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per size (median)")
    parser.add_argument("--xlarge-runs", type=int, default=3, help="timed runs of size xlarge")
    parser.add_argument("--huge-runs", type=int, default=1, help="timed runs of size huge")
    parser.add_argument(
        "--tight-runs", type=int, default=3, help="timed runs of the tight-stock instance"
    )
    parser.add_argument("--many-runs", type=int, default=3, help="timed runs of size many")
    args = parser.parse_args(argv)

    # Each row is written as soon as its size finishes, so a slow size loses no earlier rows.
    sys.stdout.write(TABLE_HEADER + "\n")
    sys.stdout.flush()
    for size in args.sizes:
        runs = {
            "xlarge": args.xlarge_runs,
            "huge": args.huge_runs,
            "tight": args.tight_runs,
            MANY: args.many_runs,
        }.get(size, args.runs)
        report = run_size(size, runs)
        sys.stderr.write(f"{size}: {report.instance.summary}, median {report.total_ms:,.1f} ms\n")
        sys.stdout.write(format_row(report) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
