"""Canonical form of a quote request: names resolved to codes, so spellings share a cache entry."""

from __future__ import annotations

from typing import Any

from bng_optimiser.domain.exceptions import InvalidInputError, UnknownNameError
from bng_optimiser.domain.reference import ReferenceData
from bng_optimiser.domain.request import QuoteRequest

# Location of a field in the request body, as FastAPI reports it: ("demand", 3, "habitat").
FieldPath = tuple[str | int, ...]


class UnknownNamesError(InvalidInputError):
    """One or more names in a request match nothing in the reference data; lists every one."""

    def __init__(self, problems: list[tuple[FieldPath, UnknownNameError]]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(error) for _, error in problems))


def canonicalise(
    request: QuoteRequest, reference: ReferenceData, client_name: str | None = None
) -> dict[str, Any]:
    """Return the request as plain JSON values with LPA code, NCA number and catalogue labels.

    Raises UnknownNamesError naming every unknown habitat, LPA, NCA or waterbody at once.
    """
    problems: list[tuple[FieldPath, UnknownNameError]] = []
    body = request.model_dump(mode="json")

    try:
        body["lpa_code"] = reference.geography.lpa(request.lpa_code).code
    except UnknownNameError as error:
        problems.append((("lpa_code",), error))
    try:
        body["nca_number"] = reference.geography.nca(request.nca_number).number
    except UnknownNameError as error:
        problems.append((("nca_number",), error))
    if request.waterbody_id is not None:
        try:
            body["waterbody_id"] = reference.geography.waterbody(request.waterbody_id).wbid
        except UnknownNameError as error:
            problems.append((("waterbody_id",), error))

    for index, item in enumerate(request.demand):
        try:
            body["demand"][index]["habitat"] = reference.catalogue.get(item.habitat).label
        except UnknownNameError as error:
            problems.append((("demand", index, "habitat"), error))

    if problems:
        raise UnknownNamesError(problems)
    return {"request": body, "client_name": client_name}
