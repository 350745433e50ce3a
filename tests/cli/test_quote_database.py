"""The `quote --database` command on a real, seeded PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.db.conftest import create_seeded_database, drop_database

COMMAND = Path(sys.executable).parent / "bng-optimiser"
QUOTE_ARGS = ["quote", "--lpa", "E60000016", "--nca", "61",
              "--habitat", "Grassland - Other neutral grassland=0.5", "--database"]


@pytest.fixture(scope="module")
def seeded_url() -> Iterator[str]:
    """URL of a migrated and seeded database of this module's own; dropped after."""
    name = f"bng_test_cli_{uuid.uuid4().hex[:10]}"
    try:
        yield create_seeded_database(name, who="cli test seed")
    finally:
        drop_database(name)


def run_command(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command with DATABASE_URL set, as a user would."""
    return subprocess.run(
        [str(COMMAND), *args], capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": database_url}, timeout=120, check=False,
    )


def test_json_has_quote_reference(seeded_url: str) -> None:
    completed = run_command([*QUOTE_ARGS, "--json"], seeded_url)

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["reference"].startswith("BNG-A-")
    assert result["status"] == "quoted"
    assert result["total_units"] == 0.5
    assert completed.stderr == f"saved as quote {result['reference']}\n"


def test_header_names_version_once(seeded_url: str) -> None:
    completed = run_command(QUOTE_ARGS, seeded_url)

    assert completed.returncode == 0, completed.stderr
    (header,) = [line for line in completed.stdout.splitlines()
                 if line.startswith("Reference data:")]
    version = header.split()[-1]
    assert version.startswith("v1-")
    assert header.count(version) == 1
