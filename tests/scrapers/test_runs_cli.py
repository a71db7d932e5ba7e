"""`records run ice-ddor` end to end, as a user runs it (the installed command, a subprocess)."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from db.connect import open_db
from parsers.registry import get_parser
from tests.conftest import sources_for
from tests.httpserver import Route, Site, serve
from tests.scrapers.fake_wayback import FakeWayback
from tests.shared import REPO, fixture

RECORDS = REPO / ".venv" / "bin" / "records"
DDOR_PDF = "/doclib/ddor/ddor2017_01-28to02-03.pdf"


def _records(tmp_path: Path, sources: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(RECORDS),
            "--sources",
            str(sources),
            "--db",
            str(tmp_path / "records.db"),
            "--archive",
            str(tmp_path / "archive"),
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )


def _parsed_rows(db_path: Path) -> int:
    db = open_db(db_path, ensure=False)
    return sum(db.table(t.name).count for t in get_parser("ice-ddor").tables)


def test_weekly_rerun_of_unchanged_site_downloads_nothing(tmp_path: Path, ddor_site: Site) -> None:
    sources = sources_for(ddor_site.url, tmp_path)
    first = _records(tmp_path, sources, "run", "ice-ddor")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(
        "run 1: 1 new document(s), 0 unchanged, 0 failed, 0 quarantined; 371 row(s) added;"
    )
    assert _parsed_rows(tmp_path / "records.db") == 371
    ddor_site.log.clear()

    second = _records(tmp_path, sources, "run", "ice-ddor")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith(
        "run 2: 0 new document(s), 1 unchanged, 0 failed, 0 quarantined; 0 row(s) added;"
    )
    pdf_requests = [r for r in ddor_site.log if r.path.endswith(".pdf")]
    assert [(r.path, r.status, r.body_bytes) for r in pdf_requests] == [(DDOR_PDF, 304, 0)]
    assert pdf_requests[0].headers["If-None-Match"].startswith('"')
    assert pdf_requests[0].headers["If-Modified-Since"] == "Mon, 20 Mar 2017 08:53:20 GMT"
    db = open_db(tmp_path / "records.db", ensure=False)
    assert db.table("documents").count == 1
    assert _parsed_rows(tmp_path / "records.db") == 371
    assert list(db.query("select not_modified, http_status from fetches where run = 2")) == [
        {"not_modified": 1, "http_status": 304}
    ]
    run = db.table("runs").get(2)
    assert (run["documents_new"], run["documents_unchanged"], run["rows_added"]) == (0, 1, 0)


def test_mixed_site_loads_the_good_pdf_and_names_each_bad_url(tmp_path: Path) -> None:
    good = fixture("ddor/ddor2017_01-28to02-03.pdf").read_bytes()
    links = "".join(
        f'<p><a href="doclib/ddor/{name}">{name}</a></p>'
        for name in ("good.pdf", "corrupt.pdf", "login.pdf", "broken.pdf")
    )
    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, f"<html><body>{links}</body></html>".encode()),
        "/doclib/ddor/good.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, good),
        # Starts like a PDF, is not one: archived, then fails in the parser.
        "/doclib/ddor/corrupt.pdf": lambda h: (200, {}, b"%PDF-1.7\n" + bytes(range(256)) * 8),
        "/doclib/ddor/login.pdf": lambda h: (
            200,
            {"Content-Type": "application/pdf"},
            b"<!DOCTYPE html><html><body>Please sign in</body></html>",
        ),
        "/doclib/ddor/broken.pdf": lambda h: (500, {}, b"<html>Internal Server Error</html>"),
    }
    with serve(routes=routes) as site:
        sources = sources_for(site.url, tmp_path, extra="retries = 1")
        result = _records(tmp_path, sources, "run", "ice-ddor")

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith(
        "run 1: 2 new document(s), 0 unchanged, 3 failed, 0 quarantined; 371 row(s) added;"
        " 3 error(s)"
    )
    u = f"{site.url}/doclib/ddor"
    error_lines = sorted(
        line.strip() for line in result.stderr.splitlines() if line.strip().startswith("error [")
    )
    assert len(error_lines) == 3
    assert (
        error_lines[0]
        == f"error [fetch] {u}/broken.pdf: HTTP 500 Internal Server Error (after 1 retry)"
    )
    assert error_lines[1] == (
        f"error [fetch] {u}/login.pdf: an HTML page, not a document (error page or login wall?);"
        " not archived"
    )
    # The parser's own words follow the file name; the URL comes first.
    assert re.fullmatch(
        rf"error \[parse\] {re.escape(u)}/corrupt\.pdf: corrupt\.pdf: .+", error_lines[2]
    )
    db = open_db(tmp_path / "records.db", ensure=False)
    errors = list(db.query("select stage, url from errors where run = 1 order by url"))
    assert errors == [
        {"stage": "fetch", "url": f"{u}/broken.pdf"},
        {"stage": "parse", "url": f"{u}/corrupt.pdf"},
        {"stage": "fetch", "url": f"{u}/login.pdf"},
    ]
    statuses = {d["url"]: d["status"] for d in db.query("select url, status from documents")}
    assert statuses == {f"{u}/good.pdf": "parsed", f"{u}/corrupt.pdf": "failed"}
    assert _parsed_rows(tmp_path / "records.db") == 371


def test_vanished_ddor_page_is_loaded_from_the_wayback_machine(tmp_path: Path) -> None:
    site = fixture("ddor/site")
    wayback = FakeWayback()
    with serve(routes={}) as gone:  # ICE removed the pages: everything answers 404
        listing = f"{gone.url}/index.html"
        pdf_url = f"{gone.url}{DDOR_PDF}"
        wayback.add(listing, "20170321043012", (site / "index.html").read_bytes())
        wayback.add(pdf_url, "20170322120000", (site / DDOR_PDF.lstrip("/")).read_bytes())
        with serve(routes=wayback.routes()) as archive_org:
            cdx = f"{archive_org.url}/cdx/search/cdx"
            sources = sources_for(gone.url, tmp_path, extra=f'wayback_cdx = "{cdx}"')
            # Crawl only: parsing the same PDF is covered above; this is about provenance.
            result = _records(tmp_path, sources, "crawl", "ice-ddor")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "run 1: 1 new document(s), 0 unchanged, 0 failed, 0 quarantined; 0 row(s) added;"
    )
    assert [r.path for r in gone.log] == ["/robots.txt", "/index.html"]
    db = open_db(tmp_path / "records.db", ensure=False)
    [document] = db.query("select url, capture_url, capture_time, status from documents")
    assert document == {
        "url": pdf_url,
        "capture_url": f"{archive_org.url}/web/20170322120000id_/{pdf_url}",
        "capture_time": "2017-03-22T12:00:00Z",
        "status": "fetched",
    }
    archived = fixture("ddor/site") / DDOR_PDF.lstrip("/")
    sha = hashlib.sha256(archived.read_bytes()).hexdigest()
    assert (tmp_path / "archive" / sha[:2] / sha).read_bytes() == archived.read_bytes()
