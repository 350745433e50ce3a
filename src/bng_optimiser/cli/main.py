"""Entry point of the `bng-optimiser` command."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_MANUAL_REVIEW = 3

# Each module defines register(subparsers) and sets `handler` on its parser; a handler takes
# the parsed arguments and returns an exit code.
COMMAND_MODULES = ("quote", "listing", "metric", "db", "worker", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bng-optimiser",
        description="Quote Biodiversity Net Gain habitat bank units at the lowest legal cost.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"bng_optimiser.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
