"""Cell reading shared by the trading summary and headline readers."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

# Trading summaries have about 300 rows. Rows past this limit are ignored with a warning, so
# a crafted sheet cannot stall a request.
MAX_SHEET_ROWS = 5_000
# Excel often stores formatted but empty rows down to row 1,048,576, and no metric table has
# a gap this long, so reading a sheet stops after this many empty rows.
MAX_EMPTY_GAP = 1_000


def sheet_rows(worksheet: Any, sheet_name: str, notes: list[str]) -> Iterator[tuple[int, tuple]]:
    """Yield (row number, values) of non-empty rows, up to MAX_SHEET_ROWS."""
    last_filled = 0
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if number - last_filled > MAX_EMPTY_GAP:
            return
        if number > MAX_SHEET_ROWS:
            notes.append(
                f"sheet {sheet_name!r} has more than {MAX_SHEET_ROWS:,} rows; rows after "
                f"{MAX_SHEET_ROWS:,} are ignored"
            )
            return
        if any(value is not None and value != "" for value in values):
            last_filled = number
            yield number, values


def to_number(value: object) -> float | None:
    """Return a finite float from a number or numeric text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def cell(values: tuple, index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def fold_text(text: str) -> str:
    """Fold case, dashes and whitespace, so 'Project-wide unit change ' reads as
    'project wide unit change'.
    """
    for dash in ("-", "–", "—"):
        text = text.replace(dash, " ")
    return " ".join(text.casefold().split())
