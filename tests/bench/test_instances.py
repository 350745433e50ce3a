"""Benchmark instances: seeded, of the stated sizes, and quotable."""

from __future__ import annotations

import pytest
from bench.instances import SIZES, build_instance
from bench.run_engine import format_report, run_size

from bng_optimiser.domain.engine import quote


def test_same_seed_same_instance() -> None:
    first = build_instance("small")
    second = build_instance("small")

    assert first.reference.version == second.reference.version
    assert first.request == second.request


def test_sizes_have_stated_counts() -> None:
    for size in ("small", "medium"):
        instance = build_instance(size)
        banks, rows = SIZES[size]
        assert len(instance.reference.banks) == banks
        assert len(instance.request.demand) == rows


def test_small_instance_quotes() -> None:
    instance = build_instance("small")
    result = quote(instance.request, instance.reference)

    assert result.status == "quoted"
    assert [line.row_id for line in result.lines] == ["R1", "R2", "R3"]


def test_unknown_size_rejected() -> None:
    with pytest.raises(ValueError, match="benchmark size 'tiny' is not one of small, medium"):
        build_instance("tiny")


def test_report_table_marks_targets() -> None:
    table = format_report([run_size("small", 1)])
    lines = table.splitlines()

    assert lines[0].startswith("| size | banks | stock lines | rows |")
    assert lines[2].startswith("| small | 5 |")
    # Small has no target, so its target and met cells are empty.
    assert lines[2].endswith("|  |  |")
