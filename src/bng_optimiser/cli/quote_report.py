"""Render a quote result as plain text tables for a person at a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from bng_optimiser.domain.reference import ReferenceData
from bng_optimiser.domain.request import QuoteRequest
from bng_optimiser.domain.result import QuoteLine, QuoteResult
from bng_optimiser.domain.totals import ClientQuote, client_view, round_pence

# Columns whose text is aligned to the right, by header.
NUMERIC_HEADERS = {
    "units", "unit price £", "cost £", "SUO £", "net cost £", "SRM", "weight", "stock drawn",
}


def format_pence(amount: float) -> str:
    """Format GBP with thousands separators and pence, halves rounded up: 31,190.63."""
    return f"{round_pence(amount):,.2f}"


def format_money(amount: float) -> str:
    """Format GBP with a pound sign, thousands separators and pence: £12,345.60."""
    text = format_pence(amount)
    return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"


def format_units(units: float) -> str:
    """Format biodiversity units with 2 to 4 decimals, never hiding a small amount."""
    text = f"{units:,.4f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Lay out rows under headers with two spaces between columns."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if header in NUMERIC_HEADERS else cell.ljust(width)
            for header, cell, width in zip(headers, cells, widths, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def format_quote(request: QuoteRequest, result: QuoteResult, reference: ReferenceData) -> str:
    """Return the whole quote as text: site, allocation, manual and blocked rows, totals."""
    sections = [
        _site(request, result, reference),
        _allocation(result),
        _manual_lines(result),
        _blocked(result),
        _warnings(result),
        _totals(result),
        _client_view(result),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _site(request: QuoteRequest, result: QuoteResult, reference: ReferenceData) -> str:
    geography = reference.geography
    lpa = geography.lpa(request.lpa_code)
    nca = geography.nca(request.nca_number)
    lines = [
        f"Site: {lpa.name} ({lpa.code}), NCA {nca.number} {nca.name}",
    ]
    if request.waterbody_id:
        waterbody = geography.waterbody(request.waterbody_id)
        lines.append(f"Waterbody: {waterbody.wbid} {waterbody.name} "
                     f"(operational catchment {waterbody.operational_catchment})")
    status = "quoted" if result.status == "quoted" else "MANUAL REVIEW needed"
    lines.append(f"Status: {status}")
    source = reference.label or "reference data"
    # Some sources, such as the database, already put the version in their label.
    if result.reference_version in source:
        lines.append(f"Reference data: {source}")
    else:
        lines.append(f"Reference data: {source}, version {result.reference_version}")
    return "\n".join(lines)


def _allocation(result: QuoteResult) -> str:
    if not result.lines:
        return "Allocation: no rows could be allocated"
    headers = ["row", "demand habitat", "bank", "tier", "supply", "units", "unit price £",
               "cost £"]
    rows = []
    for line in result.lines:
        rows.append([
            line.row_id,
            line.demand_habitat,
            f"{line.bank_id} {line.bank_name}",
            line.tier.value,
            " + ".join(line.supply),
            format_units(line.units),
            format_pence(line.unit_price),
            format_pence(line.cost),
        ])
    text = "Allocation\n" + format_table(headers, rows)
    paired = [line for line in result.lines if line.paired]
    if paired:
        text += "\n\nPaired parts\n" + _paired_parts(paired)
    return text


def _paired_parts(lines: list[QuoteLine]) -> str:
    headers = ["row", "role", "stock line", "habitat", "weight", "unit price £", "stock drawn"]
    rows = []
    for line in lines:
        for part in line.parts:
            rows.append([
                line.row_id,
                part.role,
                part.stock_id,
                part.habitat,
                f"{part.weight:.2f}",
                format_pence(part.unit_price),
                format_units(line.stock_drawn.get(part.stock_id, part.stock_per_unit * line.units)),
            ])
    return format_table(headers, rows)


def _manual_lines(result: QuoteResult) -> str:
    if not result.manual_lines:
        return ""
    rows = [
        [m.row_id, m.demand_habitat, format_units(m.units), m.reason] for m in result.manual_lines
    ]
    return "Manual lines (priced by hand)\n" + format_table(
        ["row", "demand habitat", "units", "reason"], rows
    )


def _blocked(result: QuoteResult) -> str:
    if not result.blocked:
        return ""
    rows = [
        [b.row_id, b.demand_habitat, format_units(b.units), b.code, b.reason]
        for b in result.blocked
    ]
    return "Blocked rows (manual review)\n" + format_table(
        ["row", "demand habitat", "units", "code", "reason"], rows
    )


def _warnings(result: QuoteResult) -> str:
    if not result.warnings:
        return ""
    return "Warnings\n" + "\n".join(f"- {warning}" for warning in result.warnings)


def _totals(result: QuoteResult) -> str:
    size = result.contract_size.value
    if result.priced_contract_size != result.contract_size:
        size += f" (priced as {result.priced_contract_size.value})"
    rows = [
        ("Contract size", size),
        ("Units of demand", format_units(result.total_units)),
        ("Banks used", ", ".join(result.banks_used) or "none"),
        ("Subtotal", format_money(result.subtotal)),
    ]
    if result.promoter_discount:
        rows.append(
            ("Promoter discount (in the prices above)", format_money(-result.promoter_discount))
        )
    rows += [
        ("SUO discount", format_money(-result.suo_discount)),
        ("Admin fee", format_money(result.admin_fee)),
        ("Total", format_money(result.total)),
    ]
    width = max(len(label) for label, _ in rows)
    return "Totals\n" + "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows)


def _client_view(result: QuoteResult) -> str:
    if not result.lines:
        return ""
    view = client_view(result)
    with_suo = view.suo_discount > 0
    headers = ["row", "demand habitat", "bank", "tier", "units", "unit price £", "cost £"]
    if with_suo:
        headers += ["SUO £", "net cost £"]
    rows = []
    for line in view.lines:
        row = [line.row_id, line.demand_habitat, line.bank_name, line.tier,
               format_units(line.units), f"{line.unit_price:,}", f"{line.cost_before_suo:,}"]
        if with_suo:
            row += [f"-{line.suo_reduction:,}", f"{line.cost:,}"]
        rows.append(row)
    title = "Client view (unit prices to the nearest £50, costs to whole pounds)"
    return f"{title}\n{format_table(headers, rows)}\n{_client_totals(view)}"


def _client_totals(view: ClientQuote) -> str:
    rows = []
    if view.suo_discount > 0:
        rows += [
            ("Subtotal", f"£{view.subtotal:,}"),
            (f"SUO discount ({view.suo_fraction:.2%} of each line)", f"-£{view.suo_discount:,}"),
        ]
    rows += [("Admin fee", f"£{view.admin_fee:,}"), ("Total", f"£{view.total:,}")]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows)
