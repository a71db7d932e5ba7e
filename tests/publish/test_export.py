"""Full CSV exports (``?_stream=on``) in one pass: complete, in order, the same bytes as
Datasette's own paged stream."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from typing import Any

import pytest

from db.connect import open_db
from parsers.registry import table_specs
from records.core.paths import Paths
from records.publish.plugin import export
from records.publish.plugin.export import plain_export
from records.publish.serve import SETTINGS, build_datasette

TABLE = "ddor_declined_detainers"
#: More than two of Datasette's pages, so its own stream needs several queries.
ROWS = 2 * SETTINGS["max_returned_rows"] + 1234
DOCUMENTS = [f"{n:064x}" for n in range(3)]


def _declined(n: int) -> str | None:
    """Many ties and some NULLs, so the order's tie-breaker and NULL handling count."""
    return None if n % 97 == 0 else f"2026-{1 + n % 12:02d}-{1 + n % 5:02d}"


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("export")
    paths = Paths(db=root / "records.db", archive=root / "archive", sources=root / "none.toml")
    db = open_db(paths.db, specs=table_specs(["ice-ddor"]))
    for n, sha in enumerate(DOCUMENTS):
        db["documents"].insert(
            {
                "sha256": sha,
                "status": "parsed",
                "first_seen": f"2026-0{n + 1}",
                "report_period_start": "2026-01-01",
                "report_period_end": "2026-01-07",
                # The third corrects the first: the first's rows are not current.
                "supersedes": DOCUMENTS[0] if n == 2 else None,
            }
        )
    db[TABLE].insert_all(
        (
            {
                "document": DOCUMENTS[n % 3],
                "page": 1 + n % 7,
                "table_index": 0,
                "row_index": n,
                "state": ["TX", "CA", None, "NY"][n % 4],
                "county": f'County "{n % 13}", north',  # quotes and commas, escaped alike
                "declined_date": _declined(n),
                "detainer_issued_date": "2025-01-01",
            }
            for n in range(ROWS)
        ),
        batch_size=5000,
    )
    # Values SQLite does not write as Python's csv module does: a float (Python writes the
    # shortest repr), a binary value (Datasette writes its URL); and a line break.
    db.execute(f"update {TABLE} set page = 0.1 + 0.2 where rowid = 7")
    db.execute(f"update {TABLE} set county = x'00ff10' where rowid = 8")
    db.execute(f"update {TABLE} set facility = 'Main' || char(13, 10) || 'Annex' where rowid = 9")
    # Formulas, made inert in a CSV download (records.publish.plugin.formulas); numbers not.
    db.execute(f"""update {TABLE} set county = '=HYPERLINK("http://x.example")' where rowid = 10""")
    db.execute(f"update {TABLE} set facility = '-5', county = '@SUM(A1)' where rowid = 11")
    db.conn.commit()
    db.close()
    ds = build_datasette(paths)
    asyncio.run(ds.invoke_startup())
    return ds


def _get(ds: Any, url: str) -> Any:
    return asyncio.run(ds.client.get(url))


def _chunks_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = export.Rows.chunk

    def counted(self: export.Rows) -> str | None:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(export.Rows, "chunk", counted)
    return calls


@pytest.mark.parametrize(
    "query",
    [
        "_stream=on",
        "_stream=on&_sort=state",
        "_stream=1&_header=off&_dl=1&_size=max",
        "_stream=on&_editions=all",
        "_stream=on&_editions=superseded",
    ],
)
def test_one_pass_export_is_datasettes_stream_byte_for_byte(
    datasette: Any, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    chunks = _chunks_read(monkeypatch)
    ours = _get(datasette, f"/records/{TABLE}.csv?{query}")
    assert ours.status_code == 200
    # Current rows by default (records.publish.plugin.current): the corrected report's not.
    rows = len(list(csv.reader(io.StringIO(ours.text)))) - ("_header=off" not in query)
    editions = query.partition("_editions=")[2] or "current"
    assert (
        rows
        == {"all": ROWS, "superseded": ROWS - ROWS * 2 // 3, "current": ROWS * 2 // 3}[editions]
    )
    assert len(chunks) >= rows // export.CHUNK_ROWS  # answered here, in chunks
    chunks.clear()
    # _nocount=1 (which Datasette adds to every CSV request itself) leaves it to Datasette.
    theirs = _get(datasette, f"/records/{TABLE}.csv?{query}&_nocount=1")
    assert chunks == []
    assert theirs.status_code == 200
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.headers.get("content-disposition") == theirs.headers.get("content-disposition")
    if "_sort=state" not in query:
        assert ours.content == theirs.content
        return
    # Datasette's first page orders by state alone (ties as the query plan has them, which
    # the current-rows filter changes), later ones after the last row's (state, rowid): past
    # the first page it skips rows (here about a hundred). Ours has every row (counted
    # above), Datasette's among them, in (state, rowid) order.
    ours_rows = list(csv.reader(io.StringIO(ours.text)))
    theirs_rows = list(csv.reader(io.StringIO(theirs.text)))
    assert ours_rows[0] == theirs_rows[0]
    assert {tuple(r) for r in theirs_rows[1:]} < {tuple(r) for r in ours_rows[1:]}
    state = ours_rows[0].index("state")
    keys = [(row[state] != "", row[state], int(row[0])) for row in ours_rows[1:]]
    assert keys == sorted(keys)


def test_the_export_is_complete_and_in_the_default_order(datasette: Any) -> None:
    response = _get(datasette, f"/records/{TABLE}.csv?_stream=on&_editions=all")
    rows = list(csv.reader(io.StringIO(response.text)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["rowid", "document", "page"]
    assert len(body) == ROWS
    # Newest declined_date first (NULLs last), ties in rowid order: every row once.
    expected = sorted(
        range(1, ROWS + 1),
        key=lambda rowid: (
            _declined(rowid - 1) is None,
            "".join(chr(255 - ord(c)) for c in _declined(rowid - 1) or ""),
            rowid,
        ),
    )
    assert [int(row[0]) for row in body] == expected
    by_rowid = {int(row[0]): row for row in body}
    assert by_rowid[7][header.index("page")] == "0.30000000000000004"
    assert by_rowid[8][header.index("county")].endswith(
        f"/records/{TABLE}/8.blob?_blob_column=county"
    )
    assert by_rowid[9][header.index("facility")] == "Main\r\nAnnex"
    assert by_rowid[10][header.index("county")] == '\'=HYPERLINK("http://x.example")'
    assert by_rowid[11][header.index("county")] == "'@SUM(A1)"
    assert by_rowid[11][header.index("facility")] == "-5"
    first = body[0]
    assert first[header.index("county")] == f'County "{(expected[0] - 1) % 13}", north'


def test_the_default_export_reads_the_sort_index_with_no_temporary_sort(
    datasette: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows shown by default are filtered as the sort's index is read: read through
    the index on ``document`` instead, every row was sorted before the first was sent."""
    queries: list[str] = []
    original = export.Rows.__init__

    def noted(self: export.Rows, path: str, sql: str) -> None:
        queries.append(sql)
        original(self, path, sql)

    monkeypatch.setattr(export.Rows, "__init__", noted)
    assert _get(datasette, f"/records/{TABLE}.csv?_stream=on").status_code == 200
    (sql,) = queries
    conn = sqlite3.connect(datasette.get_database("records").path)
    try:
        plan = [row[3] for row in conn.execute("explain query plan " + sql)]
    finally:
        conn.close()
    assert plan[0] == f"SCAN {TABLE} USING INDEX idx_{TABLE}_declined_date"
    assert not any("TEMP B-TREE" in step for step in plan)


def test_a_table_with_a_primary_key_exports_in_its_sort_then_key(datasette: Any) -> None:
    ours = _get(datasette, "/records/documents.csv?_stream=on")
    theirs = _get(datasette, "/records/documents.csv?_stream=on&_nocount=1")
    assert ours.content == theirs.content
    shas = [row[0] for row in csv.reader(io.StringIO(ours.text))][1:]
    assert shas == list(reversed(DOCUMENTS))  # documents: newest first_seen first


def test_requests_the_one_pass_export_does_not_answer_go_to_datasette(
    datasette: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = _chunks_read(monkeypatch)
    filtered = _get(datasette, f"/records/{TABLE}.csv?_stream=on&state=TX&_editions=all")
    assert filtered.status_code == 200
    assert len(list(csv.reader(io.StringIO(filtered.text)))) == 1 + ROWS // 4 + (ROWS % 4 > 0)
    unknown = _get(datasette, f"/records/{TABLE}.csv?_stream=on&_sort=nonsense")
    assert unknown.status_code == 302  # handed back to Datasette, which says what is wrong
    assert "_nocount=1" in unknown.headers["location"]
    assert chunks == []
    assert plain_export(f"/records/{TABLE}.csv", "_stream=on&_sort_desc=page")
    assert not plain_export(f"/records/{TABLE}.csv", "_stream=off")
    assert not plain_export(f"/records/{TABLE}.csv", "_stream=on&_size=10")
    assert plain_export(f"/records/{TABLE}.json", "_stream=on&_shape=array&_nl=on")
    assert not plain_export(f"/records/{TABLE}.json", "_stream=on&_shape=objects")
    assert not plain_export(f"/records/{TABLE}.csv", "_stream=on&_nl=on")
    assert not plain_export("/-/archive/x.csv", "_stream=on")


def _datasette_pages(ds: Any, url: str) -> list[dict[str, Any]]:
    """Every row of Datasette's JSON pages of ``url``, following ``next_url`` to the end."""
    rows: list[dict[str, Any]] = []
    while url:
        page = _get(ds, url).json()
        rows.extend(page["rows"])
        url = page["next_url"] or ""
        url = url[url.index("/records/") :] if url else ""
    return rows


@pytest.mark.parametrize("lines", [False, True])
def test_json_export_is_every_row_of_datasettes_pages_in_one_pass(
    datasette: Any, monkeypatch: pytest.MonkeyPatch, lines: bool
) -> None:
    chunks = _chunks_read(monkeypatch)
    response = _get(datasette, f"/records/{TABLE}.json?_stream=on" + ("&_nl=on" if lines else ""))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert len(chunks) >= ROWS // export.CHUNK_ROWS
    if lines:
        ours = [json.loads(line) for line in response.text.splitlines()]
    else:
        ours = response.json()
    pages = _datasette_pages(datasette, f"/records/{TABLE}.json?_shape=objects&_size=max")
    assert len(ours) == ROWS * 2 // 3  # current rows, as the table page has them
    assert ours == pages


def test_a_table_keyed_by_a_column_with_no_default_sort_exports_in_key_order(
    datasette: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: such a table was handed back to Datasette (a redirect), as if the sort
    # column were unknown.
    chunks = _chunks_read(monkeypatch)
    ours = _get(datasette, "/records/parsed_tables.csv?_stream=on")
    assert ours.status_code == 200
    assert chunks
    theirs = _get(datasette, "/records/parsed_tables.csv?_stream=on&_nocount=1")
    assert ours.content == theirs.content
    assert ours.text.splitlines()[0].startswith("name,value_columns")


@pytest.mark.parametrize(
    ("chunk", "maybe"),
    [
        ("=1+1,b\r\n", True),  # the chunk's first cell
        ('"=1+1",b\r\n', True),
        ("a,b\r\n-2+3,c\r\n", True),  # a line's first cell
        ("a,@SUM(A1)\r\n", True),
        ('a,"\rx"\r\n', True),  # a quoted carriage return
        ("a,\r\nb,\r\n", False),  # empty last cells: the line break is no formula
        ("a,b-c,2026-01-01\r\n", False),
        ("", False),
    ],
)
def test_a_chunk_is_rewritten_only_if_a_cell_may_start_a_formula(chunk: str, maybe: bool) -> None:
    assert export._maybe_formula(chunk) is maybe


def test_binary_values_are_found_by_their_written_form_and_only_they_become_urls(
    tmp_path: Any,
) -> None:
    sqlite3.connect(tmp_path / "none.db").close()
    rows = export.CsvRows(
        str(tmp_path / "none.db"),
        "select 1",
        ["id", "name"],
        lambda row: [row[0], f"url-{row[0]}"],
        inert_formulas=True,
    )
    try:
        # Text that reads like a binary value's start is written as it is.
        assert rows.text([(1, "Jacob's"), (2, 'say b"hi"')], first=True) == (
            'id,name\r\n1,Jacob\'s\r\n2,"say b""hi"""\r\n'
        )
        assert rows.text([(1, "Jacob's"), (2, b"\x00'")], first=False) == (
            "1,Jacob's\r\n2,url-2\r\n"
        )
        assert rows.text([(3, b"\xff")], first=False) == "3,url-3\r\n"
    finally:
        rows.close()
