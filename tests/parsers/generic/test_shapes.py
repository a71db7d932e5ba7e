"""Page shapes the generic extractor got wrong on documents outside the fixtures (issue 13,
failure modes 2-6), each drawn with fpdf2 in ``generic_pages`` and read to exact cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.generic import extract_tables
from parsers.generic.cell_text import clean, drop_leaders
from parsers.generic.model import Word
from parsers.generic.not_tables import is_list
from tests.parsers.generic import pages as pages


@pytest.mark.parametrize(
    ("column_rulings", "line_rules"), [(False, False), (True, False), (True, True)]
)
def test_register_ruled_between_records_gives_one_row_a_record(
    tmp_path: Path, column_rulings: bool, line_rules: bool
) -> None:
    """Failure mode 2: one record wrapping in every column made the rules-between-rows
    reader give up, and every text line became a row (records in 2-4 fragments, the header
    row lost). Each band between two rules is one record, the header band the header.
    With a rule under each line of one column, the other columns' cells were copied into
    each line's row (each record 2-4 times); those rows are joined into the record."""
    path = tmp_path / "register.pdf"
    expected = pages.wrapped_register(path, column_rulings=column_rulings, line_rules=line_rules)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.columns == ["Case number", "Parties", "Subject of the dispute", "Decision"]
    assert table.method == ("ruled" if column_rulings else "row-ruled")
    assert table.warnings == []


def test_two_level_header_stays_with_its_figures_and_nil_markers_are_kept(
    tmp_path: Path,
) -> None:
    """Failure mode 3: the 3-line header, set apart by a wider gap than the rows, came out
    as a table of its own shifted one column right, the body's columns named column_1...;
    "..." (not available) cells were blanked as leader dots."""
    path = tmp_path / "statement.pdf"
    expected = pages.two_level_header_statement(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.columns == [
        "Sector",
        "Revenue: Taxes",
        "Revenue: Grants received",
        "Revenue: Other revenue",
        "Expenditure: Current spending",
        "Expenditure: Capital spending",
        "Expenditure: Interest payments",
    ]
    assert len(table.header) == 3
    assert table.rows[1] == ["State governments", "845.0", "...", "41.7", "790.2", "120.4", "..."]
    assert table.warnings == []


def test_nil_marker_kept_leaders_dropped() -> None:
    def line(*placed: tuple[float, str]) -> list[Word]:
        return [Word(x, 0.0, x + 5.0 * len(t), 8.0, t) for x, t in placed]

    # "..." alone in a column, a column gap on either side: not available.
    nil = line((0, "Taxes"), (100, "..."), (150, "12"))
    assert [w.text for w in drop_leaders(nil)] == ["Taxes", "...", "12"]
    # Dots joined to the label, or a long run of them: leaders.
    assert [w.text for w in drop_leaders(line((0, "Taxes"), (27, "..."), (150, "12")))] == [
        "Taxes",
        "12",
    ]
    assert [w.text for w in drop_leaders(line((0, "Taxes"), (60, "........"), (150, "12")))] == [
        "Taxes",
        "12",
    ]
    assert clean("...") == "..." and clean("Taxes ......") == "Taxes"


def test_year_row_above_a_ruled_grid_and_its_unit_row_are_kept(tmp_path: Path) -> None:
    """Failure mode 4: the year row printed just above the top rule was lost (one line is
    no whitespace table); it is the grid's first header row now. The unit row inside the
    heading cells stays with each heading, so every column keeps its unit."""
    path = tmp_path / "years.pdf"
    expected = pages.year_and_unit_rows(path)
    (table,) = extract_tables(path)
    assert table.header == [
        ["", "2021", "2022", "2023"],
        ["Indicator", "Output EUR million", "Prices %", "Jobs thousand"],
    ]
    assert table.rows == expected[3:]
    assert table.columns == [
        "Indicator",
        "2021 Output EUR million",
        "2022 Prices %",
        "2023 Jobs thousand",
    ]
    assert (table.method, table.warnings) == ("ruled", [])


def test_page_border_is_not_a_table(tmp_path: Path) -> None:
    """Failure mode 4: a border round the page with a title band made a 3-column "table"
    holding the whole page's text in one cell; the table inside is found instead."""
    path = tmp_path / "framed.pdf"
    expected = pages.page_frame(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert (table.method, table.warnings) == ("whitespace", [])


@pytest.mark.parametrize("heading_gap", [0.5, 2.0])
def test_key_figures_under_sub_headings_are_one_table(tmp_path: Path, heading_gap: float) -> None:
    """Failure mode 5: a key-figures statement came out as one table per sub-heading (set
    apart by two blank lines), each sub-heading its header; it is one table, headings as
    rows of their own, with no header."""
    path = tmp_path / "key.pdf"
    expected = pages.key_figures(path, heading_gap=heading_gap)
    (table,) = extract_tables(path)
    assert table.header == []
    assert table.rows == expected
    assert table.columns == ["column_1", "column_2"]
    assert table.warnings == []


def test_grid_ruled_with_dotted_lines_is_a_ruled_table(tmp_path: Path) -> None:
    """Failure mode 5: rules drawn as rows of dots were no rules, and the grid was read by
    whitespace: six columns, the wrapped header cells two rows off their columns."""
    path = tmp_path / "dotted.pdf"
    expected = pages.dotted_grid(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.columns == ["Port of landing", "Catch (tonnes)", "Value (EUR 000)", "Vessels"]
    assert (table.method, table.warnings) == ("ruled", [])


@pytest.mark.parametrize("bullet", ["-", "{n}.", "({n})"])
def test_chart_list_and_footer_are_no_tables(tmp_path: Path, bullet: str) -> None:
    """Failure mode 6: a numbered list became a 2-column table (marker, item); the chart's
    axis labels and the footer were, and stay, no table."""
    path = tmp_path / "chart.pdf"
    pages.chart_bullets_footer(path, bullet=bullet)
    assert extract_tables(path) == []


@pytest.mark.parametrize("offset", [0.25, 0.6])
def test_overprinted_fake_bold_is_read_once(tmp_path: Path, offset: float) -> None:
    """Failure mode 6: a header and first column printed twice a fraction of a point apart
    read "Moontth"; a character printed again within 0.4 of its width is the same one."""
    path = tmp_path / "bold.pdf"
    expected = pages.fake_bold_table(path, offset=offset)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.warnings == []


def test_numbered_list_is_no_table_but_numbered_figures_are() -> None:
    assert is_list([["1.", "Arrivals rose."], ["", "in every region"], ["2.", "The west."]])
    assert not is_list([["1.", "Arrivals"], ["2.", "1,204"]])
    assert not is_list([["1.", "Arrivals", "1,204"], ["2.", "Nights", "3,310"]])
