"""Small metric workbooks written with openpyxl, laid out like the statutory tool's sheets."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import openpyxl

# Band headings in the order the statutory tool lists its sections.
SECTION_HEADINGS = {
    "V.High": "Very High Distinctiveness",
    "High": "High Distinctiveness",
    "Medium": "Medium Distinctiveness",
    "Low": "Low Distinctiveness",
    "V.Low": "Very Low Distinctiveness",
}

SHEET_NAMES = {
    "area": "Trading Summary Area Habitats",
    "hedgerow": "Trading Summary Hedgerows",
    "watercourse": "Trading Summary WaterC's",
}


@dataclass(frozen=True)
class Row:
    """One trading summary row: habitat, band text and project-wide unit change.

    `change` may be text, to write what a broken formula leaves in the cell, or None for a
    formula that was never calculated.
    """

    habitat: str
    band: str | None
    change: float | str | None
    group: str | None = None


@dataclass
class MetricWorkbook:
    """A metric workbook to write: trading rows per ledger and the headline figures.

    `layout` is "sections" (band headings above repeated header rows, like the statutory
    tool, with every band's section even when it has no rows) or "column" (one table with a
    Distinctiveness column). `short_headings` writes band headings as "High", not "High
    Distinctiveness". Rows whose band is None
    sit above the first band heading. `decoy` adds a summary block to the right whose
    'Project-wide unit change' column holds wrong numbers. `headline` is "table" (the
    target table), "block" (only the 'On-site baseline' block) or None (no sheet).
    """

    area: Sequence[Row] = ()
    hedgerow: Sequence[Row] = ()
    watercourse: Sequence[Row] = ()
    baselines: dict[str, float] = field(
        default_factory=lambda: {"area": 0.0, "hedgerow": 0.0, "watercourse": 0.0}
    )
    targets: dict[str, object] = field(
        default_factory=lambda: {"area": 0.1, "hedgerow": 0.1, "watercourse": 0.1}
    )
    layout: str = "sections"
    short_headings: bool = False
    decoy: bool = False
    headline: str | None = "table"
    ledgers: tuple[str, ...] = ("area", "hedgerow", "watercourse")

    def to_bytes(self) -> bytes:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for ledger in self.ledgers:
            sheet = workbook.create_sheet(SHEET_NAMES[ledger])
            rows = getattr(self, ledger)
            if self.layout == "sections":
                _write_sections(sheet, rows, self.decoy, self.short_headings)
            else:
                _write_column_table(sheet, rows, self.decoy)
        if self.headline is not None:
            _write_headline(workbook.create_sheet("Headline Results"), self)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _header(decoy: bool) -> list[object]:
    header: list[object] = [
        None,
        "Habitat group",
        "Group",
        "On-site unit change",
        "Off-site unit change",
        "Project-wide unit change ",
    ]
    if decoy:
        header += [None, None, "Summary", "Project-wide unit change"]
    return header


def _data(row: Row, decoy: bool) -> list[object]:
    values: list[object] = [
        None,
        row.habitat,
        row.group or row.habitat.split(" - ")[0],
        row.change,
        0,
        row.change,
    ]
    if decoy:
        # A wrong number under the decoy heading, so reading it would change every result.
        values += [None, None, "Units available", 99.0]
    return values


def _write_sections(sheet, rows: Sequence[Row], decoy: bool, short_headings: bool) -> None:
    sheet.append([None, "Trading Summary"])
    sheet.append([None, "Distinctiveness Group", "Trading Rule"])
    sheet.append([None, "Very High", "Same habitat required"])
    sheet.append([])
    unbanded = [r for r in rows if r.band is None]
    if unbanded:
        sheet.append(_header(decoy))
        for row in unbanded:
            sheet.append(_data(row, decoy))
    bands = list(SECTION_HEADINGS) + sorted(
        {r.band for r in rows if r.band is not None and r.band not in SECTION_HEADINGS}
    )
    for band in bands:
        section = [r for r in rows if r.band == band]
        sheet.append([])
        heading = band if short_headings else SECTION_HEADINGS.get(band, band)
        sheet.append([None, heading, None, None, None, None])
        sheet.append(_header(decoy))
        for row in section:
            sheet.append(_data(row, decoy))
        # The total row has no habitat name, as in the statutory tool.
        total = _total(section)
        sheet.append([None, None, None, total, 0, total])


def _write_column_table(sheet, rows: Sequence[Row], decoy: bool) -> None:
    sheet.append([None, "Trading Summary"])
    sheet.append([])
    header: list[object] = [None, "Habitat", "Distinctiveness", "Project-wide unit change"]
    if decoy:
        header += [None, "Project-wide unit change"]
    sheet.append(header)
    for row in rows:
        values: list[object] = [None, row.habitat, row.band, row.change]
        if decoy:
            values += [None, 99.0]
        sheet.append(values)
    sheet.append([None, "Total", None, _total(rows)])


def _total(rows: Sequence[Row]) -> float:
    return sum(r.change for r in rows if isinstance(r.change, int | float))


def _write_headline(sheet, book: MetricWorkbook) -> None:
    labels = {
        "area": "Habitat units",
        "hedgerow": "Hedgerow units",
        "watercourse": "Watercourse units",
    }
    sheet.append([None, "Headline Results"])
    sheet.append([])
    for index, (ledger, label) in enumerate(labels.items()):
        first = "On-site baseline" if index == 0 else None
        sheet.append([None, first, None, None, None, label, None, book.baselines[ledger]])
    sheet.append([])
    sheet.append([None, "On-site post-intervention", None, None, None, "Habitat units", None, 0])
    if book.headline != "table":
        return
    sheet.append([])
    sheet.append([None, "Unit Type", None, "Target", "Baseline Units", "Units Required"])
    for ledger, label in labels.items():
        sheet.append([None, label, None, book.targets[ledger], book.baselines[ledger], None])
