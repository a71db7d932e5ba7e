"""records.extract: any document's tables as JSON-ready dicts and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from records.exceptions import ParseError
from records.extract import extract, to_csv
from records.sample_reports import demo_series
from tests.shared import fixture


def test_extract_detects_template_and_keeps_columns() -> None:
    tables = extract(fixture("real/pdfplumber/nics-background-checks-2015-11.pdf"))
    assert [t["table"] for t in tables] == ["fbi_nics_checks"]
    table = tables[0]
    assert table["page"] == 1
    assert table["columns"][:3] == ["state", "permit", "handgun"]
    assert len(table["rows"]) == 55
    assert table["rows"][0][:3] == ["Alabama", 18870, 23022]
    json.dumps(tables)  # JSON-ready


def test_extract_generated_ddor_and_csv(tmp_path: Path) -> None:
    report = demo_series()[0]
    path = report.write(tmp_path)
    tables = extract(path)  # detected as the DDOR
    assert [t["table"] for t in tables] == [
        "ddor_top_jurisdictions",
        "ddor_declined_detainers",
        "ddor_policies",
    ]
    declined = tables[1]
    assert declined["page"] == 3
    assert declined["columns"] == [
        "state",
        "county",
        "facility",
        "citizenship",
        "detainer_issued_date",
        "declined_date",
        "notable_criminal_activity",
    ]
    first = report.data["declined_rows"][0]
    assert declined["rows"][0] == [first[c] for c in declined["columns"]]
    text = to_csv(tables)
    blocks = text.split("\n\n")
    assert len(blocks) == 3
    parsed = list(csv.reader(io.StringIO(blocks[1])))
    assert parsed[0] == ["table", *declined["columns"]]
    assert len(parsed) == 1 + len(report.data["declined_rows"])
    assert parsed[1][0] == "ddor_declined_detainers"
    assert parsed[1][5] == first["detainer_issued_date"]


def test_extract_named_parser_and_errors(tmp_path: Path) -> None:
    path = fixture("real/camelot/row_span_1.pdf")
    tables = extract(path, "ca-medi-cal-plans")
    assert tables[0]["rows"][-1] == ["PCCM", "San Francisco", "Family Mosaic", 25]
    assert to_csv(tables).splitlines()[:2] == [
        "table,plan_type,county,plan_name,enrollment",
        "medi_cal_plan_enrollment,GMC,Sacramento,Anthem Blue Cross,164380",
    ]
    with pytest.raises(ParseError, match="row_span_1.pdf: unknown parser 'nope'"):
        extract(path, "nope")
    with pytest.raises(ParseError, match="no such file"):
        extract(tmp_path / "missing.pdf")


def test_extract_generic_gives_each_table_with_page_index_and_bbox() -> None:
    """With no template, every table found comes out on its own (issue 5's output shape)."""
    tables = extract(fixture("real/camelot/12s0324.pdf"))
    assert [(t["table"], t["page"], t["table_index"]) for t in tables] == [
        ("p1-t0", 1, 0),
        ("p1-t1", 1, 1),
    ]
    arrests, by_race = tables
    assert [len(arrests["rows"]), len(arrests["columns"])] == [32, 10]
    assert [len(by_race["rows"]), len(by_race["columns"])] == [32, 6]
    assert arrests["rows"][0][:3] == ["Total", "11,062.6", "1,540.0"]
    assert by_race["columns"][:3] == ["Offense charged", "Total", "White"]
    assert by_race["rows"][0][:3] == ["Total", "10,690,561", "7,389,208"]
    assert by_race["rows"][-1][:3] == ["Runaways", "73,616", "48,343"]
    for table in tables:
        x0, top, x1, bottom = table["bbox"]
        assert 0 <= x0 < x1 and 0 <= top < bottom
        assert all(len(row) == len(table["columns"]) for row in table["rows"])
