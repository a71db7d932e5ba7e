"""A page where the finder sees no table is read as the continuation of the table on the
page before when its lines fit that table's columns (generated report)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from parsers.generic.continuation import continue_pages, pdf_page_words
from parsers.generic.extract import _pages_worker
from parsers.generic.merge import join_pages

COUNTIES = [f"County {chr(65 + n // 3)}{n}" for n in range(40)]


def _rows() -> list[tuple[str, str, str, str]]:
    return [(c, f"{100 + 7 * n:,}", str(n % 9), f"{3 * n + 1}") for n, c in enumerate(COUNTIES)]


def _report(path: Path) -> Path:
    """Two pages of the same unruled table, header on each page, 20 rows a page."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", "", 10)
    rows = _rows()
    for start in (0, 20):
        pdf.add_page()
        pdf.cell(0, 20, "Monthly County Jail Population", new_x="LMARGIN", new_y="NEXT")
        for cells in [("County", "Inmates", "Felons", "Beds"), *rows[start : start + 20]]:
            for width, text, align in zip((160, 80, 80, 80), cells, "LRRR", strict=True):
                pdf.cell(width, 16, text, align=align)
            pdf.ln(16)
    pdf.output(str(path))
    return path


def test_page_without_a_table_continues_the_previous_one(tmp_path: Path) -> None:
    path = _report(tmp_path / "jail.pdf")
    first, second = (found.tables for found in _pages_worker(str(path), [1, 2]))
    assert len(first) == 1 and len(second) == 1  # the finder reads both pages itself
    # The failure: page 2 yields no table. Its lines still fit page 1's columns.
    recovered = continue_pages([first, []], [1, 2], pdf_page_words(path))
    (part,) = recovered[1]
    expected = [list(r) for r in _rows()[20:]]
    header = ["County", "Inmates", "Felons", "Beds"]
    assert [r for r in part.rows if r != header] == expected
    assert part.warnings == [
        f"page 2: no table found on the page itself; {len(part.rows)} rows read as the"
        " continuation of the table on page 1, by its column edges"
    ]
    (table,) = join_pages(recovered)
    assert table.pages == [1, 2]
    assert [r for r in table.rows if r != header] == [list(r) for r in _rows()]


def test_page_of_prose_is_not_a_continuation(tmp_path: Path) -> None:
    path = _report(tmp_path / "jail.pdf")
    (first,) = (found.tables for found in _pages_worker(str(path), [1]))
    prose = [
        {"x0": 40.0 + 40 * i, "x1": 70.0 + 40 * i, "top": 100.0, "bottom": 110.0, "text": w}
        for i, w in enumerate("In 2016 the state held 404 people in 156 jails".split())
    ]
    assert continue_pages([first, []], [1, 2], lambda _n: prose)[1] == []
