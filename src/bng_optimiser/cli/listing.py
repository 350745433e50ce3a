"""The `habitats`, `lpas` and `ncas` commands: list the names that a quote accepts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from bng_optimiser.domain.catalogue import Ledger
from bng_optimiser.domain.embedded import load_static
from bng_optimiser.domain.names import fuzzy_matches, suggest

from .main import EXIT_BAD_INPUT, EXIT_OK
from .quote_report import format_table

Item = TypeVar("Item")


def register(subparsers: argparse._SubParsersAction) -> None:
    habitats = subparsers.add_parser(
        "habitats",
        help="list habitat names with their ledger and distinctiveness band",
        description="List catalogue habitats and net-gain labels whose name contains SEARCH "
        "(case ignored), or else whose words are close to the words of SEARCH. Exit status 2 "
        "if nothing matches.",
    )
    habitats.add_argument("search", nargs="?", default="", metavar="SEARCH")
    habitats.add_argument("--ledger", choices=[ledger.value for ledger in Ledger],
                          help="only habitats of this ledger")
    habitats.set_defaults(handler=list_habitats)

    lpas = subparsers.add_parser(
        "lpas",
        help="list Local Planning Authorities with their ONS codes",
        description="List English LPAs whose name or code contains SEARCH (case ignored), or "
        "else whose name has words close to the words of SEARCH. Exit status 2 if nothing "
        "matches.",
    )
    lpas.add_argument("search", nargs="?", default="", metavar="SEARCH")
    lpas.set_defaults(handler=list_lpas)

    ncas = subparsers.add_parser(
        "ncas",
        help="list National Character Areas with their numbers",
        description="List NCAs whose name contains SEARCH or whose number is SEARCH, or else "
        "whose name has words close to the words of SEARCH. Exit status 2 if nothing matches.",
    )
    ncas.add_argument("search", nargs="?", default="", metavar="SEARCH")
    ncas.set_defaults(handler=list_ncas)


def list_habitats(args: argparse.Namespace) -> int:
    catalogue, _ = load_static()
    found = _search(
        "habitat", args.search, catalogue.search, list(catalogue.habitats.values()),
        lambda h: h.label,
    )
    if args.ledger:
        found = [h for h in found if h.ledger.value == args.ledger]
    if not found:
        return _no_match("habitat", args.search, catalogue.habitats)
    rows = [
        [h.label, h.ledger.value, h.band, "demand only (net gain)" if h.net_gain else ""]
        for h in found
    ]
    return _print(format_table(["habitat", "ledger", "band", "note"], rows))


def list_lpas(args: argparse.Namespace) -> int:
    _, geography = load_static()
    found = _search(
        "LPA", args.search, geography.search_lpas,
        sorted(geography.lpas.values(), key=lambda lpa: lpa.name), lambda lpa: lpa.name,
    )
    if not found:
        return _no_match("LPA", args.search, [lpa.name for lpa in geography.lpas.values()])
    return _print(format_table(["code", "name"], [[lpa.code, lpa.name] for lpa in found]))


def list_ncas(args: argparse.Namespace) -> int:
    _, geography = load_static()
    found = _search(
        "NCA", args.search, geography.search_ncas, list(geography.ncas.values()),
        lambda nca: nca.name,
    )
    if not found:
        return _no_match("NCA", args.search, [nca.name for nca in geography.ncas.values()])
    return _print(format_table(["number", "name"], [[str(nca.number), nca.name] for nca in found]))


def _search(
    kind: str,
    text: str,
    contains: Callable[[str], list[Item]],
    items: Sequence[Item],
    name_of: Callable[[Item], str],
) -> list[Item]:
    """Return the items that contain `text`, or else those with a close word for each word.

    The fallback finds misspellings ("grasland", "chesire"); a note on stderr says so. Items
    keep the order of `items`.
    """
    found = contains(text)
    if found or not text.strip():
        return found
    close = set(fuzzy_matches(text, [name_of(item) for item in items]))
    found = [item for item in items if name_of(item) in close]
    if found:
        sys.stderr.write(f"note: no {kind} contains {text!r}; listing close matches\n")
    return found


def _print(text: str) -> int:
    sys.stdout.write(text + "\n")
    return EXIT_OK


def _no_match(kind: str, search: str, names: Iterable[str]) -> int:
    message = f"no {kind} matches {search!r}"
    close = suggest(search, names)
    if close:
        message += "; did you mean " + " or ".join(repr(name) for name in close) + "?"
    sys.stderr.write(f"error: {message}\n")
    return EXIT_BAD_INPUT
