"""Spreadsheet templates: drafted from a workbook with `records template draft`, then run on
later editions, a new column being layout drift unless the template allows it."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsers.registry import detect_parser
from parsers.spreadsheets.template import SheetTemplateParser, read_sheet_template
from records.cli import cli
from records.core.errors import TemplateError
from tests.parsers.spreadsheets.generated import detention_workbook
from tests.parsers.spreadsheets.test_layout import KS, KS_2014
from tests.shared import fixture


def _draft(path: Path, name: str, folder: Path) -> Path:
    result = CliRunner().invoke(cli, ["template", "draft", "--name", name, str(path)])
    assert result.exit_code == 0, result.output
    folder.mkdir(exist_ok=True)
    saved = folder / f"{name}.sheet.toml"
    saved.write_text(result.output)
    return saved


def test_draft_of_a_workbook_is_a_runnable_template(tmp_path: Path) -> None:
    saved = _draft(detention_workbook(tmp_path / "fy2019.xlsx", 2019), "ice-fac", tmp_path / "t")
    data = tomllib.loads(saved.read_text())
    # The title block recognises the workbook; the sheet's name, which holds the year, is
    # only suggested (commented), and the table's sheet pattern takes any year.
    assert data["detect"] == {"cells": [r"^Detention\s+Statistics$"]}
    assert "# sheets = ['^FY2019 Facilities$']" in saved.read_text()
    (table,) = data["tables"]
    assert table["name"] == "fy2019_facilities"
    assert table["sheets"] == [r"^FY\s*\d+\s*Facilities$"]
    assert [(c["name"], c["header"], c["type"]) for c in table["columns"]] == [
        ("facility_information_name", "^Facility Information Name$", "text"),
        ("facility_information_state", "^Facility Information State$", "text"),
        ("facility_information_zip", "^Facility Information ZIP$", "text"),
        ("average_daily_population_level_a", "^Average Daily Population Level A$", "integer"),
        ("average_daily_population_level_b", "^Average Daily Population Level B$", "integer"),
        ("average_daily_population_total", "^Average Daily Population Total$", "integer"),
    ]
    parser = SheetTemplateParser(read_sheet_template(saved))
    result = parser.parse(tmp_path / "fy2019.xlsx")
    assert result.quarantine_reason() is None
    assert [r.values["facility_information_zip"] for r in result.rows] == [
        "02345",
        "88081",
        "78566",
    ]
    assert [r.values["average_daily_population_total"] for r in result.rows] == [3519, 570, 1010]
    assert [r.values["source_row"] for r in result.rows] == [6, 7, 8]
    assert [(c.name.split()[-1], c.passed) for c in result.checks] == [
        ("average_daily_population_level_a", True),
        ("average_daily_population_level_b", True),
        ("average_daily_population_total", True),
    ]


def test_a_column_added_by_a_later_edition_is_drift_unless_allowed(tmp_path: Path) -> None:
    saved = _draft(detention_workbook(tmp_path / "fy2019.xlsx", 2019), "ice-fac", tmp_path / "t")
    text = saved.read_text()  # its sheet pattern takes any year (FY2021 Facilities)
    later = detention_workbook(tmp_path / "fy2021.xlsx", 2021, extra_column=True)
    result = SheetTemplateParser(read_sheet_template(saved)).parse(later)
    assert result.quarantine_reason() == (
        "ice-fac v1.0 layout drift: sheet 'FY2021 Facilities': columns the template does not"
        " name: Average Daily Population Female"
    )
    saved.write_text(text.replace('extra_columns = "error"', 'extra_columns = "keep"'))
    parser = SheetTemplateParser(read_sheet_template(saved))
    result = parser.parse(later)
    assert result.quarantine_reason() is None
    assert [r.values["extra_cells"] for r in result.rows] == [
        '{"Average Daily Population Female": "17"}'
    ] * 3
    assert [r.values["average_daily_population_total"] for r in result.rows] == [3521, 570, 1010]


def test_real_louisiana_draft_reads_its_workbook_with_group_and_totals_checked(
    tmp_path: Path,
) -> None:
    workbook = fixture("series/la-sos-election-results/20230218.xlsx")
    saved = _draft(workbook, "la-sos", tmp_path / "t")
    parser = SheetTemplateParser(read_sheet_template(saved))
    # The same publication's other editions are recognised; another agency's are not.
    assert parser.detect(workbook)
    assert parser.detect(fixture("series/la-sos-election-results/20230325.xlsx"))
    # December's workbook has no "Multi-Parish(Parish)" sheet (its races are parish ones):
    # the title block recognises it, the first sheet's name is only suggested, commented.
    assert parser.detect(fixture("series/la-sos-election-results/20231216.xlsx"))
    assert "# sheets = ['^Multi-Parish\\(Parish\\)$']" in saved.read_text()
    assert not parser.detect(fixture(f"{KS}/{KS_2014}.xlsx"))
    result = parser.parse(workbook)
    assert result.quarantine_reason() is None
    by_table: dict[str, int] = {}
    for row in result.rows:
        by_table[row.table] = by_table.get(row.table, 0) + 1
    # The parish sheet's table (1 row) and the precinct sheet's with its group column (45).
    assert by_table == {
        "state_representative_93rd_representative_district": 1,
        "state_representative_93rd_representative_district_2": 45,
    }
    last = result.rows[-1].values
    assert (last["column_1"], last["naj_wallace_dem"], last["group"]) == (
        "Early Voting",
        34,
        "Orleans",
    )
    assert len(result.checks) == 12 and all(c.passed for c in result.checks)


def test_records_add_finds_the_template_and_loads_its_declared_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "t"
    _draft(detention_workbook(tmp_path / "fy2019.xlsx", 2019), "ice-fac", folder)
    monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    assert detect_parser(tmp_path / "fy2019.xlsx").name == "ice-fac"
    database = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(database),
            "--archive",
            str(tmp_path / "a"),
            "add",
            str(tmp_path / "fy2019.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "fy2019.xlsx: parsed, 3 rows (ice-fac 1.0)" in result.output
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "select facility_information_state, average_daily_population_total, typeof("
            "average_daily_population_total) from fy2019_facilities order by row_index"
        ).fetchall()
    assert rows == [("CA", 3519, "integer"), ("NM", 570, "integer"), ("TX", 1010, "integer")]


def test_a_csv_draft_detects_by_its_header_not_by_being_a_csv(tmp_path: Path) -> None:
    mine = tmp_path / "declined.csv"
    mine.write_text("County,Declined,Date\nTravis,3,2024-01-02\nHarris,05,2024-01-03\n")
    other = tmp_path / "other.csv"
    other.write_text("Name,Unit\nAna Ruiz,Patrol\n")
    saved = _draft(mine, "declined", tmp_path / "t")
    data = tomllib.loads(saved.read_text())
    assert data["detect"] == {"sheets": ["^csv$"], "cells": ["^County$", "^Declined$", "^Date$"]}
    # "05": a leading zero makes the column text, as printed.
    assert [c["type"] for c in data["tables"][0]["columns"]] == ["text", "text", "date"]
    parser = SheetTemplateParser(read_sheet_template(saved))
    assert parser.detect(mine) and not parser.detect(other)
    rows = parser.parse(mine).rows
    assert [(r.values["county"], r.values["declined"], r.values["date"]) for r in rows] == [
        ("Travis", "3", "2024-01-02"),
        ("Harris", "05", "2024-01-03"),
    ]


def test_a_template_without_detect_patterns_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.sheet.toml"
    bad.write_text('name = "x"\nversion = "1.0"\ndescription = "x"\n[[tables]]\nname = "t"\n')
    with pytest.raises(TemplateError, match=r"x.sheet.toml: \[detect\] must list"):
        read_sheet_template(bad)


def test_a_default_sheet_name_is_no_anchor(tmp_path: Path) -> None:
    """Kansas' 2014 workbook has one sheet, "Sheet1", and no title block: its draft is
    recognised by its column names, not by a name every workbook starts with."""
    saved = _draft(fixture(f"{KS}/{KS_2014}.xlsx"), "ks-2014", tmp_path / "t")
    data = tomllib.loads(saved.read_text())
    assert data["detect"] == {"cells": ["^County$", "^Precinct$", "^Race$"]}
    parser = SheetTemplateParser(read_sheet_template(saved))
    assert parser.detect(fixture(f"{KS}/{KS_2014}.xlsx"))
    assert not parser.detect(fixture("series/la-sos-election-results/20230218.xlsx"))


LA_MARCH = "series/la-sos-election-results/20230325.xlsx"


def test_a_sheet_of_races_sharing_a_column_reads_each_race_once(tmp_path: Path) -> None:
    """Louisiana's March workbook stacks races of 2 to 6 candidates on each sheet, all with
    the unnamed parish or precinct column: a race's table is not the drift of another's."""
    saved = _draft(fixture(LA_MARCH), "la-march", tmp_path / "t")
    result = SheetTemplateParser(read_sheet_template(saved)).parse(fixture(LA_MARCH))
    assert result.quarantine_reason() is None
    # Every unit row of the 67 race blocks (expected/20230325.json, row_count summed).
    assert len(result.rows) == 3626
    first = result.table_rows("state_representative_93rd_representative_district")
    assert [(r.page, r.values["column_1"], r.values["alonzo_knox_dem"]) for r in first] == [
        (1, "Orleans", 1718)
    ]
    assert all(c.passed for c in result.checks)


def test_a_table_read_on_several_sheets_numbers_its_rows_on(tmp_path: Path) -> None:
    """A template table found on several sheets (one per parish) numbers its rows on from
    sheet to sheet, as a PDF table's rows are across pages: the rows of a quarantined
    workbook were all kept, not refused as duplicates (before: the document failed with
    "IntegrityError: UNIQUE constraint failed: quarantined_rows...")."""
    folder = tmp_path / "t"
    _draft(fixture(LA_MARCH), "la-march", folder)
    (tmp_path / "sources.toml").write_text('[settings]\ntemplates = ["t"]\n')
    database = tmp_path / "r.db"
    common = ["--sources", str(tmp_path / "sources.toml"), "--db", str(database)]
    common += ["--archive", str(tmp_path / "a")]
    april = fixture("series/la-sos-election-results/20230429.xlsx")
    result = CliRunner().invoke(cli, [*common, "add", str(april)])
    # April's races are not March's: quarantined, its rows kept for inspection.
    assert result.exit_code == 1, result.output
    assert "20230429.xlsx: quarantined" in result.output
    assert "IntegrityError" not in result.output
    with sqlite3.connect(database) as db:
        status, reason = db.execute("select status, error from documents").fetchone()
        kept = db.execute(
            "select count(*), count(distinct page) from quarantined_rows"
            " where table_name = 'pw_prop_no_1_of_3_21_mills_renewal_sb_10_yrs'"
        ).fetchone()
    assert status == "quarantined"
    # March's two-choice proposition shape fits April's propositions on 8 parish sheets.
    assert kept == (602, 8)
    # Each of April's tables is named once however many of March's tables it resembles (it
    # was named once for each: 22,300 characters), the first eight, then a count.
    judge = "sheet 'Multi-Parish(Parish)', table 'Judge -- Criminal District Court, Section A'"
    assert reason.count(judge) == 1
    assert f"{judge}: no column matches diedre_pierce_kelly_dem;" in reason
    assert reason.endswith("; and 21 more tables")
    assert reason.count("no column matches") == 8
