"""The `habitats`, `lpas` and `ncas` commands."""

from __future__ import annotations


def test_habitats_show_ledger_and_band(run_cli) -> None:
    run = run_cli("habitats", "modified grassland")

    assert run.status == 0
    lines = run.out.splitlines()
    assert lines[0].split() == ["habitat", "ledger", "band", "note"]
    assert lines[2].split() == ["Grassland", "-", "Modified", "grassland", "area", "Low"]
    assert len(lines) == 3


def test_habitats_filter_by_ledger(run_cli) -> None:
    run = run_cli("habitats", "--ledger", "watercourse")
    rows = run.out.splitlines()[2:]

    # 5 watercourse types + Net Gain (Watercourses).
    assert run.status == 0
    assert len(rows) == 6
    assert "Net Gain (Watercourses)" in rows[-1]
    assert "demand only (net gain)" in rows[-1]


def test_all_habitats_listed(run_cli) -> None:
    run = run_cli("habitats")

    # 132 area + 13 hedgerow + 5 watercourse + 3 net-gain labels = 153 rows under 2 header lines.
    assert len(run.out.splitlines()) == 2 + 153


def test_lpas_search_name_and_code(run_cli) -> None:
    by_name = run_cli("lpas", "cheshire")
    by_code = run_cli("lpas", "E60000016")

    assert by_name.out.splitlines()[2:] == [
        "E60000015  Cheshire East",
        "E60000016  Cheshire West and Chester",
    ]
    assert by_code.out.splitlines()[2:] == ["E60000016  Cheshire West and Chester"]


def test_ncas_search_number(run_cli) -> None:
    run = run_cli("ncas", "61")

    assert run.status == 0
    assert run.out.splitlines()[2:] == ["61      Shropshire, Cheshire and Staffordshire Plain"]


def test_no_match_suggests(run_cli) -> None:
    # "grass" and "modif" are too short to count as misspelt words, so nothing is listed.
    run = run_cli("habitats", "Grass modif")

    assert run.status == 2
    assert run.out == ""
    assert run.err.startswith("error: no habitat matches 'Grass modif'; did you mean ")
    assert "'Grassland - Modified grassland'" in run.err


def test_misspelt_habitat_lists_close(run_cli) -> None:
    run = run_cli("habitats", "grasland")
    names = [line.split("  ")[0] for line in run.out.splitlines()[2:]]

    assert run.status == 0
    assert run.err == "note: no habitat contains 'grasland'; listing close matches\n"
    assert "Grassland - Modified grassland" in names
    assert "Grassland - Other neutral grassland" in names
    assert "Grassland - Bracken" in names
    assert all("grassland" in name.casefold() for name in names)


def test_misspelt_lpa_lists_both(run_cli) -> None:
    run = run_cli("lpas", "chesire")

    assert run.status == 0
    assert run.out.splitlines()[2:] == [
        "E60000015  Cheshire East",
        "E60000016  Cheshire West and Chester",
    ]


def test_misspelt_nca_words(run_cli) -> None:
    run = run_cli("ncas", "shropshre hils")

    assert run.status == 0
    assert run.out.splitlines()[2:] == ["65      Shropshire Hills"]


def test_unknown_nca_number_exits_2(run_cli) -> None:
    run = run_cli("ncas", "200")

    assert run.status == 2
    assert run.err.startswith("error: no NCA matches '200'")
