"""records.cli.extracting: any document's tables as JSON-ready dicts and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from records.cli.extracting import extract, to_csv
from records.core.errors import ParseError
from records.demo.sample_reports import demo_series
from tests.shared import DECLINED_COLUMNS, fixture


def test_extract_detects_template_and_keeps_columns() -> None:
    tables = extract(fixture("real/pdfplumber/nics-background-checks-2015-11.pdf"))
    assert [t["table"] for t in tables] == ["fbi_nics_checks"]
    table = tables[0]
    assert table["page"] == 1
    assert table["columns"][:4] == ["state", "permit", "permit_recheck", "handgun"]
    assert len(table["rows"]) == 55
    assert table["rows"][0][:4] == ["Alabama", 18870, None, 23022]
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
    assert declined["columns"] == list(DECLINED_COLUMNS)
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
    tables = extract(fixture("real/camelot/12s0324.pdf"), "generic")  # it has a template now
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


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "empty.pdf: empty file (0 bytes); nothing to parse"),
        (
            "photo.png",
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            "photo.png: not a file type records can parse (this is a .png file);"
            " it reads PDF, XLSX, XLS and CSV files",
        ),
        (
            "report.pdf",
            b"<!DOCTYPE html><html><body>Session expired</body></html>",
            "report.pdf: not a file type records can parse (this is an HTML page);"
            " it reads PDF, XLSX, XLS and CSV files",
        ),
    ],
)
def test_unreadable_file_message_says_what_the_file_is(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    # Used to say "no parser reads files of type unknown", also for an empty file.
    from click.testing import CliRunner

    from records.cli import cli

    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_extract_with_a_template_that_does_not_fit_says_why_instead_of_printing_nothing() -> None:
    # Used to print an empty JSON list and exit 0, which looks like an empty report.
    from click.testing import CliRunner

    from records.cli import cli

    path = fixture("real/camelot/12s0324.pdf")
    result = CliRunner().invoke(cli, ["extract", str(path), "--parser", "ca-warn"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: 12s0324.pdf: layout does not match template ca-warn v1.0: table ca_warn_notices:"
        " expected header ['Notice Date',"
    )
    assert len(result.output.splitlines()) == 1


def test_extract_generic_warns_of_a_table_with_words_in_no_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: a generic table's completeness warning reaches the JSON and stderr (exit 1,
    as for a template whose checks fail), the printed tables unchanged."""
    from click.testing import CliRunner

    import parsers.generic.extract
    from records.cli import cli
    from tests.parsers.generic.pages import white_background_grid

    path = tmp_path / "backgrounds.pdf"
    cells = white_background_grid(path)
    read = parsers.generic.extract.find_tables(path)
    (table,) = read.tables
    warning = "page 1: 1 of 60 words inside the table's area are in no cell ('34')"
    table.warnings.append(warning)
    monkeypatch.setattr(parsers.generic.extract, "find_tables", lambda _path, _pages: read)
    said: list[str] = []
    (found,) = extract(path, "generic", warn=said.append)
    assert [*found["header"], *found["rows"]] == cells
    assert found["warnings"] == [warning]
    assert said == [f"table p1-t0: {warning}"]
    result = CliRunner().invoke(cli, ["extract", str(path), "--parser", "generic"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["warnings"] == [warning]
    assert result.stderr == f"Warning: table p1-t0: {warning}\n"
