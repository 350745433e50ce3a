"""Build a `QuoteRequest` from command-line flags, a demand CSV or a request JSON file.

Every problem found in the input is collected and raised in one `InvalidInputError`, so a user
can fix all of them in one pass.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from bng_optimiser.domain.catalogue import Catalogue
from bng_optimiser.domain.exceptions import InvalidInputError, UnknownNameError
from bng_optimiser.domain.metric import MetricDemand
from bng_optimiser.domain.reference import ReferenceData
from bng_optimiser.domain.request import MAX_ROW_UNITS, DemandItem, PromoterDiscount, QuoteRequest

# A demand file or request JSON for one development is a few kilobytes; 1 MB leaves room for
# the 500-row maximum with long habitat names and stops a wrong file being read whole.
MAX_INPUT_BYTES = 1_000_000
# File signatures of workbooks: .xlsx/.xlsm are zip archives, .xls is an OLE2 compound file.
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
DEMAND_COLUMNS = ("habitat", "units")
DISCOUNT_FORMS = "tier_up, percentage:N (N from 0 to 100) or none"
# A plain decimal number with an optional exponent. Python's float() also takes "1_0" and
# "infinity", and a comma may be a decimal or a thousands separator ("1,5", "1,000"), so
# only this form is accepted.
DECIMAL_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}


def read_text(path: Path, what: str, text_hint: str = "save the demand as CSV") -> str:
    """Return the UTF-8 text of a small input file, or raise InvalidInputError naming it.

    `text_hint` tells the user how to turn a workbook into the text file expected.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            signature = handle.read(8)
    except OSError as error:
        raise InvalidInputError(f"{what} {str(path)!r} cannot be read: {error.strerror}") from None
    # Checked before the size, because a workbook is often larger than the limit.
    if signature.startswith(WORKBOOK_SIGNATURES):
        raise InvalidInputError(
            f"{what} {str(path)!r} is a workbook: use --metric for a statutory metric "
            f"workbook, or {text_hint}"
        )
    if size > MAX_INPUT_BYTES:
        raise InvalidInputError(
            f"{what} {str(path)!r} is {size:,} bytes, larger than the limit of "
            f"{MAX_INPUT_BYTES:,} bytes"
        )
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            f"{what} {str(path)!r} is not valid UTF-8 at byte {error.start}; save it as UTF-8"
        ) from None
    except OSError as error:
        raise InvalidInputError(f"{what} {str(path)!r} cannot be read: {error.strerror}") from None


def request_from_json(path: Path) -> QuoteRequest:
    """Read a request JSON file in the API's `QuoteRequest` shape."""
    text = read_text(path, "request file", "write the request as JSON")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(
            f"{path.name}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None
    try:
        return QuoteRequest.model_validate(data)
    except ValidationError as error:
        raise InvalidInputError(describe_validation_error(error, path.name)) from None


def request_from_flags(
    args: argparse.Namespace, reference: ReferenceData, metric: MetricDemand | None = None
) -> QuoteRequest:
    """Build a request from --lpa, --nca, --demand, --habitat and the option flags.

    `metric` is the demand read from a --metric workbook; its rows join the others, and its
    SUO-eligible surplus is used unless --suo-surplus is given.

    Raises one InvalidInputError listing every unknown name and bad demand row.
    """
    problems: list[str] = []
    for flag, value in (("--lpa", args.lpa), ("--nca", args.nca)):
        if not value:
            problems.append(f"{flag} is required unless --request gives a request JSON file")
    problems.extend(site_problems(args.lpa, args.nca, args.waterbody, reference))

    demand: list[DemandItem] = []
    # Explicit row ids must be unique across every --demand file: row id -> file:line.
    row_places: dict[str, str] = {}
    paths_read: set[Path] = set()
    for path in args.demand or []:
        if path.resolve() in paths_read:
            problems.append(f"--demand {str(path)!r} is given twice; name each file once")
            continue
        paths_read.add(path.resolve())
        demand.extend(read_demand_csv(path, reference.catalogue, problems, row_places))
    for text in args.habitat or []:
        item = parse_habitat_flag(text, reference.catalogue, problems)
        if item is not None:
            demand.append(item)
    if metric is not None:
        demand.extend(metric.demand_items())
    suo_surplus = metric.suo_surplus_units if metric is not None else 0.0
    if args.suo_surplus is not None:
        suo_surplus = parse_suo_surplus(args.suo_surplus, problems)
    if not demand and not problems:
        problems.append(
            "no demand given; pass --demand FILE.csv (columns habitat,units), --habitat "
            "'NAME=UNITS' or --metric WORKBOOK.xlsx"
        )
    raise_problems(problems)

    try:
        return QuoteRequest(
            lpa_code=args.lpa,
            nca_number=args.nca,
            waterbody_id=args.waterbody,
            demand=demand,
            promoter_discount=parse_discount(args.discount),
            stock_hold_policy=args.hold_policy,
            contract_size=args.contract_size,
            suo_surplus_units=suo_surplus,
        )
    except ValidationError as error:
        raise InvalidInputError(describe_validation_error(error, "request")) from None


def raise_problems(problems: list[str]) -> None:
    """Raise one InvalidInputError that lists every problem, if there is any."""
    if len(problems) == 1:
        raise InvalidInputError(problems[0])
    if problems:
        raise InvalidInputError(
            f"{len(problems)} problems in the input:\n" + "\n".join(f"  {p}" for p in problems)
        )


def site_problems(
    lpa: str | None, nca: str | int | None, waterbody: str | None, reference: ReferenceData
) -> list[str]:
    """Return a message for each of the site's LPA, NCA and waterbody that is unknown."""
    geography = reference.geography
    lookups: list[tuple[str | int | None, Callable[[str], object]]] = [
        (lpa, geography.lpa),
        (nca, geography.nca),
        (waterbody, geography.waterbody),
    ]
    problems = []
    for value, lookup in lookups:
        if value is None or value == "":
            continue
        try:
            lookup(str(value))
        except UnknownNameError as error:
            problems.append(str(error))
    return problems


def read_demand_csv(
    path: Path,
    catalogue: Catalogue,
    problems: list[str],
    row_places: dict[str, str] | None = None,
) -> list[DemandItem]:
    """Read `habitat,units[,row_id]` rows, adding `file:line: message` for each bad one.

    `row_places` maps each explicit row id already read to its `file:line`; a repeated row id
    is a problem, and the ids of this file are added to it.
    """
    text = read_text(path, "demand file")
    name = path.name
    row_places = {} if row_places is None else row_places
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().casefold() for h in next(reader, [])]
        missing = [c for c in DEMAND_COLUMNS if c not in header]
        if missing:
            problems.append(
                f"{name}:1: missing column {', '.join(missing)}; expected columns habitat,units "
                "and optionally row_id"
            )
            return []
        rows = []
        for record in reader:
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            where = f"{name}:{reader.line_num}"
            if any(cells[len(header):]):
                problems.append(
                    f"{where}: {len(cells)} fields but the header has {len(header)} columns "
                    f"({','.join(header)}); put a name or number that contains a comma in "
                    "double quotes"
                )
                continue
            values = dict(zip(header, cells, strict=False))
            row_id = values.get("row_id") or None
            if row_id is not None:
                if row_id in row_places:
                    problems.append(
                        f"{where}: row_id {row_id!r} is already used on {row_places[row_id]}; "
                        "row ids must be unique"
                    )
                    continue
                row_places[row_id] = where
            item = _demand_item(
                values.get("habitat", ""), values.get("units", ""), row_id,
                catalogue, where, problems,
            )
            if item is not None:
                rows.append(item)
    except csv.Error as error:
        problems.append(f"{name}:{reader.line_num}: malformed CSV: {error}")
        return []
    if not rows and not problems:
        problems.append(f"{name}: no demand rows; add rows of habitat,units under the header")
    return rows


def parse_suo_surplus(text: str, problems: list[str]) -> float:
    """Parse --suo-surplus: units from 0 to 100,000, adding a problem and returning 0 if bad."""
    try:
        units = parse_number(text, "--suo-surplus")
    except InvalidInputError as error:
        problems.append(str(error))
        return 0.0
    if not 0 <= units <= MAX_ROW_UNITS:
        problems.append(
            f"--suo-surplus {text!r} must be from 0 to {MAX_ROW_UNITS:,.0f} units of surplus"
        )
        return 0.0
    return units


def parse_habitat_flag(text: str, catalogue: Catalogue, problems: list[str]) -> DemandItem | None:
    """Parse one --habitat "NAME=UNITS" value."""
    where = f"--habitat {text!r}"
    name, separator, units = text.rpartition("=")
    if not separator:
        problems.append(f"{where}: expected NAME=UNITS, for example 'Native hedgerow=0.5'")
        return None
    return _demand_item(name.strip(), units.strip(), None, catalogue, where, problems)


def _demand_item(
    habitat: str,
    units_text: str,
    row_id: str | None,
    catalogue: Catalogue,
    where: str,
    problems: list[str],
) -> DemandItem | None:
    before = len(problems)
    label = None
    if not habitat:
        problems.append(f"{where}: habitat is empty")
    else:
        try:
            label = catalogue.get(habitat).label
        except UnknownNameError as error:
            problems.append(f"{where}: {error}")
    units = None
    try:
        units = parse_units(units_text)
    except InvalidInputError as error:
        problems.append(f"{where}: {error}")
    if len(problems) > before or label is None or units is None:
        return None
    try:
        return DemandItem(habitat=label, units=units, row_id=row_id)
    except ValidationError as error:
        problems.append(describe_validation_error(error, where))
        return None


def parse_number(text: str, what: str) -> float:
    """Parse a plain decimal number such as 0.5, 12 or 1.5e-3, else raise InvalidInputError.

    Thousands separators, decimal commas, underscores, `inf` and `nan` are rejected.
    """
    stripped = text.strip()
    if stripped.casefold() in NON_FINITE:
        raise InvalidInputError(f"{what} {text!r} must be a finite number")
    if not DECIMAL_NUMBER.fullmatch(stripped):
        raise InvalidInputError(f"{what} {text!r} is not a number; write it like 0.5 or 12")
    number = float(stripped)
    if not math.isfinite(number):
        raise InvalidInputError(f"{what} {text!r} must be a finite number")
    return number


def parse_units(text: str) -> float:
    """Parse the units of one demand row: a number greater than 0 and at most 100,000."""
    units = parse_number(text, "units")
    if units <= 0:
        raise InvalidInputError(f"units {text!r} must be a number greater than 0")
    if units > MAX_ROW_UNITS:
        raise InvalidInputError(f"units {text!r} is more than the maximum of {MAX_ROW_UNITS:,.0f}")
    return units


def parse_discount(text: str) -> PromoterDiscount:
    """Parse --discount: `tier_up`, `percentage:N` or `none`."""
    value = text.strip().casefold()
    if value in ("none", "tier_up"):
        return PromoterDiscount(type=value)  # type: ignore[arg-type]
    kind, _, amount = value.partition(":")
    if kind == "percentage":
        try:
            percent = parse_number(amount, "percentage")
        except InvalidInputError:
            percent = math.nan
        if 0 <= percent <= 100:
            return PromoterDiscount(type="percentage", value=percent)
    raise InvalidInputError(f"--discount {text!r} is invalid; use {DISCOUNT_FORMS}")


def check_names(request: QuoteRequest, reference: ReferenceData) -> None:
    """Raise one InvalidInputError listing every unknown LPA, NCA, waterbody or habitat."""
    problems = site_problems(request.lpa_code, request.nca_number, request.waterbody_id, reference)
    for item in request.demand:
        try:
            reference.catalogue.get(item.habitat)
        except UnknownNameError as error:
            problems.append(f"demand row {item.row_id}: {error}")
    raise_problems(problems)


def describe_validation_error(error: ValidationError, source: str) -> str:
    """Turn a pydantic error into lines of `source: field: message (got value)`."""
    lines = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["loc"]:
            # "demand.0.units: units must be ..." would name the field twice.
            message = message.removeprefix(f"{item['loc'][-1]} ")
        # A model-level error (such as a repeated row id) has no field to name.
        line = f"{source}: {field}: {message}" if field else f"{source}: {message}"
        if "input" in item and item["type"] not in ("value_error", "missing"):
            shown = repr(item["input"])
            line += f" (got {shown if len(shown) <= 80 else shown[:77] + '...'})"
        lines.append(line)
    return "\n".join(lines)
