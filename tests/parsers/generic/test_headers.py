"""Generic extraction keeps a table's structure: stacked header rows, group labels over
several columns, sub-headers inside a spanned ruled cell, vertical header text, wrapped row
labels, and text-heavy tables ruled only between their rows."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from parsers.generic import extract_tables
from parsers.generic.header import count_header_rows
from tests.shared import expected, fixture

ARRESTS = "real/camelot/12s0324.pdf"
NICS = "real/pdfplumber/nics-background-checks-2015-11.pdf"
GAO = "real/warn-scraper/gao-03-1003.pdf"


def _camelot_rows(name: str, data_var: str) -> list[list[str]]:
    doc = expected(f"real/camelot/expected/{name}.expected.json")
    for test in doc["tests"]:
        for table in test["expected"]:
            if table["data_var"] == data_var:
                return table["rows"]
    raise KeyError(data_var)


def _figure(text: str) -> str:
    """A figure as camelot gives it, without the space before an aligned decimal point."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def arrests():
    return extract_tables(fixture(ARRESTS))


def test_group_labels_span_the_columns_they_sit_over(arrests):
    by_sex, by_race = arrests
    # "Under 18" and "18 years" sit a few points apart above neighbouring columns; each
    # goes to its own column, and "Total", "Male", "Female" head three columns each.
    assert by_sex.columns == [
        "Offense charged",
        "Total",
        "Total: Under 18 years",
        "Total: 18 years and over",
        "Male: Total",
        "Male: Under 18 years",
        "Male: 18 years and over",
        "Female: Total",
        "Female: Under 18 years",
        "Female: 18 years and over",
    ]
    assert by_sex.spans == [(0, 1, 3), (0, 4, 6), (0, 7, 9)]
    # The header rows as printed, camelot's layout apart from where a group label sits
    # (first column of its span here, the middle one there).
    truth = _camelot_rows("12s0324", "data_network_two_tables_1")
    assert by_sex.header[1:] == truth[1:3]
    assert [c for c in by_sex.header[0] if c] == [c for c in truth[0] if c]
    # A label alone over one column's own header lines is part of that column's name.
    assert by_race.columns == [
        "Offense charged",
        "Total",
        "White",
        "Black",
        "American Indian/Alaskan Native",
        "Asian Pacific Islander",
    ]


def test_wrapped_row_label_joined_with_its_figures(arrests):
    by_sex, by_race = arrests
    truth = _camelot_rows("12s0324", "data_network_two_tables_1")
    # camelot keeps "Murder and nonnegligent" as a row of its own, figures on the next.
    murder = truth[truth.index(next(r for r in truth if r[0] == "Murder and nonnegligent")) + 1]
    assert by_sex.rows[2] == ["Murder and nonnegligent manslaughter"] + [
        _figure(c) for c in murder[1:]
    ]
    assert by_sex.rows[2][1:] == ["10.0", "0.9", "9.1", "9.0", "0.9", "8.1", "1.1", "–", "1.0"]
    family = [r for r in by_sex.rows if r[0].startswith("Offenses against")]
    assert family == [
        [
            "Offenses against the family and children",
            "92.4",
            "3.7",
            "88.7",
            "68.9",
            "2.4",
            "66.6",
            "23.4",
            "1.3",
            "22.1",
        ]
    ]
    # 34 body lines in camelot's table, two of them a wrapped label's first line.
    assert len(by_sex.rows) == len(truth) - 3 - 2
    assert by_race.rows[2] == [
        "Murder and nonnegligent manslaughter",
        "9,739",
        "4,741",
        "4,801",
        "100",
        "97",
    ]


def test_label_wrapped_over_three_lines_and_headings_kept_apart():
    (checklist,) = extract_tables(fixture(GAO), pages=[32], workers=1)
    labels = [row[0] for row in checklist.rows]
    assert (
        "Titles of positions to be affected and names of the workers currently holding"
        " these jobs" in labels
    )
    assert "Name and telephone number of company official to contact" in labels
    # Section headings without figures stay rows of their own, above indented items.
    (budget,) = extract_tables(fixture("real/tabula-java/rotated_page.pdf"))
    labels = [row[0] for row in budget.rows]
    start = labels.index("Outlays:")
    assert labels[start : start + 6] == [
        "Outlays:",
        "Appropriated (“discretionary”) programs: 2",
        "Defense 3",
        "Non-defense 4",
        "Subtotal, appropriated programs",
        "Mandatory programs:",
    ]


def test_sub_headers_inside_a_spanned_ruled_cell_get_their_own_columns():
    truth = expected("real/pdfplumber/expected/nics-background-checks-2015-11.expected.json")
    (table,) = extract_tables(fixture(NICS))
    assert len(table.columns) == len(truth["columns"]) == 25
    assert table.columns == [
        "State / Territory",
        "Permit",
        "Handgun",
        "Long Gun",
        "*Other",
        "**Multiple",
        "Admin",
        "Pre-Pawn: Handgun",
        "Pre-Pawn: Long Gun",
        "Pre-Pawn: *Other",
        "Redemption: Handgun",
        "Redemption: Long Gun",
        "Redemption: *Other",
        "Returned/Disposition: Handgun",
        "Returned/Disposition: Long Gun",
        "Returned/Disposition: *Other",
        "Rentals: Handgun",
        "Rentals: Long Gun",
        "Private Sale: Handgun",
        "Private Sale: Long Gun",
        "Private Sale: *Other",
        "Return to Seller - Private Sale: Handgun",
        "Return to Seller - Private Sale: Long Gun",
        "Return to Seller - Private Sale: *Other",
        "Totals",
    ]
    # The caption spanning the whole table stays in the header, not in the names.
    assert table.header[0][0] == "NICS Firearm Background Checks November - 2015"
    assert len(table.header) == 3


def test_vertical_header_text_reads_up_the_page():
    truth = _camelot_rows("vertical_header", "data_network_vertical_headers")
    (table,) = extract_tables(fixture("real/camelot/vertical_header.pdf"), pages=[1])
    names = [c for c in table.header[-1] if c]
    assert names == [c for c in truth[3] if c]
    assert table.columns[2] == "STATE: Governor: Brian Calley"


def test_text_table_ruled_between_rows_joined_over_six_pages():
    tables = extract_tables(fixture(GAO), pages=range(36, 42), workers=1)
    (cases,) = [t for t in tables if t.method == "row-ruled"]
    assert cases.pages == [36, 37, 38, 39, 40, 41]
    assert cases.columns == ["Case", "State filed", "Year", "Outcome"]
    assert [p.n_rows for p in cases.pieces] == [11, 12, 12, 10, 11, 12]
    assert cases.rows[0] == [
        "Air Trans. Local 504, Transp. Workers Union of Am. v. Ogden Aviation Servs., No. 96"
        " CV 4506 SJ, 1998 WL 191297 (E.D.N.Y. Apr. 20, 1998).",
        "New York",
        "1998",
        "Court found that Ogden, seller company, was not responsible for providing WARN"
        " notices to workers subsequently laid off by buyer company; case proceeded toward"
        " trial.",
    ]
    assert cases.rows[-1][1:3] == ["Arkansas", "2001"]
    assert all(re.fullmatch(r"199[5-9]|200[0-2]", row[2]) for row in cases.rows)
    # The rest of those pages (appendix title, page feet) gives no other table.
    assert len(tables) == 1


STUTSMAN_2016 = "series/nd-stutsman-general-election-results/2016_nd_general_stutsman.pdf"


def test_quarter_turned_headers_with_rounding_noise_read_up_the_page():
    """Excel writes its vertical headers' text matrix as (-4e-09, 1, -1, -4e-09): pdfminer
    calls those characters upright (a * d is a tiny positive number), so they were read
    across the column, one letter a line, spelt backwards ("S L A T O T")."""
    (table,) = extract_tables(fixture(STUTSMAN_2016), pages=[1])
    assert table.columns[1:] == [
        "Candidates",
        "TOTALS",
        *[f"Precinct J{n}" for n in (1, 2, 3, 5, 6)],
        *[f"Precinct P{n}" for n in range(1, 7)],
        "Precinct J4",
    ]
    assert table.rows[0] == [
        "BALLOTS CAST - TOTAL",
        "BALLOTS CAST - TOTAL",
        *"10345 1281 1837 1255 1237 936 262 189 409 743 540 665 991".split(),
    ]


def test_noisy_quarter_turn_is_sideways_and_a_plain_one_unchanged(tmp_path):
    """The same vertical headers turned exactly 90 degrees and 90.01 (a matrix of
    -0.0002, 1, -1, -0.0002, as fpdf2 writes it) read the same: up the page."""
    from fpdf import FPDF

    def page(angle: float) -> str:
        pdf = FPDF(unit="pt", format="letter")
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        xs = (40, 140, 200, 260)
        for x in xs:
            pdf.line(x, 40, x, 160)
        for y in (40, 100, 120, 140, 160):
            pdf.line(40, y, 260, y)
        pdf.text(44, 75, "Name")
        for x, label in zip(xs[1:], ("TOTALS", "Ward 1"), strict=False):
            with pdf.rotation(angle, x=x + 34, y=96):
                pdf.text(x + 34, 96, label)
        body = (("Smith", "12", "5"), ("Jones", "7", "3"), ("Lee", "1", "0"))
        for y, row in zip((114, 134, 154), body, strict=True):
            for x, value in zip(xs, row, strict=False):
                pdf.text(x + 4, y, value)
        path = tmp_path / f"turned-{angle}.pdf"
        pdf.output(str(path))
        return str(path)

    noisy_path = page(90.01)
    with pdfplumber.open(noisy_path) as pdf:
        turned = [c for c in pdf.pages[0].chars if c["text"] == "W"]
    assert turned and turned[0]["upright"]  # what pdfminer says of this matrix
    exact, noisy = (extract_tables(path)[0] for path in (page(90), noisy_path))
    assert exact.columns == ["Name", "TOTALS", "Ward 1"]
    assert noisy.columns == exact.columns
    assert noisy.rows == exact.rows
    assert exact.rows == [["Smith", "12", "5"], ["Jones", "7", "3"], ["Lee", "1", "0"]]


USC_2020 = "series/usc-dps-daily-crime-log/010320.pdf"


def test_records_with_their_field_labels_beside_each_are_rows_not_a_header():
    """USC's 2020 crime log prints each incident as a ruled block with its labels
    ("Reported: Occurred: Incident: Summary:") beside it. The first block of a page was
    taken for the table's header: two incidents (2000006, 2000013) were in no row."""
    tables = extract_tables(fixture(USC_2020), workers=1)
    blocks = [t for t in tables if t.method == "row-ruled"]
    assert [t.pages for t in blocks] == [[1], [2]]
    assert [t.header for t in blocks] == [[], []]
    labels = "Reported: Occurred: Incident: Summary:"
    assert all(row[0] == labels for t in blocks for row in t.rows)
    first = blocks[0].rows[0][1]
    assert first.startswith("1/2/20 - 4:08 am Location: BLANCHE & FRANK R. SEAVER STUDENT")
    # The report numbers, as printed, one record a row, each cell the number alone: the
    # last words of a summary that run on under the number's column ("...had been
    # removed", "...sustaining unspecified injuries.") stay in the summary.
    # 2000012, the last block of page 1, has no rule under it: its lines hold the labels,
    # so it is the table's last row, not three rows of a table of its own.
    assert [row[-1] for t in blocks for row in t.rows] == [
        "2000006",
        "2000007",
        "2000008",
        "2000009",
        "2000010",
        "2000011",
        "2000012",
        "2000013",
        "2000014",
        "2000015",
        "2000016",
    ]
    assert (
        blocks[0]
        .rows[0][1]
        .endswith(
            "could not be determined if any property had been removed at the time of the report."
        )
    )
    assert blocks[1].rows[0][1].endswith("after falling and sustaining unspecified injuries.")
    assert blocks[0].rows[-1][1].startswith("1/2/20 - 7:19 pm Location: JEFFERSON BL & GRAND AV")
    assert (
        blocks[0].rows[-1][1].endswith("The suspects then fled on foot and disappeared from sight.")
    )
    assert len(tables) == 2
    assert not [w for t in tables for w in t.warnings]


@pytest.mark.parametrize(
    ("rows", "header"),
    [
        # the labels column repeated beside every record: no header
        ([["Name:", "Ann"], ["Name:", "Bo"], ["Name:", "Cy"]], 0),
        # a category repeated down its column under its name: one header row
        ([["State", "City"], ["Ohio", "Akron"], ["Ohio", "Dayton"], ["Ohio", "Kent"]], 1),
        # the first cell repeated once below only: not enough to tell (text table: header)
        ([["Name:", "Ann"], ["Name:", "Bo"], ["Age:", "Cy"]], 1),
        # an empty first cell says nothing
        ([["", "2019"], ["", "1"], ["", "2"]], 1),
    ],
)
def test_a_first_cell_repeated_down_its_column_is_a_value_not_a_name(rows, header):
    assert count_header_rows(rows) == header
