"""Same input, same output: repeated quotes agree line for line."""

from __future__ import annotations

from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import EXAMPLES, make_request


def comparable(result):
    """The result without its solver time, which varies between runs."""
    return result.model_dump(exclude={"solve_seconds"})


def test_examples_repeat_exactly():
    for build in EXAMPLES.values():
        example = build()
        first = quote(example.request, example.reference)
        second = quote(example.request, example.reference)
        assert comparable(first) == comparable(second), example.name


def test_sample_banks_repeat_exactly():
    reference = EmbeddedSource().load()
    request = make_request(
        [
            ("Grassland - Other neutral grassland", 1.3),
            ("Net Gain (Low-equivalent)", 0.8),
            ("Native hedgerow", 0.25),
            ("Net Gain (Hedgerows)", 0.1),
        ]
    )
    runs = [comparable(quote(request, reference)) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["lines"]


def test_progress_stages_in_order():
    example = EXAMPLES["mixed_ledgers"]()
    calls = []
    quote(
        example.request, example.reference, progress=lambda stage, pct: calls.append((stage, pct))
    )
    stages = [stage for stage, _ in calls]
    assert stages == [
        "building options",
        "building options",
        "solving",
        "solving",
        "totals",
        "totals",
    ]
    assert calls[-1] == ("totals", 100)
