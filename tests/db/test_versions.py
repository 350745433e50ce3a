"""Every change to banks, stock, prices or catalogue adds exactly one version."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bng_optimiser.db.edits import rename_bank, set_habitat_band, set_price, set_stock
from bng_optimiser.db.models import ReferenceVersionRow
from bng_optimiser.db.session import session_scope
from bng_optimiser.db.versions import current_version_label, latest_version
from bng_optimiser.domain.exceptions import InvalidInputError, UnknownNameError

NEUTRAL_GRASSLAND = "Grassland - Other neutral grassland"

CHANGES = {
    "bank": lambda s: rename_bank(s, "BNK001", "Renamed Bank", who="tester"),
    "stock": lambda s: set_stock(s, "BNK001-S01", 42.0, who="tester"),
    "price": lambda s: set_price(s, "BNK001", NEUTRAL_GRASSLAND, "small", "far", 12_345.0,
                                 who="tester"),
    "catalogue": lambda s: set_habitat_band(s, NEUTRAL_GRASSLAND, "High", 6.0, who="tester"),
}


def _id(label):
    return int(label[1:].split("-")[0])


def _version_count(session):
    return session.scalar(select(func.count()).select_from(ReferenceVersionRow))


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_change_adds_one_version(session, kind):
    before = current_version_label(session)
    count = _version_count(session)

    after = CHANGES[kind](session)

    assert after != before
    assert re.fullmatch(r"v\d+-[0-9a-f]{8}", after), after
    # Ids only grow; rolled-back tests may have used some, so the gap can exceed one.
    assert _id(after) > _id(before)
    assert _version_count(session) == count + 1
    row = latest_version(session)
    assert row.created_by == "tester"
    assert row.summary


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_repeated_change_adds_no_version(session, kind):
    first = CHANGES[kind](session)
    count = _version_count(session)

    second = CHANGES[kind](session)

    assert second == first
    assert _version_count(session) == count


def test_rolled_back_change_leaves_no_version(committed_factory):
    with committed_factory() as session:
        before = current_version_label(session)

    with pytest.raises(RuntimeError):
        with session_scope(committed_factory) as session:
            set_stock(session, "BNK001-S01", 42.0, who="tester")
            raise RuntimeError("abort the transaction")

    with committed_factory() as session:
        assert current_version_label(session) == before
        assert _version_count(session) == 1


def test_invalid_edits_rejected(session):
    with pytest.raises(InvalidInputError, match="price must be greater than 0"):
        set_price(session, "BNK001", NEUTRAL_GRASSLAND, "small", "far", 0.0, who="tester")
    with pytest.raises(InvalidInputError, match="tier 'near' is invalid"):
        set_price(session, "BNK001", NEUTRAL_GRASSLAND, "small", "near", 1.0, who="tester")
    with pytest.raises(InvalidInputError, match="contract_size 'huge' is invalid"):
        set_price(session, "BNK001", NEUTRAL_GRASSLAND, "huge", "far", 1.0, who="tester")
    with pytest.raises(UnknownNameError, match="unknown habitat 'Grasland'"):
        set_price(session, "BNK001", "Grasland", "small", "far", 1.0, who="tester")
    with pytest.raises(InvalidInputError, match="units_available must be 0 or more"):
        set_stock(session, "BNK001-S01", -1.0, who="tester")
    with pytest.raises(InvalidInputError, match="band 'Huge' is invalid"):
        set_habitat_band(session, NEUTRAL_GRASSLAND, "Huge", 9.0, who="tester")
    assert _version_count(session) == 1
