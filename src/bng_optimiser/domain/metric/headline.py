"""Baseline units and net gain targets from a metric workbook's Headline Results sheet."""

from __future__ import annotations

from typing import Any

from ..catalogue import Ledger
from ..exceptions import InvalidInputError
from .cells import cell, fold_text, sheet_rows, to_number
from .models import HeadlineFigures

DEFAULT_TARGET = 0.10

# Row labels of the headline table after `fold_text`, in the order they are tried.
_UNIT_LABELS: tuple[tuple[str, Ledger], ...] = (
    ("hedgerow", Ledger.HEDGEROW),
    ("watercourse", Ledger.WATERCOURSE),
    ("river", Ledger.WATERCOURSE),
    ("habitat units", Ledger.AREA),
)


def read_headline(
    worksheet: Any, sheet_name: str
) -> tuple[dict[Ledger, HeadlineFigures], list[str]]:
    """Read baseline units and the net gain target of each ledger from Headline Results.

    The target table ('Unit Type', 'Target', 'Baseline Units') is preferred. Without it, the
    'On-site baseline' block gives the baselines and the target is 10 %. A target cell of 0.15
    or '15%' means 15 %; a number above 1 is taken as a percentage.
    """
    notes: list[str] = []
    rows = list(sheet_rows(worksheet, sheet_name, notes))
    figures = _read_target_table(rows, sheet_name)
    for ledger, baseline in _read_baseline_block(rows).items():
        if ledger not in figures:
            figures[ledger] = HeadlineFigures(baseline, DEFAULT_TARGET, target_from_workbook=False)
    if not figures:
        raise InvalidInputError(
            f"sheet {sheet_name!r} has no baseline units: expected a table with 'Target' and "
            "'Baseline Units' columns or an 'On-site baseline' block with 'Habitat units'. A "
            "workbook written by a program and never opened in Excel has no saved formula "
            "results; open it in Excel, save it and try again"
        )
    for ledger in Ledger:
        if ledger not in figures:
            notes.append(
                f"sheet {sheet_name!r} gives no {ledger.value} baseline; 0 units are assumed"
            )
            figures[ledger] = HeadlineFigures(0.0, DEFAULT_TARGET, target_from_workbook=False)
    return figures, notes


def _ledger_of_label(values: tuple, before: int) -> Ledger | None:
    for value in values[:before]:
        if isinstance(value, str):
            text = fold_text(value)
            if "units" not in text:
                continue
            for word, ledger in _UNIT_LABELS:
                if word in text:
                    return ledger
    return None


def _read_target_table(
    rows: list[tuple[int, tuple]], sheet_name: str
) -> dict[Ledger, HeadlineFigures]:
    figures: dict[Ledger, HeadlineFigures] = {}
    for position, (_, values) in enumerate(rows):
        texts = [fold_text(v) if isinstance(v, str) else "" for v in values]
        target_col = next((i for i, t in enumerate(texts) if t == "target"), None)
        baseline_col = next(
            (i for i, t in enumerate(texts) if t.startswith("baseline units")), None
        )
        if target_col is None or baseline_col is None:
            continue
        first_col = min(target_col, baseline_col)
        # The three ledger rows follow the header, with perhaps a few blank or note rows between.
        for number, data in rows[position + 1 : position + 8]:
            ledger = _ledger_of_label(data, first_col)
            if ledger is None or ledger in figures:
                continue
            baseline = to_number(cell(data, baseline_col))
            if baseline is None:
                continue
            if baseline < 0:
                raise InvalidInputError(
                    f"sheet {sheet_name!r} row {number}: {ledger.value} baseline units are "
                    f"{baseline!r}; baseline units cannot be negative"
                )
            target = parse_target(cell(data, target_col), sheet_name, number)
            figures[ledger] = HeadlineFigures(
                baseline_units=baseline,
                target=DEFAULT_TARGET if target is None else target,
                target_from_workbook=target is not None,
            )
        if figures:
            break
    return figures


def _read_baseline_block(rows: list[tuple[int, tuple]]) -> dict[Ledger, float]:
    baselines: dict[Ledger, float] = {}
    label_col: int | None = None
    for _, values in rows:
        texts = [fold_text(v) if isinstance(v, str) else "" for v in values]
        if label_col is None:
            label_col = next(
                (i for i, t in enumerate(texts) if t.startswith("on site baseline")), None
            )
            if label_col is None:
                continue
        elif label_col < len(texts) and texts[label_col]:
            # The next block ('On-site post-intervention') starts here.
            break
        for index in range(label_col + 1, len(values)):
            ledger = _ledger_of_label((values[index],), 1)
            if ledger is None:
                continue
            number = next(
                (to_number(v) for v in values[index + 1 :] if to_number(v) is not None), None
            )
            if number is not None and number >= 0:
                baselines.setdefault(ledger, number)
            break
    return baselines


def parse_target(value: object, sheet_name: str, number: int) -> float | None:
    """Return a net gain target as a fraction, None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        percent = to_number(value.strip()[:-1])
        target = None if percent is None else percent / 100
    else:
        target = to_number(value)
        if target is not None and target > 1:
            target /= 100
    if target is None or not 0 <= target <= 1:
        raise InvalidInputError(
            f"sheet {sheet_name!r} row {number}: net gain target {value!r} is not a percentage "
            "from 0 % to 100 % (such as 0.1 or '10%')"
        )
    return target
