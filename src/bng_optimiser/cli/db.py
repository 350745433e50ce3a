"""The `db` command: migrate, seed, import, export and remove bank data, show the version."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..db.errors import NoReferenceDataError
from ..domain.exceptions import BngError, DataFileError
from ..domain.reference import ReferenceSource
from ..domain.request import QuoteRequest
from ..domain.result import QuoteResult
from .main import EXIT_BAD_INPUT, EXIT_OK

logger = logging.getLogger(__name__)

# Exit code when PostgreSQL cannot be reached, refuses the connection, or has no schema or
# reference data yet.
EXIT_UNAVAILABLE = 1

EXIT_CODES_EPILOG = """exit status:
  0  success
  1  database unavailable: unreachable, refused the connection, not migrated (run
     `bng-optimiser db upgrade`) or not seeded (run `bng-optimiser db seed`)
  2  invalid input: a bad DATABASE_URL, a bad bank file, an unknown bank id, or a bank
     removal rejected because accepted quotes hold its stock"""

# Errors that `quote --database` reports with `database_error_text` and EXIT_UNAVAILABLE.
DATABASE_ERRORS = (OperationalError, NoReferenceDataError)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "db",
        help="manage the PostgreSQL database: migrations, reference data, versions",
        description="Manage the PostgreSQL database named by DATABASE_URL.",
        epilog=EXIT_CODES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url", metavar="URL",
        help="PostgreSQL URL of the database (default: DATABASE_URL from the settings)",
    )
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")

    actions.add_parser("upgrade", help="apply every migration (alembic upgrade head)")
    downgrade = actions.add_parser("downgrade", help="roll migrations back (default: to empty)")
    downgrade.add_argument("--revision", default="base", help="target revision (default: base)")
    actions.add_parser("seed", help="load the shipped catalogue, geography and sample banks")
    importing = actions.add_parser(
        "import",
        help="replace the file's banks from a CSV folder or .xlsx (all or nothing); banks "
        "missing from the file are kept unless --replace-all is given",
        description="Replace the row, stock lines and prices of every bank in the file with "
        "the file's rows, in one transaction. Banks missing from the file are kept unchanged "
        "unless --replace-all is given.",
    )
    importing.add_argument("path", type=Path, help="folder with banks.csv, stock.csv and "
                           "prices.csv, or an .xlsx workbook with those sheets")
    importing.add_argument("--replace-all", action="store_true",
                           help="treat the file as the complete bank list: remove banks missing "
                           "from it; the import is rejected if accepted quotes hold their stock")
    importing.add_argument("--who", default=None, help="name recorded on the new version "
                           "(default: cli:<login name>)")
    removing = actions.add_parser(
        "remove-bank", help="remove one bank with its stock and prices, unless accepted quotes "
        "hold its stock"
    )
    removing.add_argument("bank_id", metavar="BANK_ID", help="id of the bank to remove")
    removing.add_argument("--who", default=None, help="name recorded on the new version "
                          "(default: cli:<login name>)")
    exporting = actions.add_parser("export", help="write banks.csv, stock.csv and prices.csv")
    exporting.add_argument("directory", type=Path, help="folder to write the three files into")
    actions.add_parser("version", help="show the current reference data version")
    parser.set_defaults(handler=run)


def database_source() -> ReferenceSource:
    """Return the PostgreSQL reference data source on DATABASE_URL, for `quote --database`.

    Raises DatabaseUrlError for a URL that is not PostgreSQL, and SchemaNotReadyError when the
    database is not at the newest migration.
    """
    from ..db.schema import check_schema
    from ..db.session import make_session_factory
    from ..db.source import PostgresSource

    factory = make_session_factory()
    with factory() as session:
        check_schema(session)
    return PostgresSource(factory)


def save_cli_quote(request: QuoteRequest, result: QuoteResult) -> str:
    """Save a quote made by `quote --database` in one transaction; return its reference."""
    from ..db.quotes import save_quote
    from ..db.session import make_session_factory, session_scope

    timings = {"solve_seconds": result.solve_seconds}
    with session_scope(make_session_factory()) as session:
        return save_quote(session, request, result, client_name=None, timings=timings)


def database_error_text(error: Exception, url: str | None = None) -> str:
    """Return a one-line reason for a database error, naming the URL without its password."""
    from ..db.session import database_url, safe_url

    if isinstance(error, OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return (
            f"cannot use PostgreSQL at {safe_url(database_url(url))}: {reason}. Check that the "
            "server is running, the database exists and DATABASE_URL is right."
        )
    return str(error)


def run(args: argparse.Namespace) -> int:
    from ..db.session import database_url

    action: Callable[[argparse.Namespace, str], int] = ACTIONS[args.db_command]
    url = args.database_url
    try:
        url = database_url(args.database_url)
        return action(args, url)
    except DataFileError as error:
        sys.stderr.write(f"import rejected, nothing changed: {error}\n")
        return EXIT_BAD_INPUT
    except NoReferenceDataError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_UNAVAILABLE
    except BngError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_BAD_INPUT
    except OperationalError as error:
        sys.stderr.write(database_error_text(error, url) + "\n")
        return EXIT_UNAVAILABLE


def _upgrade(args: argparse.Namespace, url: str) -> int:
    from ..db import migrate

    migrate.upgrade(url)
    sys.stdout.write("database schema is up to date\n")
    return EXIT_OK


def _downgrade(args: argparse.Namespace, url: str) -> int:
    from ..db import migrate

    migrate.downgrade(url, args.revision)
    sys.stdout.write(f"database schema rolled back to {args.revision}\n")
    return EXIT_OK


@contextmanager
def _migrated_session(url: str) -> Iterator[Session]:
    """Yield a session in one transaction after checking the database is fully migrated."""
    from ..db.schema import check_schema
    from ..db.session import make_engine, make_session_factory, session_scope

    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine=engine)) as session:
            check_schema(session)
            yield session
    finally:
        engine.dispose()


def _seed(args: argparse.Namespace, url: str) -> int:
    from ..db.seed import seed

    with _migrated_session(url) as session:
        report = seed(session, who=_who(None))
    added = ", ".join(f"{count} {table}" for table, count in report.inserted.items() if count)
    if report.version is None:
        sys.stdout.write("nothing to seed: the database already contains the shipped data\n")
    else:
        sys.stdout.write(f"seeded {added}; reference data version {report.version}\n")
    return EXIT_OK


def _import(args: argparse.Namespace, url: str) -> int:
    from ..db.importer import import_banks_with_report

    with _migrated_session(url) as session:
        report = import_banks_with_report(
            session, args.path, _who(args.who), replace_all=args.replace_all
        )
    if report.changed:
        sys.stdout.write(f"imported {args.path}; reference data version {report.version}\n")
    else:
        sys.stdout.write(f"no changes; reference data version unchanged ({report.version})\n")
    if report.removed_banks:
        sys.stdout.write(
            f"removed {_banks(report.removed_banks)} missing from the file: "
            f"{', '.join(report.removed_banks)}\n"
        )
    if report.kept_banks:
        sys.stdout.write(
            f"kept {_banks(report.kept_banks)} missing from the file: "
            f"{', '.join(report.kept_banks)}; use --replace-all to remove them\n"
        )
    return EXIT_OK


def _banks(bank_ids: list[str]) -> str:
    return f"{len(bank_ids)} bank{'s' if len(bank_ids) != 1 else ''}"


def _remove_bank(args: argparse.Namespace, url: str) -> int:
    from ..db.bank_removal import remove_bank

    with _migrated_session(url) as session:
        version = remove_bank(session, args.bank_id, who=_who(args.who))
    sys.stdout.write(f"removed bank {args.bank_id}; reference data version {version}\n")
    return EXIT_OK


def _export(args: argparse.Namespace, url: str) -> int:
    from ..db.importer import export

    with _migrated_session(url) as session:
        paths = export(session, args.directory)
    sys.stdout.write("wrote " + ", ".join(str(p) for p in paths) + "\n")
    return EXIT_OK


def _version(args: argparse.Namespace, url: str) -> int:
    from ..db.versions import latest_version, version_label

    with _migrated_session(url) as session:
        row = latest_version(session)
    if row is None:
        sys.stderr.write("the database contains no reference data; run `bng-optimiser db seed`\n")
        return EXIT_UNAVAILABLE
    sys.stdout.write(
        f"{version_label(row)}  {row.created_at:%Y-%m-%d %H:%M:%S %Z}  by {row.created_by}\n"
        f"{row.summary}\n"
    )
    return EXIT_OK


def _who(name: str | None) -> str:
    return name or f"cli:{getpass.getuser()}"


ACTIONS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "upgrade": _upgrade,
    "downgrade": _downgrade,
    "seed": _seed,
    "import": _import,
    "remove-bank": _remove_bank,
    "export": _export,
    "version": _version,
}
