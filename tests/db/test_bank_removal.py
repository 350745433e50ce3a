"""Removing banks, one by one or by a replace-all import, unless accepted quotes hold stock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bng_optimiser.db.bank_removal import remove_bank
from bng_optimiser.db.errors import BankInUseError
from bng_optimiser.db.importer import export, import_banks_with_report
from bng_optimiser.db.models import BankRow, PriceRow, StockLineRow
from bng_optimiser.db.versions import content_hash, current_version_label
from bng_optimiser.domain.exceptions import DataFileError, UnknownNameError

from .conftest import accept_quote_holding_stock, drop_bank_from_files

# The shipped sample register: 36 banks, 348 stock lines and 4,176 prices, each stock line
# priced for 3 contract sizes x 4 tiers = 12 prices.
BANKS, STOCK_LINES, PRICES = 36, 348, 4176


def _version_id(label: str) -> int:
    # Labels are v<id>-<hash>. Ids come from a sequence that rolled-back tests advance too,
    # so tests compare ids rather than expect v2.
    return int(label.removeprefix("v").split("-")[0])


def _counts(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (BankRow, StockLineRow, PriceRow)
    )


def test_remove_bank_deletes_stock_and_prices(session):
    before = current_version_label(session)
    assert _counts(session) == (BANKS, STOCK_LINES, PRICES)

    after = remove_bank(session, "BNK001", who="tester")

    # BNK001 has 6 stock lines, so 6 x 12 = 72 prices go with it.
    assert _counts(session) == (BANKS - 1, STOCK_LINES - 6, PRICES - 72)
    assert session.get(BankRow, "BNK001") is None
    assert _version_id(after) > _version_id(before)


def test_remove_unknown_bank_suggests_ids(session):
    before = content_hash(session)

    with pytest.raises(UnknownNameError, match="unknown bank_id 'BNK01'; did you mean"):
        remove_bank(session, "BNK01", who="tester")

    assert content_hash(session) == before


def test_remove_held_bank_rejected(session):
    reference, held_line, bank_id = accept_quote_holding_stock(session)
    before = (content_hash(session), current_version_label(session))

    with pytest.raises(BankInUseError) as caught:
        remove_bank(session, bank_id, who="tester")

    message = str(caught.value)
    assert message.startswith(f"cannot remove bank {bank_id!r}: accepted quotes hold its stock")
    assert f"{held_line}: 0.5 units ({reference})" in message
    assert (content_hash(session), current_version_label(session)) == before


def test_identical_import_reports_no_change(session, tmp_path):
    export(session, tmp_path)
    before = current_version_label(session)

    report = import_banks_with_report(session, tmp_path, "tester")

    assert report.changed is False
    assert report.version == before
    assert report.removed_banks == []
    assert report.kept_banks == []


def test_import_keeps_banks_missing_from_file(session, tmp_path):
    export(session, tmp_path)
    drop_bank_from_files(tmp_path, "BNK036")
    before = current_version_label(session)

    report = import_banks_with_report(session, tmp_path, "tester")

    assert report.changed is False
    assert report.version == before
    assert report.kept_banks == ["BNK036"]
    assert _counts(session) == (BANKS, STOCK_LINES, PRICES)


def test_replace_all_import_removes_missing_banks(session, tmp_path):
    export(session, tmp_path)
    drop_bank_from_files(tmp_path, "BNK036")
    before = current_version_label(session)

    report = import_banks_with_report(session, tmp_path, "tester", replace_all=True)

    assert report.changed is True
    assert _version_id(report.version) > _version_id(before)
    assert report.removed_banks == ["BNK036"]
    assert report.kept_banks == []
    # BNK036 has 13 stock lines and 13 x 12 = 156 prices.
    assert _counts(session) == (BANKS - 1, STOCK_LINES - 13, PRICES - 156)


def test_replace_all_import_of_held_bank_rejected(session, tmp_path):
    reference, held_line, bank_id = accept_quote_holding_stock(session)
    export(session, tmp_path)
    drop_bank_from_files(tmp_path, bank_id)
    before = (content_hash(session), current_version_label(session))

    with pytest.raises(DataFileError) as caught:
        import_banks_with_report(session, tmp_path, "tester", replace_all=True)

    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert problem.startswith(f"banks: bank_id {bank_id!r} is missing from the file, so a "
                              "replace-all import would remove it")
    assert f"{held_line}: 0.5 units ({reference})" in problem
    assert (content_hash(session), current_version_label(session)) == before
