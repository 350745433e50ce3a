"""Name matching: suggestions for unknown names and word-by-word fuzzy matches."""

from __future__ import annotations

import pytest

from bng_optimiser.domain.embedded import load_static
from bng_optimiser.domain.exceptions import UnknownNameError
from bng_optimiser.domain.names import fuzzy_matches, suggest, word_similarity

LPAS = ["Cheshire East", "Cheshire West and Chester", "Cherwell", "Hertsmere", "Chester-le-Street"]


def test_suggest_finds_every_close_word() -> None:
    # "chesire" is 0.93 similar to the word "cheshire" and only 0.71 to "chester".
    assert suggest("chesire", LPAS) == ["Cheshire East", "Cheshire West and Chester"]


def test_suggest_partial_word() -> None:
    labels = ["Grassland - Modified grassland", "Heathland and shrub - Bramble scrub"]

    assert suggest("modif", labels) == ["Grassland - Modified grassland"]


def test_suggest_nothing_close() -> None:
    assert suggest("xyzzy", LPAS) == []


def test_word_similarity_ignores_order() -> None:
    assert word_similarity("west cheshire", "Cheshire West and Chester") == 1.0
    assert word_similarity("", "Cheshire East") == 0.0


def test_fuzzy_matches_need_every_word() -> None:
    labels = ["Grassland - Modified grassland", "Grassland - Bracken", "Urban - Allotments"]

    assert fuzzy_matches("grasland", labels) == [
        "Grassland - Modified grassland", "Grassland - Bracken",
    ]
    # "brackn" is close to "bracken", so only Bracken has a close word for both words.
    assert fuzzy_matches("grasland brackn", labels) == ["Grassland - Bracken"]
    assert fuzzy_matches("- ,", labels) == []


def test_catalogue_suggests_grassland_first() -> None:
    catalogue, _ = load_static()

    with pytest.raises(UnknownNameError) as caught:
        catalogue.get("Grasland - Modifed")

    assert caught.value.suggestions[0] == "Grassland - Modified grassland"


@pytest.mark.parametrize("number", ["160", "0", 200])
def test_nca_number_out_of_range(number: str | int) -> None:
    _, geography = load_static()

    with pytest.raises(UnknownNameError) as caught:
        geography.nca(number)

    assert str(caught.value) == f"unknown NCA {number!r}; NCA numbers run from 1 to 159"
    assert caught.value.suggestions == []


def test_lpa_suggestions_name_codes() -> None:
    _, geography = load_static()

    with pytest.raises(UnknownNameError) as caught:
        geography.lpa("chesire")

    assert caught.value.suggestions == [
        "Cheshire East (E60000015)", "Cheshire West and Chester (E60000016)",
    ]


def test_suggest_ignores_one_letter_inside() -> None:
    labels = ["Heathland and shrub - Mixed scrub", "Urban - Allotments"]

    assert suggest("x", labels) == []
