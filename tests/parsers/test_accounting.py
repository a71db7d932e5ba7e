"""Page accounting: table-like lines in no table are named, never a silent success."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from parsers.accounting import (
    ALIGN_TOLERANCE,
    TABLE_LIKE_TOKENS,
    Line,
    account_lines,
    is_table_like,
    is_value_token,
    page_ranges,
    table_like_lines,
    words_to_lines,
)
from parsers.base import ParseResult, ParseWarning, Row
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from tests.parsers.templates.test_engine import ROWS, TEMPLATE, _report
from tests.shared import fixture


def _line(top: float, *tokens: tuple[float, str]) -> Line:
    return Line(top, top + 8, tuple((x, x + 6 * len(t), t) for x, t in tokens))


def test_value_tokens_and_table_like_lines() -> None:
    assert [is_value_token(t) for t in ["1,234", "12.5%", "7**", "03/01/2016", "(15)", "Ada"]] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]
    assert all(is_value_token(t) for t in ["23:30", "23-10-02-279463", "2016-03-01"])
    assert is_table_like(["Adair", "12", "3"]) and not is_table_like(["Adair", "12"])
    rows = [
        _line(100 + 12 * i, (40, f"County {i}"), (200, f"{i}1"), (260, f"{i}7")) for i in range(3)
    ]
    prose = _line(
        10,
        *(
            (40 + 30 * i, w)
            for i, w in enumerate("In 2016 there were 404 cases in 156 towns of the state".split())
        ),
    )
    footer = _line(700, (250, "Page"), (280, "1"), (292, "of"), (310, "9"))
    lonely = _line(300, (40, "Total"), (500, "99"), (560, "98"))  # values align with nothing
    found = table_like_lines([prose, *rows, footer, lonely])
    assert found == rows
    assert page_ranges([8, 3, 4, 5, 1]) == "1, 3-5, 8"


def test_sheet_with_no_rows_loaded_is_a_warning() -> None:
    sheet = [
        Line(n, n, ((0, 0, f"Precinct {n}"), (1, 1, str(n)), (2, 2, str(2 * n))))
        for n in range(1, 6)
    ]
    result = ParseResult()
    accounts = account_lines([[], sheet], result, unit="sheet")
    assert [(a.page, a.rows, a.table_like, len(a.unaccounted)) for a in accounts] == [
        (1, 0, 0, 0),
        (2, 0, 5, 5),
    ]
    assert result.warnings == [
        ParseWarning(
            "no_rows", "no rows loaded, but 5 table-like lines printed on sheet 2", (2,), 5
        )
    ]
    assert result.warning_text() == "no rows loaded, but 5 table-like lines printed on sheet 2"
    # Rows 1-3 read as a table: rows 4-5 are named.
    read = ParseResult(rows=[Row("t", 2, 0, i, {}) for i in range(3)])
    account_lines([[], sheet], read, {2: [(0, 1, 2, 3)]}, unit="sheet")
    assert [w.kind for w in read.warnings] == ["unaccounted_lines"]
    assert read.warnings[0].message.startswith(
        "2 table-like lines in no table on sheet 2 (sheet 2: 2); e.g. 'Precinct 4 4 8'"
    )
    assert read.accounted == {1: (0, 0), 2: (3, 2)}


def test_template_limited_to_page_one_names_page_two(tmp_path: Path) -> None:
    path = _report(tmp_path / "r.pdf", total=sum(100 + n for n in range(60)), stated=60)
    full = TemplateParser(parse_template(Path("t.toml"), TEMPLATE)).parse(path)
    assert len(full.rows) == 60 and full.warnings == []
    assert full.accounted == {
        1: (len([r for r in full.rows if r.page == 1]), 0),
        2: (60 - len([r for r in full.rows if r.page == 1]), 0),
    }
    table = dict(TEMPLATE["tables"][0], pages="1")  # type: ignore[index]
    limited = TemplateParser(parse_template(Path("t.toml"), dict(TEMPLATE, tables=[table])))
    result = limited.parse(path)
    on_page_one = len(result.rows)
    missed = 60 - on_page_one
    assert 0 < on_page_one < 60
    # The page-2 rows are table-like lines no table took (the Total row has one number).
    assert [(w.kind, w.pages, w.lines) for w in result.warnings] == [
        ("unaccounted_lines", (2,), missed)
    ]
    first_missed = ROWS[on_page_one]
    assert f"e.g. '{' '.join(first_missed)}'" in result.warnings[0].message


def test_template_skipping_a_page_with_its_header_says_so(tmp_path: Path) -> None:
    from tests.parsers.generic.test_continuation import _report as jail_report

    path = jail_report(tmp_path / "jail.pdf")  # the header printed on both pages
    integer = {"type": "integer", "description": "d"}
    data = {
        "name": "jail",
        "version": "1.0",
        "description": "Generated.",
        "detect": {"page1": ["Jail"]},
        "tables": [
            {
                "name": "jail",
                "description": "Counties.",
                "settings": "generic",
                "pages": "1",
                "columns": [
                    {"name": "county", "header": "County", "description": "d"},
                    {"name": "inmates", "header": "Inmates", **integer},
                    {"name": "felons", "header": "Felons", **integer},
                    {"name": "beds", "header": "Beds", **integer},
                ],
            }
        ],
    }
    result = TemplateParser(parse_template(Path("jail.toml"), data)).parse(path)
    assert len(result.rows) == 20
    assert [(w.kind, w.pages, w.lines) for w in result.warnings] == [
        ("skipped_pages", (2,), 0),
        ("unaccounted_lines", (2,), 20),
    ]
    assert result.warnings[0].message == (
        "table jail: its header is printed on page 2, which its pages = '1' leave out"
    )


def _table_like_by_every_pair(lines: list[Line]) -> list[str]:
    """The rule of ``table_like_lines`` written the plain way: every candidate against every
    other (the module's buckets and neighbour-first search must find the same lines)."""
    candidates = [
        ln
        for ln in lines
        if len(ln.values()) >= TABLE_LIKE_TOKENS
        and 4 * len(ln.values()) >= len(ln.tokens)
        and not re.search(r"\bpage\s+\d+\s+(of|/)\s+\d+\b", ln.text, re.IGNORECASE)
    ]
    kept = []
    for line in candidates:
        for other in candidates:
            if other is line:
                continue
            aligned = sum(
                1
                for a in line.values()
                if any(
                    abs(a[0] - b[0]) <= ALIGN_TOLERANCE or abs(a[1] - b[1]) <= ALIGN_TOLERANCE
                    for b in other.values()
                )
            )
            if aligned >= TABLE_LIKE_TOKENS:
                kept.append(line.text)
                break
    return kept


@pytest.mark.parametrize(
    "relative",
    [
        "real/pdfplumber/nics-background-checks-2015-11.pdf",
        "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
        "real/camelot/us-030.pdf",
    ],
)
def test_table_like_lines_are_those_of_the_plain_pairwise_rule(relative: str) -> None:
    found: list[str] = []
    with pdfplumber.open(fixture(relative)) as pdf:
        for page in pdf.pages[:3]:
            lines = words_to_lines(page.extract_words())
            on_page = [ln.text for ln in table_like_lines(lines)]
            assert on_page == _table_like_by_every_pair(lines)
            found += on_page
    assert found  # the pages do hold table rows
