"""The `serve` command (not built yet)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="not built yet")
    parser.set_defaults(handler=lambda args: 2)
