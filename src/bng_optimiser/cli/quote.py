"""The `quote` command: quote a development's demand from the shipped or a user's bank data."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.exceptions import InvalidInputError
from bng_optimiser.domain.metric import MetricDemand, read_metric
from bng_optimiser.domain.reference import CONTRACT_SIZES, ReferenceData, ReferenceSource
from bng_optimiser.domain.request import QuoteRequest

from .db import (
    DATABASE_ERRORS,
    EXIT_UNAVAILABLE,
    database_error_text,
    database_source,
    save_cli_quote,
)
from .main import EXIT_BAD_INPUT, EXIT_MANUAL_REVIEW, EXIT_OK
from .metric import covered_text
from .quote_input import (
    DISCOUNT_FORMS,
    check_names,
    request_from_flags,
    request_from_json,
)
from .quote_report import format_quote

logger = logging.getLogger(__name__)

# Flags that describe the request itself, with their defaults. A request JSON file already
# contains all of them, so none may be given beside --request.
REQUEST_FLAG_DEFAULTS: dict[str, object] = {
    "lpa": None,
    "nca": None,
    "waterbody": None,
    "demand": None,
    "habitat": None,
    "metric": None,
    "discount": "none",
    "hold_policy": "ignore",
    "contract_size": None,
    "suo_surplus": None,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quote",
        help="quote the cheapest legal allocation of habitat bank units",
        description=(
            "Quote a development's demand. Give the site and demand as flags, or a request "
            "JSON file in the API's format. Exit status: 0 quoted, 3 manual review needed, "
            "2 invalid input."
        ),
    )
    site = parser.add_argument_group("site")
    site.add_argument("--lpa", help="Local Planning Authority: ONS code (E60000016) or name")
    site.add_argument("--nca", help="National Character Area: number 1-159 or name")
    site.add_argument("--waterbody", help="WFD waterbody id of the site, e.g. GB112068060280")

    demand = parser.add_argument_group("demand")
    demand.add_argument("--demand", type=Path, action="append", metavar="CSV",
                        help="CSV file with columns habitat,units (and optionally row_id); "
                        "repeat to combine the rows of several files")
    demand.add_argument("--habitat", action="append", metavar="NAME=UNITS",
                        help="one demand row, e.g. 'Native hedgerow=0.5'; repeat for more rows")
    demand.add_argument("--metric", type=Path, metavar="XLSX",
                        help="statutory metric workbook (.xlsx or .xlsm): quote the demand left "
                        "after on-site offsetting, with its SUO-eligible surplus unless "
                        "--suo-surplus is given")
    demand.add_argument("--request", type=Path, metavar="JSON",
                        help="request JSON file (QuoteRequest); replaces the site, demand and "
                        "option flags")

    options = parser.add_argument_group("quote options")
    options.add_argument("--discount", default="none", help=f"promoter discount: {DISCOUNT_FORMS}")
    options.add_argument("--hold-policy", default="ignore",
                         choices=("ignore", "hold_all", "hold_half"),
                         help="how units held by open quotes count against stock")
    options.add_argument("--contract-size", choices=[s.value for s in CONTRACT_SIZES],
                         help="override the contract size implied by total demand")
    options.add_argument("--suo-surplus", metavar="UNITS",
                         help="on-site area surplus of band Medium or higher left after "
                         "offsetting, in units (for the SUO discount)")

    output = parser.add_argument_group("source and output")
    output.add_argument("--banks", type=Path, metavar="DIR_OR_XLSX",
                        help="bank data: a folder with banks.csv, stock.csv and prices.csv, "
                        "or an .xlsx workbook (default: the illustrative sample banks)")
    output.add_argument("--database", action="store_true",
                        help="quote from the PostgreSQL reference data at DATABASE_URL and save "
                        "the quote there; prints its reference (BNG-A-NNNNN), which --json "
                        "puts in the top-level \"reference\" field")
    output.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.set_defaults(handler=run)


def select_source(args: argparse.Namespace) -> ReferenceSource:
    """Return the reference data source that the flags name."""
    if args.database:
        if args.banks is not None:
            raise InvalidInputError("--banks and --database name two sources; give only one")
        return database_source()
    return EmbeddedSource(args.banks)


def build_request(
    args: argparse.Namespace, reference: ReferenceData, metric: MetricDemand | None = None
) -> QuoteRequest:
    """Return the request from --request JSON or from the site, demand and option flags."""
    if args.request is not None:
        given = [
            f"--{name.replace('_', '-')}"
            for name, default in REQUEST_FLAG_DEFAULTS.items()
            if getattr(args, name) != default
        ]
        if given:
            raise InvalidInputError(
                f"--request already contains the site, demand and options; drop {', '.join(given)}"
            )
        request = request_from_json(args.request)
    else:
        request = request_from_flags(args, reference, metric)
    check_names(request, reference)
    return request


def run(args: argparse.Namespace) -> int:
    """Quote and print the result; return the exit status."""
    try:
        reference = select_source(args).load()
        metric = read_metric(args.metric, reference.catalogue) if args.metric else None
        if metric is not None:
            for warning in metric.warnings:
                sys.stderr.write(f"warning: metric workbook: {warning}\n")
            # --request with --metric is rejected in build_request, so it is not checked here.
            if not metric.demand and not (args.demand or args.habitat or args.request):
                message = f"nothing to buy: on-site surplus covers {covered_text(metric)}"
                if args.json:
                    message = json.dumps({"status": "nothing_to_buy", "message": message})
                sys.stdout.write(message + "\n")
                return EXIT_OK
        request = build_request(args, reference, metric)
        result = quote(request, reference)
        saved_reference = save_cli_quote(request, result) if args.database else None
    except InvalidInputError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_BAD_INPUT
    except DATABASE_ERRORS as error:
        sys.stderr.write(f"error: {database_error_text(error)}\n")
        return EXIT_UNAVAILABLE

    if args.json:
        payload = result.model_dump(mode="json")
        if saved_reference is not None:
            payload = {"reference": saved_reference, **payload}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(format_quote(request, result, reference))
    if saved_reference is not None:
        # With --json the reference is also in the JSON, and stdout stays one JSON document.
        stream = sys.stderr if args.json else sys.stdout
        stream.write(f"saved as quote {saved_reference}\n")
    logger.info("quote %s on reference data %s: total %.2f GBP", result.status,
                result.reference_version, result.total)
    return EXIT_OK if result.status == "quoted" else EXIT_MANUAL_REVIEW
