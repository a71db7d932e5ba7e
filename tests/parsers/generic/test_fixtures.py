"""Generic extraction on real agency PDFs, checked against the fixtures' ground truth."""

from __future__ import annotations

import re

import pytest

from parsers.generic import extract_tables
from tests.shared import expected, fixture

WARN = "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf"
WARN_EXPECTED = "real/pdfplumber/expected/WARN-Report-for-7-1-2015-to-03-25-2016.expected.json"
NICS_EXPECTED = "real/pdfplumber/expected/nics-background-checks-2015-11.expected.json"


def _squash(text: str) -> str:
    """Cell text without whitespace and leader dots (camelot keeps both as printed)."""
    return re.sub(r"[\s.]+", "", text)


def _camelot_rows(name: str, data_var: str) -> list[list[str]]:
    doc = expected(f"real/camelot/expected/{name}.expected.json")
    for test in doc["tests"]:
        for table in test["expected"]:
            if table["data_var"] == data_var:
                return table["rows"]
    raise KeyError(data_var)


@pytest.fixture(scope="module")
def warn_tables():
    return extract_tables(fixture(WARN), workers=2)


def test_warn_detail_table_joined_over_fifteen_pages(warn_tables):
    truth = expected(WARN_EXPECTED)["detail_table"]
    detail = warn_tables[0]
    assert detail.pages == list(range(1, 16))
    assert detail.method == "ruled"
    assert detail.columns == truth["columns"]
    assert len(detail.rows) == truth["data_rows_total"] == 633
    assert detail.rows[0] == truth["first_data_row"]
    assert detail.rows[1] == truth["second_data_row"]
    assert detail.rows[-1] == truth["last_data_row"]
    per_page = {p.page: p.n_rows for p in detail.pieces}
    assert per_page[1] == 36 and per_page[2] == 43 and per_page[15] == 38
    (cancelled,) = truth["cancelled_rows"]
    found = [
        (page, row[3], row[2], int(row[5]))
        for page, row in zip(detail.row_pages(), detail.rows, strict=True)
        if "(CANCELLED)" in row[3]
    ]
    assert found == [
        (cancelled["page"], cancelled["company_cell"], cancelled["received"], cancelled["no_of"])
    ]


def test_warn_summary_table_continued_on_next_page(warn_tables):
    truth = expected(WARN_EXPECTED)["summary_table_from_pdf_itself"]
    summary = warn_tables[1]
    assert [(p.page, p.table_index) for p in summary.pieces] == [(15, 1), (16, 0)]
    assert summary.columns == [h.replace("\n", " ") for h in truth["header"]]
    assert summary.rows == truth["rows"]
    assert summary.pieces[1].first_row == 2


def test_nics_banded_rows_split_into_one_row_per_state():
    truth = expected(NICS_EXPECTED)
    (table,) = extract_tables(fixture("real/pdfplumber/nics-background-checks-2015-11.pdf"))
    labels = [row[0] for row in table.rows]
    start = labels.index("Alabama")
    body = table.rows[start : start + truth["n_rows_incl_totals"]]
    assert body[0] == truth["first_row"]
    assert body[-1] == truth["totals_row"]
    assert [row[0] for row in body] == truth["row_labels_in_order"]
    assert all(len(row) == 25 for row in body)


def test_nics_rotated_page_gives_the_same_table():
    (upright,) = extract_tables(fixture("real/pdfplumber/nics-background-checks-2015-11.pdf"))
    (rotated,) = extract_tables(
        fixture("real/pdfplumber/nics-background-checks-2015-11-rotated.pdf")
    )
    assert rotated.grid() == upright.grid()
    # The box is given in the rotated page's own coordinates (portrait, 612 x 1008).
    x0, top, x1, bottom = rotated.bbox
    assert x1 <= 612 and bottom <= 1008 and bottom - top > x1 - x0


@pytest.mark.parametrize("name", ["anticlockwise_table_1", "clockwise_table_1"])
def test_rotated_ruled_table(name):
    truth = _camelot_rows(name, "data_lattice_table_rotated")
    (table,) = extract_tables(fixture(f"real/camelot/{name}.pdf"))
    assert table.n_columns == 10
    assert [[_squash(c) for c in row] for row in table.grid()] == [
        [_squash(c) for c in row] for row in truth
    ]
    assert table.columns[1] == "Nutritional Assessment (No. of individuals): 1975-79"


def test_ruled_table_with_spanned_header_on_page_two():
    truth = _camelot_rows("us-030", "data_lattice")
    tables = extract_tables(fixture("real/camelot/us-030.pdf"), pages=[2])
    (table,) = [t for t in tables if t.method == "ruled"]
    assert table.page == 2
    assert len(table.header) == 2
    assert table.grid() == [[" ".join(c.split()) for c in row] for row in truth]
    assert table.columns[3:5] == [
        "Percent Fuel Savings: Improved Speed",
        "Percent Fuel Savings: Decreased Accel",
    ]


def test_two_unruled_tables_on_one_page_split_at_their_titles():
    truth_1 = _camelot_rows("12s0324", "data_network_two_tables_1")
    truth_2 = _camelot_rows("12s0324", "data_network_two_tables_2")
    first, second = extract_tables(fixture("real/camelot/12s0324.pdf"))
    assert (first.method, second.method) == ("whitespace", "whitespace")
    assert (first.n_columns, second.n_columns) == (10, 6)
    assert first.bbox[3] < second.bbox[1]
    for table, truth in ((first, truth_1), (second, truth_2)):
        # Body rows from "Total" down to the last offence are identical, cell by cell.
        ours = [[_squash(c) for c in row] for row in table.rows]
        theirs = [[_squash(c) for c in row] for row in truth[3:]]
        assert ours[0] == theirs[0]
        assert ours[-1] == theirs[-1]
    assert first.rows[0][:3] == ["Total", "11,062.6", "1,540.0"]
    assert second.rows[-1] == ["Runaways", "73,616", "48,343", "19,670", "1,653", "3,950"]


def test_table_inside_one_column_of_a_two_column_page():
    truth = _camelot_rows("us-007", "data_network_table_regions")
    tables = extract_tables(fixture("real/camelot/us-007.pdf"), pages=[1])
    payroll = [t for t in tables if t.rows and t.rows[0][0] == "Weekly"]
    assert len(payroll) == 1
    assert [[_squash(c) for c in r] for r in payroll[0].rows] == [
        [_squash(c) for c in r] for r in truth[2:]
    ]
    assert payroll[0].columns == ["Payroll Period", "One Withholding Allowance"]
