"""Every row leads to its page of the archived file; the archive route serves nothing else;
Datasette cannot write."""

from __future__ import annotations

import hashlib
import re
import sqlite3

from tests.publish.conftest import Built, Client
from tests.shared import fixture

PDF = fixture("ddor/ddor2017_01-28to02-03.pdf")
SHA = hashlib.sha256(PDF.read_bytes()).hexdigest()


def test_rows_link_to_their_document_and_page(site_client: Client) -> None:
    html = site_client.get(f"/{site_client.db}/ddor_declined_detainers?_sort=rowid&_size=1").text
    link = f'<a href="/{site_client.db}/documents/{SHA}" title="{SHA}">'
    assert f"{link}ddor2017_01-28to02-03.pdf (2017-01-28 to 2017-02-03)</a>" in html
    # The first section II row is printed on page 3 (expected.json).
    assert f'href="/-/archive/{SHA}#page=3"' in html


def test_document_page_shows_where_the_file_came_from(
    site_client: Client, ddor_site: Built
) -> None:
    html = site_client.get(f"/{site_client.db}/documents/{SHA}").text
    con = sqlite3.connect(ddor_site.db)
    url, first_seen, fetched = con.execute(
        "select d.url, d.first_seen, f.time from documents d join fetches f on f.sha256 = "
        "d.sha256 where d.sha256 = ?",
        [SHA],
    ).fetchone()
    assert url.endswith("/doclib/ddor/ddor2017_01-28to02-03.pdf")
    assert f'<a href="{url}">' in html
    assert f"first {first_seen}" in html and f"fetch {fetched}: HTTP 200" in html
    assert f"<code>{SHA}</code>" in html
    assert "ice-ddor version 1.0" in html
    assert "<strong>parsed</strong>" in html
    assert f'class="archive-download" href="/-/archive/{SHA}"' in html


def test_archive_route_serves_the_archived_pdf(site_client: Client) -> None:
    response = site_client.get(f"/-/archive/{SHA}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="ddor2017_01-28to02-03.pdf"'
    assert response.content == PDF.read_bytes()


def test_archive_route_refuses_everything_else(site_client: Client, ddor_site: Built) -> None:
    unknown = "0" * 64
    assert site_client.get(f"/-/archive/{unknown}").status_code == 404
    assert site_client.get(f"/-/archive/{SHA.upper()}").status_code == 404
    assert site_client.get(f"/-/archive/{SHA[:12]}").status_code == 404
    # A file sitting in the archive folder but unknown to the database is not served.
    stray = hashlib.sha256(b"not a document").hexdigest()
    (ddor_site.archive / stray[:2]).mkdir(exist_ok=True)
    (ddor_site.archive / stray[:2] / stray).write_bytes(b"not a document")
    assert site_client.get(f"/-/archive/{stray}").status_code == 404
    # Traversal, raw and encoded, never reaches the file system.
    secret = ddor_site.workdir / "sources.toml"
    assert secret.exists()
    for raw in (
        "/-/archive/../sources.toml",
        "/-/archive/..%2F..%2Fsources.toml",
        "/-/archive/%2e%2e/%2e%2e/sources.toml",
        f"/-/archive/{SHA[:2]}/../../sources.toml",
        f"/-/archive/{SHA}/../../../sources.toml",
        "/-/archive/..%2f..%2fetc%2fpasswd",
    ):
        status, headers, body = site_client.raw(raw)
        if status == 302:  # Datasette turns %-escapes into ~-escapes first
            assert headers["Location"].startswith("/-/archive/"), raw
            status, headers, body = site_client.raw(headers["Location"])
        assert status == 404, raw
        assert b"[[source]]" not in body and b"root:" not in body


def test_writes_are_refused(site_client: Client, ddor_site: Built) -> None:
    db = site_client.db
    for sql in (
        "delete from documents",
        "update documents set status = 'failed'",
        "insert into runs (id) values (999)",
        "drop table documents",
        "attach database 'x.db' as x",
        "pragma journal_mode = delete",
        "select 1; delete from documents",
    ):
        response = site_client.get(f"/{db}.json", params={"sql": sql})
        assert response.status_code in (400, 403), sql
    response = site_client.post(f"/{db}/documents/-/insert", json={"row": {"sha256": "x"}})
    assert response.status_code in (403, 404, 405)
    # The connection itself is read-only (mode=ro), not just the SQL validator.
    database = site_client.ds.databases[db]
    assert database.is_mutable
    status = site_client.loop.run_until_complete(database.execute_fn(lambda conn: _try_write(conn)))
    assert re.search("readonly", status)
    assert sqlite3.connect(ddor_site.db).execute("select count(*) from documents").fetchone() == (
        1,
    )


def _try_write(conn: sqlite3.Connection) -> str:
    try:
        conn.execute("delete from documents")
    except sqlite3.OperationalError as exc:
        return str(exc)
    return "written"
