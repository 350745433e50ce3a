"""The `bng-optimiser db` command on real databases."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bng_optimiser.cli.main import main
from bng_optimiser.db.quotes import get_quote
from bng_optimiser.db.session import make_engine

from .conftest import RUN_ID, create_database, drop_database


@pytest.fixture
def empty_url():
    name = f"bng_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    url = create_database(name)
    yield url
    drop_database(name)


def _run(capsys, *args):
    code = main(["db", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


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

    assert code == 2
    assert "db seed" in err


def test_export_then_import(capsys, committed_url, tmp_path):
    code, out, _ = _run(capsys, "--database-url", committed_url, "export", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["banks.csv", "prices.csv", "stock.csv"]

    code, out, _ = _run(capsys, "--database-url", committed_url, "import", str(tmp_path))
    assert code == 0
    assert "version v1-" in out


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
    command = Path(sys.executable).parent / "bng-optimiser"
    completed = subprocess.run(
        [str(command), "quote", "--lpa", "E60000016", "--nca", "61",
         "--habitat", "Grassland - Other neutral grassland=0.5", "--database"],
        capture_output=True, text=True, env={**os.environ, "DATABASE_URL": committed_url},
        timeout=120, check=False,
    )

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
