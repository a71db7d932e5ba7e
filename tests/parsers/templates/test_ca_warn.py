"""ca-warn: the California EDD WARN report against its own monthly summary."""

from __future__ import annotations

from collections import Counter

import pytest

from parsers.base import ParseResult
from parsers.registry import get_parser
from tests.parsers.templates.helpers import parse_with, values
from tests.shared import expected

PDF = "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf"
TRUTH = "real/pdfplumber/expected/WARN-Report-for-7-1-2015-to-03-25-2016.expected.json"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_with("ca-warn", PDF)


def _as_printed(cells: list[str]) -> dict:
    """A ground-truth row (cells as printed) in the template's typed form."""

    def iso(us: str) -> str:
        month, day, year = us.split("/")
        return f"{year}-{month}-{day}"

    return {
        "notice_date": iso(cells[0]),
        "effective_date": iso(cells[1]),
        "received_date": iso(cells[2]),
        "company": cells[3],
        "cancelled": False,
        "city": cells[4],
        "employees": int(cells[5]),
        "layoff_closure": cells[6],
    }


def test_columns_declared() -> None:
    spec = get_parser("ca-warn").tables[0]
    assert [c.name for c in spec.columns] == [
        "notice_date",
        "effective_date",
        "received_date",
        "company",
        "cancelled",
        "city",
        "employees",
        "layoff_closure",
    ]
    assert spec.column("cancelled").type == "boolean"
    assert get_parser("ca-warn").version == "1.0"


def test_rows_pages_first_last(result: ParseResult) -> None:
    truth = expected(TRUTH)["detail_table"]
    rows = result.rows_for("ca_warn_notices")
    assert len(rows) == truth["data_rows_total"] == 633
    per_page = Counter(r.page for r in rows)
    assert per_page == {1: 36, **{p: 43 for p in range(2, 15)}, 15: 38}
    assert rows[0].values == _as_printed(truth["first_data_row"])
    assert rows[1].values == _as_printed(truth["second_data_row"])
    assert rows[-1].values == _as_printed(truth["last_data_row"])
    # Letter-spaced dates in the PDF ("0 3 / 2 5 / 2 0 16") come out as ISO dates.
    assert rows[0].values["effective_date"] == "2016-03-25"


def test_cancelled_flag(result: ParseResult) -> None:
    cancelled = [r for r in result.rows_for("ca_warn_notices") if r.values["cancelled"]]
    assert len(cancelled) == 1
    row = cancelled[0]
    assert row.page == 2
    assert row.values["company"] == "Buca Restaurants 2, Inc."
    assert row.values["received_date"] == "2015-07-30"
    assert row.values["employees"] == 61


def test_sums_and_summary(result: ParseResult) -> None:
    rows = values(result, "ca_warn_notices")
    assert sum(r["employees"] for r in rows) == 53515
    assert sum(r["employees"] for r in rows if not r["cancelled"]) == 53454
    summary = values(result, "ca_warn_summary")
    truth = expected(TRUTH)["summary_table_from_pdf_itself"]["rows"]
    assert [list(map(str, s.values())) for s in summary] == [
        [cell.replace(",", "") for cell in row] for row in truth[:-1]
    ]
    assert [r.page for r in result.rows_for("ca_warn_summary")] == [15, 15] + [16] * 7
    assert sum(s["notices"] for s in summary) == 632


def test_checks_and_facts(result: ParseResult) -> None:
    checks = {c.name: c for c in result.checks}
    assert set(checks) == {"cells_typed", "monthly_summary", "summary_total_row"}
    assert all(c.passed for c in result.checks), [c.describe() for c in result.checks]
    assert checks["monthly_summary"].found == "9 summary rows match"
    assert result.quarantine_reason() is None
    assert result.document == {
        "pages": 16,
        "report_period_start": "2015-07-01",
        "report_period_end": "2016-03-25",
    }


def test_rows_carry_their_box_on_the_page(result: ParseResult) -> None:
    """Each row's box holds exactly its own printed line: checked against pdfplumber's words
    and drawn rulings of page 1, read here independently of the template engine."""
    import pdfplumber

    from tests.shared import fixture

    assert all(r.bbox for r in result.rows)
    first, second = result.rows[0], result.rows[1]
    assert (first.page, first.values["company"]) == (1, "Maxim Integrated Product")
    with pdfplumber.open(fixture(PDF)) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        rulings = {round(e["top"], 1) for e in page.edges if e["orientation"] == "h"}
    for row in (first, second):
        x0, top, x1, bottom = (float(v) for v in row.bbox.split(","))
        assert top in rulings and bottom in rulings
        inside = [w for w in words if top <= (w["top"] + w["bottom"]) / 2 <= bottom]
        assert inside and all(x0 <= w["x0"] and w["x1"] <= x1 for w in inside)
        line = " ".join(w["text"] for w in inside)
        assert row.values["company"] in line and row.values["city"] in line
    assert first.bbox == "28.6,118.0,762.7,131.2"
    assert second.bbox == "28.6,131.2,762.7,144.4"
