"""Typed tables: editions of a workbook in one real table with typed columns, through
`records add`, faceted and sorted in Datasette."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from db.schema import ensure_schema
from db.typed import TYPED_TABLES, load_typed
from parsers.base import Column
from parsers.typed import TypedRow, TypedTable
from records.cli import cli
from records.publish.metadata import typed_table_metadata
from tests.parsers.spreadsheets.generated import detention_workbook
from tests.parsers.spreadsheets.test_layout import KS, KS_2014, KS_2020, KS_2024, LA
from tests.publish.conftest import Built, Client
from tests.shared import expected, fixture


def _add(tmp_path: Path, *files: Path) -> str:
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "a"), "add", *map(str, files)],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_three_editions_with_title_block_and_group_titles_load_into_one_typed_table(
    tmp_path: Path,
) -> None:
    editions = [
        detention_workbook(tmp_path / "fy2019.xlsx", 2019),
        detention_workbook(tmp_path / "fy2020.xlsx", 2020),
        detention_workbook(tmp_path / "fy2021.xlsx", 2021, extra_column=True),
    ]
    output = _add(tmp_path, *editions)
    assert "warning" not in output
    db = sqlite_utils.Database(tmp_path / "r.db")
    (register,) = db.query(f"select * from {TYPED_TABLES}")
    assert register["name"] == "fy2019_facilities"
    # FY2021 added a column: it is added to the table, not a new table.
    assert json.loads(register["columns"]) == [
        ["Facility Information Name", "text"],
        ["Facility Information State", "text"],
        ["Facility Information ZIP", "text"],
        ["Average Daily Population Level A", "integer"],
        ["Average Daily Population Level B", "integer"],
        ["Average Daily Population Total", "integer"],
        ["Average Daily Population Female", "integer"],
    ]
    columns = db.table("fy2019_facilities").columns_dict
    assert columns["Average Daily Population Total"] is int
    assert columns["Facility Information ZIP"] is str
    rows = list(
        db.query(
            "select d.filename, t.page, t.row_index, t.source_row,"
            " t.[Facility Information Name] as name, t.[Facility Information ZIP] as zip,"
            " t.[Average Daily Population Total] as total,"
            " t.[Average Daily Population Female] as female"
            " from fy2019_facilities t join documents d on d.sha256 = t.document"
            " order by d.filename, t.row_index"
        )
    )
    # Every data row of every edition; no title, header, total or Source row.
    assert [(r["filename"], r["row_index"], r["source_row"]) for r in rows] == [
        (f"fy{year}.xlsx", k, k + 6) for year in (2019, 2020, 2021) for k in range(3)
    ]
    assert [(r["name"], r["zip"], r["total"], r["female"]) for r in rows[::3]] == [
        ("Adelanto", "02345", 3519, None),
        ("Adelanto", "02345", 3520, None),
        ("Adelanto", "02345", 3521, 17),
    ]
    assert db.execute(
        "select typeof([Average Daily Population Total]), sum([Average Daily Population Total])"
        " from fy2019_facilities where [Facility Information State] = 'TX'"
    ).fetchone() == ("integer", 3030)


def test_template_less_tables_are_faceted_and_sorted_in_datasette(tmp_path: Path) -> None:
    _add(
        tmp_path,
        detention_workbook(tmp_path / "fy2019.xlsx", 2019),
        detention_workbook(tmp_path / "fy2020.xlsx", 2020),
    )
    client = Client(Built(tmp_path / "r.db", tmp_path / "a", tmp_path))
    try:
        state = "Facility Information State"
        total = "Average Daily Population Total"
        page = client.json(
            f"/{client.db}/fy2019_facilities.json?_facet={state}&_sort_desc={total}&_shape=objects"
        )
        assert [row[total] for row in page["rows"]] == [3520, 3519, 1010, 1010, 570, 570]
        facet = page["facet_results"][state]["results"]
        assert sorted((f["value"], f["count"]) for f in facet) == [("CA", 2), ("NM", 2), ("TX", 2)]
        filtered = client.json(
            f"/{client.db}/fy2019_facilities.json?{total}__gt=1000&_shape=objects"
        )
        assert len(filtered["rows"]) == 4
    finally:
        client.close()


def test_real_kansas_editions_share_one_table_with_the_2014_district_column_added(
    tmp_path: Path,
) -> None:
    files = [fixture(f"{KS}/{stem}.xlsx") for stem in (KS_2014, KS_2020, KS_2024)]
    output = _add(tmp_path, *files)
    # The withheld 2024 precincts: four totals are not their rows' sum.
    assert output.count(f"warning [total_mismatch] {KS_2024}.xlsx: sheet 'SHAWNEE'") == 4
    con = sqlite3.connect(tmp_path / "r.db")
    counts = con.execute(
        "select d.filename, count(*), sum(t.Votes), count(t.District)"
        " from officialprecinctlevelresults t join documents d on d.sha256 = t.document"
        " group by d.filename order by d.filename"
    ).fetchall()
    assert counts == [
        (f"{KS_2014}.xlsx", 209, 39610, 209),
        (f"{KS_2020}.xlsx", 4050, 606601, 0),
        (f"{KS_2024}.xlsx", 5207, 606575, 0),
    ]
    # The first edition's sheet was "Sheet1": a later edition's name replaced it.
    names = [r[0] for r in con.execute(f"select name from {TYPED_TABLES} order by name")]
    assert "officialprecinctlevelresults" in names and "sheet1" not in names
    (warnings,) = con.execute(
        "select warnings from documents where filename = ?", [f"{KS_2024}.xlsx"]
    ).fetchone()
    assert warnings.count("sheet 'SHAWNEE': total row 250 prints") == 4
    status = CliRunner().invoke(cli, ["--db", str(tmp_path / "r.db"), "status"])
    assert status.exit_code == 0, status.output
    assert f"  {KS_2024}.xlsx: sheet 'SHAWNEE': total row 250 prints 6406" in status.output
    assert (
        "sheet 'SHAWNEE': total row 250 prints 10771 for"
        " 'For State Senator 18th District REP Kenny Titus' but its rows add up to 10750"
    ) in status.output


def test_rows_read_by_ocr_are_flagged_with_their_confidence(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "r.db")
    ensure_schema(db)
    db.table("documents").insert({"sha256": "a" * 64, "filename": "scan.pdf"})
    table = TypedTable(
        "arrests",
        "Arrests",
        [Column("Month", "text", ""), Column("Arrests", "integer", "")],
        [
            TypedRow(1, 0, 0, ["January", 2219], "1.0,2.0,3.0,4.0"),
            TypedRow(2, 0, 1, ["February", 1804], None, ocr_confidence=91.5),
        ],
    )
    assert load_typed(db, "a" * 64, "1.4", [table], ocr_pages=[1]) == 2
    assert list(db.query("select page, ocr, ocr_confidence, Arrests from arrests")) == [
        {"page": 1, "ocr": 1, "ocr_confidence": None, "Arrests": 2219},
        {"page": 2, "ocr": 1, "ocr_confidence": 91.5, "Arrests": 1804},
    ]


@pytest.mark.parametrize("printed", ["page", "Document"])
def test_a_printed_column_named_like_provenance_is_kept_apart(tmp_path: Path, printed: str) -> None:
    db = sqlite_utils.Database(tmp_path / "r.db")
    ensure_schema(db)
    db.table("documents").insert({"sha256": "b" * 64})
    table = TypedTable("t", None, [Column(printed, "integer", "")], [TypedRow(3, 0, 0, [7])])
    load_typed(db, "b" * 64, "1", [table])
    assert list(db.query(f"select page, [{printed} (printed)] as v from t")) == [
        {"page": 3, "v": 7}
    ]


def test_template_less_pdf_table_added_is_faceted_and_sorted_by_its_own_columns(
    tmp_path: Path,
) -> None:
    output = _add(tmp_path, fixture("series/ca-cdph-zika-weekly/ca-confirmed-cases-2016-03-25.pdf"))
    assert "parsed" in output and "warning" not in output
    client = Client(Built(tmp_path / "r.db", tmp_path / "a", tmp_path))
    try:
        table = "county_travel_associated_cases_locally_acquired_cases"
        cases = "Travel-associated cases*"
        page = client.json(
            f"/{client.db}/{table}.json?_sort_desc={cases}&_facet=Locally acquired cases†"
            "&_shape=objects&_size=3"
        )
        assert [(r["County"], r[cases]) for r in page["rows"]] == [
            ("San Diego", 7),
            ("Los Angeles", 5),
            ("Contra Costa", 3),
        ]
        assert page["rows"][0]["page"] == 1 and page["rows"][0]["ocr"] == 0
        facet = page["facet_results"]["Locally acquired cases†"]["results"]
        assert [(f["value"], f["count"]) for f in facet] == [(0, 10)]
    finally:
        client.close()


def test_a_document_parsed_again_replaces_its_typed_rows(tmp_path: Path) -> None:
    from db.load import load_result
    from parsers.spreadsheets.parser import PARSER

    db = sqlite_utils.Database(tmp_path / "r.db")
    ensure_schema(db, PARSER.tables)
    db.table("documents").insert({"sha256": "c" * 64, "filename": "fy2019.xlsx"})
    result = PARSER.parse(detention_workbook(tmp_path / "fy2019.xlsx", 2019))
    for _ in range(2):
        load_result(db, "c" * 64, PARSER, PARSER.parse(tmp_path / "fy2019.xlsx"))
    assert db.table("fy2019_facilities").count == len(result.typed[0].rows) == 3


def test_zika_editions_with_a_title_inside_the_frame_share_one_typed_table(
    tmp_path: Path,
) -> None:
    zika = "series/ca-cdph-zika-weekly"
    files = [
        fixture(f"{zika}/ca-confirmed-cases-{day}.pdf") for day in ("2016-01-29", "2016-02-26")
    ]
    _add(tmp_path, *files)
    db = sqlite_utils.Database(tmp_path / "r.db")
    # Named from the header, titled from the title bar; the second edition's new column
    # is added to the first's table.
    (register,) = db.query(f"select * from {TYPED_TABLES}")
    assert register["name"] == "year_cdc_final_confirmed_cases"
    assert register["title"] == (
        "Travel-Associated Cases of Zika Virus in California (as of January 29, 2016)"
    )
    assert json.loads(register["columns"]) == [
        ["Year", "integer"],
        ["CDC final confirmed cases*", "integer"],
        ["CDC preliminary positive cases**", "integer"],
    ]
    rows = db.execute(
        "select d.filename, t.Year, t.[CDC final confirmed cases*],"
        " t.[CDC preliminary positive cases**]"
        " from year_cdc_final_confirmed_cases t join documents d on d.sha256 = t.document"
        " order by d.filename, t.row_index"
    ).fetchall()
    assert rows == [
        ("ca-confirmed-cases-2016-01-29.pdf", 2013, 1, None),
        ("ca-confirmed-cases-2016-01-29.pdf", 2014, 3, None),
        ("ca-confirmed-cases-2016-01-29.pdf", 2015, 2, None),
        ("ca-confirmed-cases-2016-01-29.pdf", 2016, 0, None),
        ("ca-confirmed-cases-2016-02-26.pdf", 2013, 1, None),
        ("ca-confirmed-cases-2016-02-26.pdf", 2014, 3, None),
        ("ca-confirmed-cases-2016-02-26.pdf", 2015, 4, 0),
        ("ca-confirmed-cases-2016-02-26.pdf", 2016, 6, 0),
    ]


def test_blank_headers_are_no_evidence_of_the_same_shape(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "r.db")
    ensure_schema(db)
    db.table("documents").insert({"sha256": "c" * 64})

    def table(name: str, *columns: str) -> TypedTable:
        cols = [Column(c, "integer", "") for c in columns]
        return TypedTable(name, None, cols, [TypedRow(1, 0, 0, list(range(len(cols))))])

    load_typed(
        db,
        "c" * 64,
        "1",
        [
            table("lab", "column_1", "column_2"),
            # Two blank headers alike, the printed one not: another table (it used to join
            # "votes" on the blank ones, 2 of 3 names).
            table("votes", "column_1", "column_2", "Votes"),
            table("totals", "column_1", "column_2", "Total"),
            # No printed name, one column more: not the first table's shape either.
            table("dates", "column_1", "column_2", "column_3"),
            # No printed name and as many columns: the first table's shape.
            table("lab_again", "column_1", "column_2"),
        ],
    )
    tables = {r["name"]: r["columns"] for r in db.query(f"select * from {TYPED_TABLES}")}
    assert sorted(tables) == ["dates", "lab", "totals", "votes"]
    assert db.table("lab").count == 2


def test_real_louisiana_propositions_sharing_a_shape_are_told_apart_by_title_and_sheet(
    tmp_path: Path,
) -> None:
    """Louisiana's 2023-03-25 workbook has 39 YES/NO propositions, one or more per parish
    sheet: one shape, so one table. Each row says which proposition (``table_title``) and
    which sheet (``sheet_name``) it was read from, and each proposition's rows add up to the
    total printed above them; a race on both multi-parish sheets is told apart by sheet."""
    truth = expected(f"{LA}/expected/20230325.json")
    _add(tmp_path, fixture(f"{LA}/20230325.xlsx"))
    db = sqlite_utils.Database(tmp_path / "r.db")
    (name,) = [
        r["name"]
        for r in db.query(f"select name, columns from {TYPED_TABLES}")
        if [c for c, _ in json.loads(r["columns"])] == ["column_1", "YES", "NO"]
    ]
    propositions = [t for t in truth["tables"] if t["columns"][1:] == ["YES", "NO"]]
    assert len(propositions) == 39
    got = {
        (r["table_title"], r["sheet_name"]): r
        for r in db.query(
            f"select table_title, sheet_name, count(*) as n, sum(YES) as yes, sum(NO) as no"
            f" from [{name}] group by 1, 2"
        )
    }
    assert len(got) == 39
    for block in propositions:
        row = got[(block["race"], block["sheet"])]
        assert (row["n"], str(row["yes"]), str(row["no"])) == (
            block["row_count"],
            block["totals"]["YES"],
            block["totals"]["NO"],
        )
    judge = "Judge -- Civil District Court, Division B"
    (table,) = [
        t["name"] for t in db.query(f"select name from {TYPED_TABLES} where title = ?", [judge])
    ]
    assert list(
        db.query(
            f"select sheet_name, count(*) as n from [{table}] where table_title = ? group by 1"
            " order by 1",
            [judge],
        )
    ) == [
        {"sheet_name": "Multi-Parish(Parish)", "n": 1},
        {"sheet_name": "Multi-Parish(Precinct)", "n": 352},
    ]
    # Its Datasette page opens faceted by the printed table and the sheet.
    client = Client(Built(tmp_path / "r.db", tmp_path / "a", tmp_path))
    try:
        page = client.json(f"/{client.db}/{name}.json?_shape=objects&_size=1&_facet_size=max")
        facets = page["facet_results"]
        titles = {f["value"]: f["count"] for f in facets["table_title"]["results"]}
        assert len(titles) == 39 == len({b["race"] for b in propositions})
        assert sum(titles.values()) == sum(b["row_count"] for b in propositions)
        assert "sheet_name" in facets and "document" in facets
        assert list(page["rows"][0])[:8] == [
            "rowid",
            "document",
            "page",
            "table_index",
            "row_index",
            "bbox",
            "table_title",
            "sheet_name",
        ]
    finally:
        client.close()


def test_a_typed_table_made_before_title_and_sheet_columns_gains_them(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "r.db")
    ensure_schema(db)
    db.table("documents").insert_all([{"sha256": "c" * 64}, {"sha256": "d" * 64}])
    table = TypedTable(
        "arrests", "Arrests", [Column("Arrests", "integer", "")], [TypedRow(1, 0, 0, [5])]
    )
    load_typed(db, "c" * 64, "1", [table])
    # As an older database has it: no title or sheet column.
    db.execute("drop index idx_arrests_table_title")
    db.execute("alter table arrests drop column table_title")
    db.execute("alter table arrests drop column sheet_name")
    later = TypedTable(
        "arrests", "Arrests 2021", [Column("Arrests", "integer", "")], [TypedRow(1, 0, 0, [9])]
    )
    later.sheet = "2021"
    assert load_typed(db, "d" * 64, "1", [later]) == 1
    assert list(db.query("select Arrests, table_title, sheet_name from arrests order by 1")) == [
        {"Arrests": 5, "table_title": None, "sheet_name": None},
        {"Arrests": 9, "table_title": "Arrests 2021", "sheet_name": "2021"},
    ]
    assert ["table_title"] in [i.columns for i in db.table("arrests").indexes]


def test_an_older_typed_table_is_faceted_only_by_the_columns_it_has(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "r.db")
    ensure_schema(db)
    db.table("documents").insert({"sha256": "e" * 64})
    table = TypedTable(
        "arrests", None, [Column("Arrests", "integer", "")], [TypedRow(1, 0, 0, [5])]
    )
    load_typed(db, "e" * 64, "1", [table], parser="generic")
    assert typed_table_metadata(tmp_path / "r.db")["arrests"]["facets"] == [
        "table_title",
        "document",
    ]
    db.execute("drop index idx_arrests_table_title")
    db.execute("alter table arrests drop column table_title")
    meta = typed_table_metadata(tmp_path / "r.db")["arrests"]
    assert meta["facets"] == ["document"]
    assert meta["columns"]["Arrests"] == "Printed header 'Arrests'."
