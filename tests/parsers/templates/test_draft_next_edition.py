"""A template drafted from one edition of a recurring report reads the next one.

A title printed inside a table's frame, above its header, is not part of the drafted column
names: it often carries the edition's date ("as of January 29, 2016"), so the next edition
was refused as a changed layout. And a cell's shading painted as tiles (Colombia INS, from
its 2016-01-30 edition on) no longer gives the table a padding's width of columns: the
template drafted from the 2016-01-23 edition refused the next two."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.templates.draft import draft_template
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from tests.shared import fixture

CA = "series/ca-cdph-zika-weekly/ca-confirmed-cases-2016-01-29.pdf"
COLOMBIA = "series/co-ins-zika-municipal-weekly"


def _template(path: Path) -> TemplateParser:
    return TemplateParser(parse_template(Path("drafted.toml"), tomllib.loads(draft_template(path))))


def test_california_title_bar_is_not_in_the_column_names() -> None:
    """CDPH's weekly table prints its title and date inside the frame, over both columns."""
    path = fixture(CA)
    drafted = tomllib.loads(draft_template(path))
    (table,) = drafted["tables"]
    assert [c["header"] for c in table["columns"]] == ["Year", "CDC final confirmed cases*"]
    assert [c["name"] for c in table["columns"]] == ["year", "cdc_final_confirmed_cases"]
    assert (table["header_rows"], table["header_search_rows"]) == (1, 1)
    result = _template(path).parse(path)
    assert result.quarantine_reason() is None
    assert [list(r.values.values()) for r in result.rows] == [
        [2013, 1],
        [2014, 3],
        [2015, 2],
        [2016, 0],
    ]


def _edition(path: Path, date: str, columns: list[str], rows: list[tuple[int, ...]]) -> Path:
    """A weekly report whose ruled table has its title, with the edition's date, in a cell
    spanning every column above the header."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(72, 60)
    pdf.cell(300, 14, "County Health Department")
    pdf.set_xy(72, 76)
    pdf.cell(300, 14, "Weekly Surveillance Report")
    width, x, y = 110, 120, 140
    pdf.set_xy(x, y)
    title = f"Confirmed cases by year (as of {date})"
    pdf.cell(width * len(columns), 20, title, border=1, align="C")
    y += 20
    for cells in [tuple(columns), *rows]:
        pdf.set_xy(x, y)
        for value in cells:
            pdf.cell(width, 18, str(value), border=1, align="C")
        y += 18
    pdf.output(str(path))
    return path


@pytest.mark.parametrize(
    "columns",
    [["Year", "Cases"], ["Year", "Cases", "Deaths"]],
    ids=["two columns", "three columns"],
)
def test_template_drafted_from_one_edition_reads_the_next(
    tmp_path: Path, columns: list[str]
) -> None:
    first = _edition(
        tmp_path / "first.pdf",
        "January 29, 2016",
        columns,
        [(2013, 1, 0)[: len(columns)], (2014, 3, 1)[: len(columns)]],
    )
    later = [(2013, 1, 0), (2014, 3, 1), (2015, 4, 0), (2016, 7, 2)]
    second = _edition(
        tmp_path / "second.pdf",
        "February 5, 2016",
        columns,
        [r[: len(columns)] for r in later],
    )
    template = _template(first)
    assert template.detect(second)
    result = template.parse(second)
    assert result.quarantine_reason() is None, result.quarantine_reason()
    assert [tuple(r.values.values()) for r in result.rows] == [r[: len(columns)] for r in later]


@pytest.mark.parametrize(
    ("drafted_from", "edition"),
    [
        ("2016-01-23", "2016-01-30"),
        ("2016-01-23", "2016-02-06"),
        ("2016-02-06", "2016-01-30"),
    ],
)
def test_colombia_template_drafted_from_one_edition_reads_the_others(
    drafted_from: str, edition: str
) -> None:
    template = _template(fixture(f"{COLOMBIA}/colombia-municipal-{drafted_from}.pdf"))
    path = fixture(f"{COLOMBIA}/colombia-municipal-{edition}.pdf")
    truth = json.loads(
        fixture(f"{COLOMBIA}/expected/colombia-municipal-{edition}.json").read_text("utf-8")
    )["tables"][0]
    assert template.detect(path)
    result = template.parse(path)
    assert result.quarantine_reason() is None, result.quarantine_reason()
    rows = [[str(v) for v in r.values.values()] for r in result.rows]
    assert len(rows) == truth["row_count"]
    assert rows[: len(truth["first_rows"])] == truth["first_rows"]
    assert rows[-len(truth["last_rows"]) :] == truth["last_rows"]
    # The printed TOTAL GENERAL is not the sum of the printed rows (the README's note): the
    # drafted check says so, by how much.
    (check,) = [w for w in result.warnings if w.kind == "check"]
    printed, summed = (
        truth["totals"]["Total casos"],
        truth["column_sums_of_printed_rows"]["Total casos"],
    )
    assert printed in check.message and summed in check.message, check.message


def test_colombia_template_drafted_from_18_pages_reads_all_19_of_another_edition() -> None:
    """The table runs to the document's end ("1-"), not to the drafted edition's page 18."""
    template = _template(fixture(f"{COLOMBIA}/colombia-municipal-2016-01-30.pdf"))
    result = template.parse(fixture(f"{COLOMBIA}/colombia-municipal-2016-01-23.pdf"))
    assert len(result.rows) == 1178
    assert sum(1 for r in result.rows if r.page == 19) == 9
    # Every row read; the edition's printed total for clinical cases (17115) is not the sum
    # of its rows (17112), where the drafted edition's was: the drafted check says so.
    reason = result.quarantine_reason() or ""
    assert "confirmados_por_cl_nica" in reason and "17115" in reason and "17112" in reason
