"""Contract size counts blocked rows, and the quote warns when they change it."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.engine import quote
from bng_optimiser.domain.examples import NATIVE_HEDGEROW, local_beats_far, make_request
from bng_optimiser.domain.reference import ContractSize

FELLED = "Woodland and forest - Felled"
PRIORITY_WATERCOURSE = "Priority habitat"


def test_blocked_row_changes_size() -> None:
    reference = local_beats_far().reference
    request = make_request([(FELLED, 1.0), (PRIORITY_WATERCOURSE, 0.5), (NATIVE_HEDGEROW, 0.01)])

    result = quote(request, reference)

    assert result.status == "manual_review"
    assert [b.row_id for b in result.blocked] == ["R2"]
    assert [m.row_id for m in result.manual_lines] == ["R1"]
    # The felled manual line is left out: 0.5 + 0.01 = 0.51 units is small (0.1 <= T < 2.5),
    # with the 500 admin fee. Without the blocked 0.5 it would be 0.01, fractional.
    assert result.total_units == pytest.approx(0.51)
    assert result.contract_size is ContractSize.SMALL
    assert result.admin_fee == 500
    assert (
        "blocked rows R2 (0.5 units) count towards the contract size: it is small with them "
        "and would be fractional without them"
    ) in result.warnings


def test_blocked_row_same_size() -> None:
    reference = local_beats_far().reference
    request = make_request([(PRIORITY_WATERCOURSE, 0.5), (NATIVE_HEDGEROW, 1.0)])

    result = quote(request, reference)

    # 0.5 + 1.0 = 1.5 units and 1.0 without the blocked row: small either way.
    assert result.contract_size is ContractSize.SMALL
    assert not any("contract size" in warning for warning in result.warnings)


def test_size_override_no_warning() -> None:
    reference = local_beats_far().reference
    request = make_request([(PRIORITY_WATERCOURSE, 0.5), (NATIVE_HEDGEROW, 0.01)],
                           contract_size=ContractSize.MEDIUM)

    result = quote(request, reference)

    assert result.contract_size is ContractSize.MEDIUM
    assert not any("contract size" in warning for warning in result.warnings)
