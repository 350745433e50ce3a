"""The request model rejects booleans and strings where it expects numbers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bng_optimiser.domain.request import QuoteRequest

HEDGEROW = {"habitat": "Native hedgerow", "units": 0.5}


def request_data(**changes: object) -> dict:
    data: dict = {"lpa_code": "E60000016", "nca_number": 61, "demand": [dict(HEDGEROW)]}
    data.update(changes)
    return data


@pytest.mark.parametrize("units", [True, False, "2.4", "1", None])
def test_units_reject_non_number(units: object) -> None:
    data = request_data(demand=[{"habitat": "Native hedgerow", "units": units}])

    with pytest.raises(ValidationError) as caught:
        QuoteRequest.model_validate(data)

    (error,) = caught.value.errors()
    assert error["loc"] == ("demand", 0, "units")
    assert error["type"] == "float_type"


def test_units_accept_int_and_float() -> None:
    data = request_data(demand=[{"habitat": "Native hedgerow", "units": 2},
                                {"habitat": "Native hedgerow", "units": 0.25}])

    request = QuoteRequest.model_validate(data)

    assert [item.units for item in request.demand] == [2.0, 0.25]


@pytest.mark.parametrize("value", [True, "0.3"])
def test_suo_surplus_rejects_non_number(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        QuoteRequest.model_validate(request_data(suo_surplus_units=value))

    (error,) = caught.value.errors()
    assert error["loc"] == ("suo_surplus_units",)


@pytest.mark.parametrize("value", [True, "10"])
def test_discount_value_rejects_non_number(value: object) -> None:
    discount = {"type": "percentage", "value": value}

    with pytest.raises(ValidationError) as caught:
        QuoteRequest.model_validate(request_data(promoter_discount=discount))

    (error,) = caught.value.errors()
    assert error["loc"] == ("promoter_discount", "value")


@pytest.mark.parametrize("nca", [True, False])
def test_nca_rejects_boolean(nca: bool) -> None:
    with pytest.raises(ValidationError) as caught:
        QuoteRequest.model_validate(request_data(nca_number=nca))

    (error,) = caught.value.errors()
    assert error["loc"] == ("nca_number",)
    assert f"NCA must be a number from 1 to 159 or a name, got {nca!r}" in error["msg"]


@pytest.mark.parametrize("nca", [61, "61", "Shropshire, Cheshire and Staffordshire Plain"])
def test_nca_accepts_number_or_name(nca: int | str) -> None:
    request = QuoteRequest.model_validate(request_data(nca_number=nca))

    assert request.nca_number == nca


def test_request_from_json_text_is_strict() -> None:
    text = '{"lpa_code": "E60000016", "nca_number": 61, ' \
           '"demand": [{"habitat": "Native hedgerow", "units": true}]}'

    with pytest.raises(ValidationError):
        QuoteRequest.model_validate_json(text)
