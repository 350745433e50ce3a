"""The `bng-optimiser db` command on real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url
from sqlalchemy.orm import sessionmaker

from bng_optimiser.cli.main import main
from bng_optimiser.db.quotes import get_quote
from bng_optimiser.db.session import make_engine, session_scope

from .conftest import accept_quote_holding_stock, drop_bank_from_files

COMMAND = Path(sys.executable).parent / "bng-optimiser"
QUOTE_ARGS = ["quote", "--lpa", "E60000016", "--nca", "61",
              "--habitat", "Grassland - Other neutral grassland=0.5", "--database"]
NOT_SEEDED = "the database has no catalogue or geography yet; run `bng-optimiser db seed` first\n"


def _run(capsys, *args):
    code = main(["db", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _run_process(args, database_url):
    """Run the installed command with DATABASE_URL set, as a user would."""
    return subprocess.run(
        [str(COMMAND), *args], capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": database_url}, timeout=120, check=False,
    )


def _no_schema_line(url):
    masked = make_url(url).render_as_string(hide_password=True)
    return (f"database {masked} has no schema (or is not at the latest migration); "
            "run `bng-optimiser db upgrade`")


def test_upgrade_seed_version_downgrade(capsys, empty_url):
    assert _run(capsys, "--database-url", empty_url, "upgrade")[0] == 0

    code, out, _ = _run(capsys, "--database-url", empty_url, "seed")
    assert code == 0
    assert "150 habitats" in out
    assert "version v1-" in out

    code, out, _ = _run(capsys, "--database-url", empty_url, "seed")
    assert code == 0
    assert out.startswith("nothing to seed")

    code, out, _ = _run(capsys, "--database-url", empty_url, "version")
    assert code == 0
    assert out.startswith("v1-")

    assert _run(capsys, "--database-url", empty_url, "downgrade")[0] == 0


def test_version_of_empty_schema(capsys, empty_url):
    _run(capsys, "--database-url", empty_url, "upgrade")

    code, _, err = _run(capsys, "--database-url", empty_url, "version")

    assert code == 1
    assert "db seed" in err


def test_export_then_import(capsys, committed_url, tmp_path):
    code, out, _ = _run(capsys, "--database-url", committed_url, "export", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["banks.csv", "prices.csv", "stock.csv"]

    code, out, _ = _run(capsys, "--database-url", committed_url, "import", str(tmp_path))
    assert code == 0
    assert out.startswith("no changes; reference data version unchanged (v1-")
    assert out.endswith(")\n")


def test_bad_import_exit_code_and_rows(capsys, committed_url, tmp_path):
    _run(capsys, "--database-url", committed_url, "export", str(tmp_path))
    stock = (tmp_path / "stock.csv").read_text(encoding="utf-8").splitlines()
    fields = stock[1].split(",")
    fields[3] = "lots"
    stock[1] = ",".join(fields)
    (tmp_path / "stock.csv").write_text("\n".join(stock) + "\n", encoding="utf-8")

    code, _, err = _run(capsys, "--database-url", committed_url, "import", str(tmp_path))

    assert code == 2
    assert "nothing changed" in err
    assert "stock.csv:2: units_available 'lots' is not a number" in err
    assert _run(capsys, "--database-url", committed_url, "version")[1].startswith("v1-")


def test_unreachable_database_message(capsys):
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:9/bng"

    code, _, err = _run(capsys, "--database-url", url, "version")

    assert code == 1
    assert "postgresql+psycopg://postgres:***@127.0.0.1:9/bng" in err
    assert "secret" not in err


def test_quote_database_saves_quote(committed_url):
    completed = _run_process(QUOTE_ARGS, committed_url)

    assert completed.returncode == 0, completed.stderr
    last_line = completed.stdout.strip().splitlines()[-1]
    assert last_line.startswith("saved as quote BNG-A-")
    reference = last_line.removeprefix("saved as quote ")
    engine = make_engine(committed_url)
    try:
        with sessionmaker(bind=engine)() as session:
            stored = get_quote(session, reference)
        assert stored.status == "quoted"
        assert stored.reference_version.startswith("v1-")
        assert stored.request.demand[0].units == 0.5
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "action", [["version"], ["seed"], ["export", "OUT"], ["import", "OUT"], ["remove-bank", "B1"]]
)
def test_unmigrated_database_one_line(capsys, empty_url, tmp_path, action):
    args = [str(tmp_path) if arg == "OUT" else arg for arg in action]

    code, out, err = _run(capsys, "--database-url", empty_url, *args)

    assert code == 1
    assert out == ""
    assert err == _no_schema_line(empty_url) + "\n"


def test_downgraded_database_one_line(capsys, committed_url):
    assert _run(capsys, "--database-url", committed_url, "downgrade")[0] == 0

    code, _, err = _run(capsys, "--database-url", committed_url, "version")

    assert code == 1
    assert err == _no_schema_line(committed_url) + "\n"


def test_quote_database_unmigrated(empty_url):
    completed = _run_process(QUOTE_ARGS, empty_url)

    assert completed.returncode == 1
    assert completed.stderr == f"error: {_no_schema_line(empty_url)}\n"
    assert completed.stdout == ""


def test_import_unseeded_database(capsys, committed_url, migrated_url, tmp_path):
    _run(capsys, "--database-url", committed_url, "export", str(tmp_path))

    code, out, err = _run(capsys, "--database-url", migrated_url, "import", str(tmp_path))

    assert code == 1
    assert out == ""
    assert err == NOT_SEEDED


@pytest.mark.parametrize(
    ("url", "shown"),
    [("mysql://x:pw@127.0.0.1/db", "mysql://x:***@127.0.0.1/db"), ("not a url", "not a url")],
)
def test_bad_database_url_exit_2(capsys, url, shown):
    code, out, err = _run(capsys, "--database-url", url, "version")

    assert code == 2
    assert out == ""
    assert err == (
        "DATABASE_URL must be a PostgreSQL URL such as postgresql+psycopg://user@host:5432/bng, "
        f"got {shown!r}\n"
    )


def test_bad_database_url_in_environment():
    db_command = _run_process(["db", "version"], "mysql://x:pw@127.0.0.1/db")
    quote_command = _run_process(QUOTE_ARGS, "mysql://x:pw@127.0.0.1/db")

    assert db_command.returncode == 2
    assert db_command.stderr.startswith("DATABASE_URL must be a PostgreSQL URL")
    assert "'mysql://x:***@127.0.0.1/db'" in db_command.stderr
    assert quote_command.returncode == 2
    assert quote_command.stderr.startswith("error: DATABASE_URL must be a PostgreSQL URL")
    assert "Traceback" not in db_command.stderr + quote_command.stderr


def test_plain_postgresql_url_works(capsys, committed_url):
    plain = make_url(committed_url).set(drivername="postgresql").render_as_string(False)

    code, out, _ = _run(capsys, "--database-url", plain, "version")

    assert code == 0
    assert out.startswith("v1-")


def test_help_lists_exit_codes(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["db", "--help"])

    out = capsys.readouterr().out
    assert caught.value.code == 0
    assert "\n  0  success\n" in out
    assert "\n  1  database unavailable" in out
    assert "\n  2  invalid input" in out


def test_import_help_says_banks_kept(capsys):
    with pytest.raises(SystemExit):
        main(["db", "import", "--help"])

    out = " ".join(capsys.readouterr().out.split())
    assert "Banks missing from the file are kept unchanged unless --replace-all is given" in out


def test_import_reports_kept_banks(capsys, committed_url, tmp_path):
    _run(capsys, "--database-url", committed_url, "export", str(tmp_path))
    drop_bank_from_files(tmp_path, "BNK036")

    code, out, _ = _run(capsys, "--database-url", committed_url, "import", str(tmp_path))

    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("no changes; reference data version unchanged (v1-")
    assert lines[1] == (
        "kept 1 bank missing from the file: BNK036; use --replace-all to remove them"
    )


def test_replace_all_removes_bank(capsys, committed_url, tmp_path):
    _run(capsys, "--database-url", committed_url, "export", str(tmp_path))
    drop_bank_from_files(tmp_path, "BNK035")
    drop_bank_from_files(tmp_path, "BNK036")

    code, out, _ = _run(
        capsys, "--database-url", committed_url, "import", "--replace-all", str(tmp_path)
    )

    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"imported {tmp_path}; reference data version v2-")
    assert lines[1] == "removed 2 banks missing from the file: BNK035, BNK036"
    assert _run(capsys, "--database-url", committed_url, "version")[1].startswith("v2-")


def test_remove_bank_command(capsys, committed_url):
    code, out, _ = _run(capsys, "--database-url", committed_url, "remove-bank", "BNK001")

    assert code == 0
    assert out.startswith("removed bank BNK001; reference data version v2-")

    code, _, err = _run(capsys, "--database-url", committed_url, "remove-bank", "BNK001")

    assert code == 2
    assert err.startswith("unknown bank_id 'BNK001'")


def test_remove_held_bank_command(capsys, committed_url, committed_factory):
    with session_scope(committed_factory) as session:
        reference, held_line, bank_id = accept_quote_holding_stock(session)
    version = _run(capsys, "--database-url", committed_url, "version")[1].split()[0]

    code, out, err = _run(capsys, "--database-url", committed_url, "remove-bank", bank_id)

    assert code == 2
    assert out == ""
    assert err == (
        f"cannot remove bank {bank_id!r}: accepted quotes hold its stock "
        f"({held_line}: 0.5 units ({reference})); release those quotes first\n"
    )
    assert _run(capsys, "--database-url", committed_url, "version")[1].split()[0] == version
