"""A title printed inside a table's frame, on rows spanning every column above the header,
is the table's title: not a header level, not a prefix of every column name, and its
shading does not cut the grid into empty sliver columns (CDPH Zika tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.generic import extract_tables
from parsers.generic.parser import PARSER
from parsers.generic.shading import hidden_rects
from tests.parsers.generic.titled_pages import TITLE, titled_frame_table, titled_whitespace_table
from tests.shared import expected, fixture

ZIKA = "series/ca-cdph-zika-weekly"
EDITIONS = ("2016-01-29", "2016-02-26", "2016-03-18", "2016-03-25")


#: Per header shape: columns as named, their types, and the body rows as typed.
SHAPES = {
    1: (
        ["Year", "Cases"],
        ["integer", "integer"],
        [[2019, 14], [2020, 3], [2021, 0], [2022, 27], [2023, 1204]],
    ),
    2: (
        ["Region", "Cases: Travel", "Cases: Local"],
        ["text", "integer", "integer"],
        [["North", 12, 0], ["South", 7, 2], ["East", 1031, 45]],
    ),
}


@pytest.mark.parametrize("shaded", [True, False])
@pytest.mark.parametrize("header_levels", [1, 2])
def test_title_rows_over_the_header_are_the_title(
    tmp_path: Path, header_levels: int, shaded: bool
) -> None:
    path = tmp_path / "titled.pdf"
    body = titled_frame_table(path, header_levels=header_levels, shaded=shaded)
    names, types, values = SHAPES[header_levels]
    (table,) = extract_tables(path)
    assert table.n_columns == len(names)
    assert table.title == " ".join(TITLE)
    assert table.columns == names
    assert table.rows == body
    (typed,) = PARSER.parse(path).typed
    assert typed.title == " ".join(TITLE)
    assert [(c.name, c.type) for c in typed.columns] == list(zip(names, types, strict=True))
    assert [r.values for r in typed.rows] == values


@pytest.mark.parametrize("framed", [True, False])
def test_title_lines_over_an_unruled_table_name_no_column(tmp_path: Path, framed: bool) -> None:
    path = tmp_path / "titled.pdf"
    body = titled_whitespace_table(path, framed)
    (table,) = extract_tables(path)
    # The title's short second line is the title's, not a header part over one column;
    # "Cases", centred over both value columns above flush-right headings, heads both.
    assert table.header == [["Region", "Cases", ""], ["", "Travel", "Local"]]
    assert table.columns == ["Region", "Cases: Travel", "Cases: Local"]
    assert table.rows == body


def _rect(x0: float, top: float, x1: float, bottom: float, colour: float) -> dict[str, object]:
    return {
        "x0": x0,
        "top": top,
        "x1": x1,
        "bottom": bottom,
        "fill": True,
        "stroke": False,
        "non_stroking_color": (colour,),
    }


def test_only_shading_inside_same_colour_shading_is_hidden() -> None:
    bar = _rect(100, 100, 300, 130, 0.85)
    line = _rect(105, 100, 295, 115, 0.85)  # the title line's own shading: hidden
    other = _rect(105, 115, 295, 129, 0.5)  # another grey: its sides show
    rule = _rect(99.6, 100, 100.4, 130, 0.0)  # a black rule on the bar's side: a rule
    dark_bar = _rect(100, 140, 300, 170, 0.0)
    rule_on_dark = _rect(150, 140, 150.5, 170, 0.0)  # thinner than shading: kept
    assert hidden_rects([bar, line, other, rule, dark_bar, rule_on_dark]) == [line]
    # Painted over by another colour between the bar and it: its sides show.
    white = _rect(100, 100, 300, 130, 1.0)
    assert hidden_rects([bar, white, line]) == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_zika_title_inside_the_frame_names_no_column(edition: str) -> None:
    truth = expected(f"{ZIKA}/expected/ca-confirmed-cases-{edition}.json")["tables"][0]
    path = fixture(f"{ZIKA}/ca-confirmed-cases-{edition}.pdf")
    (table,) = extract_tables(path)
    assert table.title == truth["title"]
    assert table.columns == truth["columns"]
    (typed,) = PARSER.parse(path).typed
    assert typed.title == truth["title"]
    assert [c.name for c in typed.columns[: len(truth["columns"])]] == truth["columns"]
    assert len(typed.rows) == truth["row_count"]


def test_zika_first_edition_typed_values() -> None:
    truth = expected(f"{ZIKA}/expected/ca-confirmed-cases-2016-01-29.json")["tables"][0]
    (typed,) = PARSER.parse(fixture(f"{ZIKA}/ca-confirmed-cases-2016-01-29.pdf")).typed
    assert typed.name == "year_cdc_final_confirmed_cases"
    assert [(c.name, c.type) for c in typed.columns] == [
        ("Year", "integer"),
        ("CDC final confirmed cases*", "integer"),
    ]
    assert [r.values for r in typed.rows] == [[2013, 1], [2014, 3], [2015, 2], [2016, 0]]
    assert [[str(v) for v in r.values] for r in typed.rows] == truth["all_rows"]


def test_zika_not_available_is_empty_in_a_numeric_column() -> None:
    truth = expected(f"{ZIKA}/expected/ca-confirmed-cases-2016-02-26.json")["tables"][0]
    (typed,) = PARSER.parse(fixture(f"{ZIKA}/ca-confirmed-cases-2016-02-26.pdf")).typed
    assert [(c.name, c.type) for c in typed.columns] == [
        ("Year", "integer"),
        ("CDC final confirmed cases*", "integer"),
        ("CDC preliminary positive cases**", "integer"),
    ]
    # "NA" (not available) in 2013 and 2014: no value, not a text column.
    assert [r.values for r in typed.rows] == [
        [2013, 1, None], [2014, 3, None], [2015, 4, 0], [2016, 6, 0]
    ]  # fmt: skip
    assert [row[2] for row in truth["all_rows"]] == ["NA", "NA", "0", "0"]
