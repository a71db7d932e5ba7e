"""The DDOR parser against the fixture's ground truth and against generated reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.base import ParseResult
from parsers.ice_ddor.parser import DECLINED, PARSER, POLICIES, TOP, parse_period
from parsers.registry import detect_parser, get_parser
from records.core.errors import ParseError
from records.demo.sample_reports import CORRECTION_WITHDRAWN, demo_series, write_ddor_report
from tests.shared import DDOR_PDF, DDOR_TRUTH, DECLINED_COLUMNS, expected, fixture

FIXTURE = DDOR_PDF
TRUTH = DDOR_TRUTH


@pytest.fixture(scope="module")
def parsed() -> ParseResult:
    return PARSER.parse(fixture(FIXTURE))


@pytest.fixture(scope="module")
def truth() -> dict:
    return expected(TRUTH)


def _blank_none(value):
    return None if value == "" else value


def test_registered_and_detected() -> None:
    assert get_parser("ice-ddor") is PARSER
    assert detect_parser(fixture(FIXTURE)).name == "ice-ddor"


def test_document_facts(parsed: ParseResult, truth: dict) -> None:
    doc = parsed.document
    assert doc["report_period_start"] == "2017-01-28"
    assert doc["report_period_end"] == "2017-02-03"
    assert doc["total_detainers_issued"] == 3083
    assert doc["pages"] == 35
    assert doc["corrected"] is False
    assert doc["section_iv_text"] == "\n\n".join(truth["sections"]["IV"]["paragraphs"])
    assert doc["section_iv_text"].startswith("This report reflects detainers recorded as declined")


def test_checks_pass(parsed: ParseResult) -> None:
    names = {c.name: c for c in parsed.checks}
    assert set(names) >= {"section_i_total_stated", "page_footer", "section_ii_rows_per_page"}
    assert all(c.passed for c in parsed.checks), [c.describe() for c in parsed.checks]
    assert names["section_ii_rows_per_page"].found == "206 rows on 10 pages, all matching"
    assert parsed.quarantine_reason() is None


def test_section_i_exact(parsed: ParseResult, truth: dict) -> None:
    rows = parsed.rows_for(TOP)
    got = [dict(r.values, page=r.page) for r in rows]
    assert got == truth["sections"]["I"]["rows"]
    assert got[0] == {
        "rank": 1,
        "jurisdiction": "Clark County",
        "state": "NV",
        "detainers_issued": 51,
        "page": 2,
    }
    assert sum(r["detainers_issued"] for r in got) == 157


def test_section_ii_every_row_and_page(parsed: ParseResult, truth: dict) -> None:
    rows = parsed.rows_for(DECLINED)
    assert len(rows) == 206
    assert tuple(rows[0].values) == DECLINED_COLUMNS
    want = [
        ({c: _blank_none(r[c]) for c in DECLINED_COLUMNS}, r["page"])
        for r in truth["sections"]["II"]["rows"]
    ]
    assert [(r.values, r.page) for r in rows] == want
    assert rows[0].values == {
        "state": "CA",
        "county": "Alameda County",
        "facility": "Santa Rita Jail",
        "citizenship": "Cambodia",
        "detainer_issued_date": "2016-11-09",
        "declined_date": "2017-01-31",
        "notable_criminal_activity": "Domestic Violence",
    }
    assert rows[-1].page == 12 and rows[-1].values["county"] == "Snohomish County"
    assert [r.row_index for r in rows] == list(range(206))


def test_section_ii_published_totals(parsed: ParseResult, truth: dict) -> None:
    rows = [r.values for r in parsed.rows_for(DECLINED)]
    by_county = Counter(f"{r['county']}, {r['state']}" for r in rows)
    assert dict(by_county) == truth["checks"]["section_II_rows_by_county"]
    assert by_county["Travis County, TX"] == 142
    assert sum(1 for r in rows if r["notable_criminal_activity"] is None) == 16
    travis = [r for r in rows if r["county"] == "Travis County"]
    assert Counter(r["facility"] for r in travis) == {
        "Travis County Jail": 128,
        "Travis County State Jail": 14,
    }
    assert min(r["detainer_issued_date"] for r in travis) == "2010-10-16"
    assert Counter(r.page for r in parsed.rows_for(DECLINED)) == {
        int(k): v for k, v in truth["sections"]["II"]["rows_per_page"].items()
    }


def test_section_iii_joined_policies(parsed: ParseResult, truth: dict) -> None:
    rows = parsed.rows_for(POLICIES)
    assert len(rows) == 155
    assert [dict(r.values, page=r.page) for r in rows] == [
        {k: r[k] for k in ("jurisdiction", "state", "policy", "page")}
        for r in truth["sections"]["III"]["rows"]
    ]
    assert rows[0].values["policy"].endswith("Policy adopted July 2013.")
    assert "\n" not in rows[0].values["policy"]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("For Recorded Declined Detainers Jan. 28 – Feb. 3, 2017", ("2017-01-28", "2017-02-03")),
        ("For Recorded Declined Detainers Dec. 30 – Jan. 5, 2017", ("2016-12-30", "2017-01-05")),
        ("For Recorded Declined Detainers Feb 4 - 10, 2017", ("2017-02-04", "2017-02-10")),
        ("between January 28, 2017, and February 3, 2017", ("2017-01-28", "2017-02-03")),
        ("no period here", None),
    ],
)
def test_parse_period(text: str, period) -> None:
    assert parse_period(text) == period


# --- generated reports ---------------------------------------------------------------


def _roundtrip(path: Path, data: dict) -> ParseResult:
    write_ddor_report(path, **data)
    result = PARSER.parse(path)
    assert result.quarantine_reason() is None
    top = [{k: v for k, v in r.values.items() if k != "rank"} for r in result.rows_for(TOP)]
    assert top == data["top_jurisdictions"]
    assert [r.values["rank"] for r in result.rows_for(TOP)] == list(
        range(1, len(data["top_jurisdictions"]) + 1)
    )
    assert [r.values for r in result.rows_for(DECLINED)] == data["declined_rows"]
    assert [r.values for r in result.rows_for(POLICIES)] == data["policies"]
    assert result.document["report_period_start"] == data["period_start"]
    assert result.document["report_period_end"] == data["period_end"]
    assert result.document["total_detainers_issued"] == data["total_detainers_issued"]
    assert result.document["corrected"] is bool(data.get("corrected"))
    return result


def test_generated_series_round_trip(tmp_path: Path) -> None:
    series = demo_series()
    assert [r.filename for r in series] == [
        "ddor2017_01-28to02-03.pdf",
        "ddor2017_02-04to02-10.pdf",
        "ddor2017_02-11to02-17.pdf",
        "ddor2017_01-28to02-03-corrected.pdf",
    ]
    for report in series:
        _roundtrip(tmp_path / report.filename, report.data)
    week1, corrected = series[0].data, series[3].data
    dropped = [r for r in week1["declined_rows"] if r not in corrected["declined_rows"]]
    assert {(r["state"], r["county"]) for r in dropped} == set(CORRECTION_WITHDRAWN)
    assert len(corrected["declined_rows"]) == len(week1["declined_rows"]) - len(dropped)
    assert corrected["corrected"] is True


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = demo_series()[1].write(tmp_path / "a")
    b = demo_series()[1].write(tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert demo_series() == demo_series()


def test_generated_restrict_wrapped_and_blank_cells(tmp_path: Path) -> None:
    data = dict(demo_series()[2].data)
    rows = [dict(r) for r in data["declined_rows"]]
    # A facility long enough to wrap in its 172 pt column, and a blank offence.
    rows[0]["facility"] = "Correctional Facility Annex for Pretrial Detainees Awaiting Transfer"
    rows[1]["notable_criminal_activity"] = None
    data.update(declined_rows=rows, section_word="Restrict", corrected=True)
    result = _roundtrip(tmp_path / "restrict.pdf", data)
    assert result.rows_for(DECLINED)[0].values["facility"] == rows[0]["facility"]
    assert detect_parser(tmp_path / "restrict.pdf").name == "ice-ddor"


def test_failed_total_check_quarantines(tmp_path: Path) -> None:
    data = dict(demo_series()[0].data, total_detainers_issued=100)
    path = write_ddor_report(tmp_path / "low-total.pdf", **data)
    result = PARSER.parse(path)
    failed = [c for c in result.checks if not c.passed]
    assert [c.name for c in failed] == ["section_i_top_within_total"]
    top_sum = sum(r["detainers_issued"] for r in data["top_jurisdictions"])
    assert result.quarantine_reason() == (
        "section_i_top_within_total FAILED: expected 'top jurisdictions sum to at most 100', "
        f"found {top_sum}"
    )
    # Rows are kept for inspection.
    assert len(result.rows_for(DECLINED)) == len(data["declined_rows"])


def test_drifted_layout_quarantines(tmp_path: Path) -> None:
    """Section II printed without its Citizenship column: the header fingerprint fails."""
    pdf = FPDF(orientation="landscape", unit="pt", format="letter")
    pdf.set_font("Helvetica", "", 9)
    pdf.add_page()
    pdf.cell(0, 14, "Weekly Declined Detainer Outcome Report", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        14,
        "Section II: Jurisdictions with Recorded Declined Detainers",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    with pdf.table(col_widths=(38, 110, 172, 72, 64, 128), width=584, align="LEFT") as table:
        for cells in (
            (
                "State",
                "County/Jurisdiction",
                "Facility",
                "Detainer Issued Date",
                "Declined Date",
                "Notable Criminal Activity",
            ),
            ("TX", "Travis County", "Travis County Jail", "1/2/2017", "2/1/2017", "Assault"),
        ):
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.cell(0, 14, "Page 1 of 1", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "drifted.pdf"
    pdf.output(str(path))
    result = PARSER.parse(path)
    assert result.quarantine is not None
    assert result.quarantine.startswith("drifted.pdf: layout does not match the DDOR: page 1:")
    assert "has 6 columns and header ['State', 'County/Jurisdiction', 'Facility'" in (
        result.quarantine
    )
    assert "section II ['state', 'county', 'facility', 'citizenship'" in result.quarantine


def test_not_a_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(ParseError, match="report.pdf: not a readable PDF"):
        PARSER.parse(bad)
    assert PARSER.detect(bad) is False


def _ruled_row_box(page, word: str) -> tuple[float, float, float, float]:
    """Independently of the parser: the ruled row printing ``word`` (its first occurrence),
    from the page's drawn lines — the rulings just above and below the word, the table's
    outermost vertical rulings across that band."""
    hit = next(w for w in page.extract_words() if w["text"] == word)
    middle = (hit["top"] + hit["bottom"]) / 2
    horizontal = [e for e in page.edges if e["orientation"] == "h"]
    above = max(e["top"] for e in horizontal if e["top"] < middle)
    below = min(e["top"] for e in horizontal if e["top"] > middle)
    vertical = [
        e
        for e in page.edges
        if e["orientation"] == "v" and e["top"] <= above + 1 and e["bottom"] >= below - 1
    ]
    return (
        min(e["x0"] for e in vertical),
        above,
        max(e["x0"] for e in vertical),
        below,
    )


def test_rows_carry_their_ruled_box(parsed: ParseResult) -> None:
    import pdfplumber

    rows = {
        (r.table, r.page, r.values.get("facility") or r.values.get("jurisdiction")): r
        for r in parsed.rows
    }
    with pdfplumber.open(fixture(FIXTURE)) as pdf:
        for table, page, key, word in (
            (DECLINED, 3, "Santa Rita Jail", "Santa"),
            (TOP, 2, "Clark County", "Clark"),
            (POLICIES, 34, "Milwaukee County", "Milwaukee"),
        ):
            row = rows[(table, page, key)]
            expected_box = _ruled_row_box(pdf.pages[page - 1], word)
            assert row.bbox == ",".join(f"{v:.1f}" for v in expected_box)
            # Every word printed inside the box is the row's own text, nothing more.
            x0, top, x1, bottom = expected_box
            inside = pdf.pages[page - 1].within_bbox(expected_box).extract_text()
            printed = " ".join(inside.split())
            for value in row.values.values():
                if isinstance(value, str) and "-" not in value:
                    assert " ".join(value.split()) in printed
    assert all(r.bbox for r in parsed.rows)
    # Exact values of the first section II row as read from the drawing: x 54 to 738.
    assert rows[(DECLINED, 3, "Santa Rita Jail")].bbox == "54.0,181.5,738.0,203.0"
