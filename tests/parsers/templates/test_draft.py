"""`records template draft` on real documents: the drafted template, saved in a template
folder, extracts the generic extraction's data rows, typed (ruled, unruled, multi-page)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from parsers.generic import extract_tables
from parsers.templates.draft import draft_template
from parsers.templates.spec import read_template, type_value
from records.cli import cli
from records.core.errors import ParseError
from tests.shared import fixture

NICS = "real/pdfplumber/nics-background-checks-2015-11.pdf"  # ruled columns, group header
TOWNS = "real/camelot/mexican_towns.pdf"  # whitespace only
WARN = "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf"  # 16 pages, two tables


def _round_trip(
    tmp_path: Path, relative: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[dict[str, Any]], Any]:
    """Draft with the CLI, save into a RECORDS_TEMPLATES folder, extract with the CLI."""
    path = fixture(relative)
    drafted = CliRunner().invoke(cli, ["template", "draft", str(path), "--name", name])
    assert drafted.exit_code == 0, drafted.output
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / f"{name}.toml").write_text(drafted.stdout, encoding="utf-8")
    monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "none.toml"))
    extracted = CliRunner().invoke(cli, ["extract", str(path), "--parser", name])
    assert extracted.exit_code == 0, extracted.output
    return drafted.stdout, json.loads(extracted.stdout), read_template(folder / f"{name}.toml")


def _generic_typed(template: Any, relative: str) -> list[list[list[Any]]]:
    """The generic extraction's body rows typed with the drafted columns, totals rows
    (kept aside by the template for its check) left out; one list per template table."""
    out = []
    tables = [t for t in extract_tables(fixture(relative)) if t.header]
    for spec, table in zip(template.tables, tables, strict=True):
        rows = []
        for cells in table.rows:
            texts = [c or None for c in cells]
            if spec.totals_row and spec.totals_row.pattern.search(texts[0] or ""):
                continue
            rows.append([type_value(c, t) for c, t in zip(spec.columns, texts, strict=True)])
        out.append(rows)
    return out


def test_ruled_report_with_group_header_and_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, tables, template = _round_trip(tmp_path, NICS, "my-nics", monkeypatch)
    data = tomllib.loads(text)
    assert data["name"] == "my-nics"
    # The month line is this edition's alone: left out, so December's report matches too.
    assert data["detect"]["page1"] == [r"NICS\s+Firearm\s+Background\s+Checks"]
    assert (
        '# not an anchor: "November - 2015", nothing but this edition\'s values (month, year)'
        in text.splitlines()
    )
    (table,) = data["tables"]
    # To the document's end: next month's report may run to a second page.
    assert table["settings"] == "generic" and table["pages"] == "1-"
    headers = [c["header"] for c in table["columns"]]
    assert headers[:3] == ["State / Territory", "Permit", "Handgun"]
    assert headers[7] == "Pre-Pawn Handgun"  # the group title over its three columns
    assert [c["name"] for c in table["columns"]][:4] == [
        "state_territory",
        "permit",
        "handgun",
        "long_gun",
    ]
    types = {c["name"]: c["type"] for c in table["columns"][1:]}
    # The two Rentals columns print nothing this month: nothing to infer, so text.
    assert {n for n, t in types.items() if t != "integer"} == {
        "rentals_handgun",
        "rentals_long_gun",
    }
    assert table["totals_row"] == {"column": "state_territory", "pattern": "^Totals$"}
    (check,) = data["checks"]
    assert check["kind"] == "column_sums" and len(check["columns"]) == 22  # the numeric ones
    (rows,) = _generic_typed(template, NICS)
    assert [t["rows"] for t in tables] == [rows]
    assert len(rows) == 56  # 55 states and territories, and the footnote row
    assert rows[0][:3] == ["Alabama", 18870, 23022]


def test_unruled_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, tables, template = _round_trip(tmp_path, TOWNS, "towns", monkeypatch)
    expected = _generic_typed(template, TOWNS)
    assert [t["rows"] for t in tables] == expected
    assert len(expected[0]) == 41
    assert "# guessed: every value reads as integer" in text


def test_multi_page_report_with_two_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, tables, template = _round_trip(tmp_path, WARN, "warn-draft", monkeypatch)
    data = tomllib.loads(text)
    assert [t["pages"] for t in data["tables"]] == ["1-15", "15-"]
    dates = data["tables"][0]["columns"][0]
    assert (dates["header"], dates["type"], dates["formats"]) == (
        "Notice Date",
        "date",
        ["%m/%d/%Y"],
    )
    expected = _generic_typed(template, WARN)
    assert [t["rows"] for t in tables] == expected
    assert [len(rows) for rows in expected] == [633, 9]  # the summary's Total row is the check
    assert expected[0][0][:3] == ["2015-06-22", "2016-03-25", "2015-07-01"]


def test_nothing_to_draft_says_so() -> None:
    with pytest.raises(
        ParseError, match="scotus-transcript-p1.pdf: the generic extractor finds no table to"
    ):
        draft_template(fixture("real/pdfplumber/scotus-transcript-p1.pdf"))
