"""Promoters seeded with illustrative discount terms."""

from __future__ import annotations

import pytest

from bng_optimiser.db.promoters import get_promoter, list_promoters
from bng_optimiser.domain.exceptions import UnknownNameError


def test_list_promoters_sorted(session):
    promoters = list_promoters(session)

    assert [p.name for p in promoters] == sorted(p.name for p in promoters)
    assert {p.discount.type for p in promoters} == {"tier_up", "percentage", "none"}


def test_get_promoter_ignores_case(session):
    promoter = get_promoter(session, "sample developments PLC (illustrative)")

    assert promoter.discount.type == "percentage"
    assert promoter.discount.value == 5.0


def test_unknown_promoter_suggests(session):
    with pytest.raises(UnknownNameError, match="Example Homes Ltd"):
        get_promoter(session, "Example Homes")
