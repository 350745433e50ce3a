"""Cache keys: canonical requests, reference versions and job ids."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.embedded import EmbeddedSource
from bng_optimiser.domain.request import QuoteRequest
from bng_optimiser.jobs import cache
from bng_optimiser.jobs.canonical import UnknownNamesError, canonicalise

REFERENCE = EmbeddedSource().load()


def request(**changes: object) -> QuoteRequest:
    body: dict[str, object] = {
        "lpa_code": "E60000016",
        "nca_number": 61,
        "demand": [{"habitat": "Grassland - Other neutral grassland", "units": 1.0}],
    }
    body.update(changes)
    return QuoteRequest.model_validate(body)


def test_spellings_give_one_key() -> None:
    exact = canonicalise(request(), REFERENCE)
    loose = canonicalise(
        request(
            lpa_code="  cheshire WEST and chester",
            nca_number="Shropshire, Cheshire and Staffordshire Plain",
            demand=[{"habitat": "grassland -  other neutral grassland", "units": 1}],
        ),
        REFERENCE,
    )
    assert loose == exact
    assert cache.request_hash(loose, "v1") == cache.request_hash(exact, "v1")


def test_key_changes_with_version_units_and_client() -> None:
    base = canonicalise(request(), REFERENCE)
    digest = cache.request_hash(base, "v1")
    assert cache.request_hash(base, "v2") != digest
    larger = request(demand=[{"habitat": "Grassland - Other neutral grassland", "units": 1.5}])
    more = canonicalise(larger, REFERENCE)
    assert cache.request_hash(more, "v1") != digest
    named = canonicalise(request(), REFERENCE, client_name="Other Ltd")
    assert cache.request_hash(named, "v1") != digest


def test_key_is_sha256_of_sorted_json_and_version() -> None:
    import hashlib
    import json

    canonical = canonicalise(request(), REFERENCE)
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":")) + "\nv7"
    assert cache.request_hash(canonical, "v7") == hashlib.sha256(text.encode()).hexdigest()
    assert cache.job_id_for("ab" * 32) == "quote-" + "ab" * 16
    assert cache.cache_key("ab" * 32) == "cache:" + "ab" * 32


def test_every_unknown_name_is_listed() -> None:
    bad = request(
        lpa_code="Nowhere",
        demand=[
            {"habitat": "Grassland - Other neutral grassland", "units": 1},
            {"habitat": "Moon rock", "units": 1},
        ],
    )
    with pytest.raises(UnknownNamesError) as raised:
        canonicalise(bad, REFERENCE)
    assert [path for path, _ in raised.value.problems] == [("lpa_code",), ("demand", 1, "habitat")]
