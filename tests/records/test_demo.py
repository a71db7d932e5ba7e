"""`records demo --no-serve`: the offline demo crawls its own sample site and loads it."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from records.cli import cli
from records.demo.sample_reports import demo_series


def test_demo_crawls_parses_and_loads_every_sample_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    reports = demo_series()
    db = sqlite_utils.Database(tmp_path / "demo" / "records.db")
    docs = {d["filename"]: d for d in db["documents"].rows}
    assert sorted(docs) == sorted(r.filename for r in reports)
    for report in reports:
        doc = docs[report.filename]
        assert doc["status"] == "parsed"
        declined = db.execute(
            "select count(*) from ddor_declined_detainers where document = ?", [doc["sha256"]]
        ).fetchone()[0]
        assert declined == len(report.data["declined_rows"])
    corrected = next(r for r in reports if r.data.get("corrected"))
    original = next(
        r for r in reports if r.filename == corrected.filename.replace("-corrected", "")
    )
    assert docs[corrected.filename]["supersedes"] == docs[original.filename]["sha256"]
    total = sum(len(r.data["declined_rows"]) for r in reports)
    assert db["ddor_declined_detainers"].count == total
    assert f"run 1: {len(reports)} new document(s), 0 unchanged" in result.output
    # The run output names each document by its edition, the correction marked.
    n = len(corrected.data["declined_rows"])
    assert (
        f"  {corrected.filename} (2017-01-28 to 2017-02-03, correction): parsed," in result.output
    )
    assert f"{n:>4}  {corrected.filename} (2017-01-28 to 2017-02-03, correction)" in result.output


def test_demo_twice_finds_nothing_new(tmp_path: Path) -> None:
    workdir = str(tmp_path / "demo")
    CliRunner().invoke(cli, ["demo", "--no-serve", "--dir", workdir])
    second = CliRunner().invoke(cli, ["demo", "--no-serve", "--dir", workdir])
    assert second.exit_code == 0, second.output
    assert f"0 new document(s), {len(demo_series())} unchanged, 0 row(s) added" in second.output


def test_the_sample_site_answers_as_a_web_server_does(tmp_path: Path) -> None:
    """HTTP/1.1 with the connection kept open for the next request (a crawl does not open
    one per document), and a conditional request for an unchanged file answered 304."""
    import http.client
    from email.utils import formatdate

    from records.demo.run import serve_folder

    (tmp_path / "index.html").write_text("<a href='a.pdf'>a</a>")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 sample")
    with serve_folder(tmp_path) as url:
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        answers = []
        for path, headers in (
            ("/index.html", {}),
            ("/a.pdf", {}),
            ("/a.pdf", {"If-Modified-Since": formatdate(usegmt=True)}),
        ):
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            answers.append((response.version, response.status, response.read()))
            # The same socket every time: the server did not close it.
            assert connection.sock is not None
        connection.close()
    assert answers == [
        (11, 200, b"<a href='a.pdf'>a</a>"),
        (11, 200, b"%PDF-1.4 sample"),
        (11, 304, b""),
    ]


def test_a_correction_loaded_before_its_original_supersedes_it(tmp_path: Path) -> None:
    """Both new in one run, parsed as they arrive: the correction may be loaded first. It
    still supersedes the original, and only the correction's rows are current."""
    reports = demo_series()
    corrected = next(r for r in reports if r.data.get("corrected"))
    original = next(
        r for r in reports if r.filename == corrected.filename.replace("-corrected", "")
    )
    storage = ["--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "archive")]
    for report in (corrected, original):
        path = report.write(tmp_path)
        added = CliRunner().invoke(cli, [*storage, "add", str(path), "--parser", "ice-ddor"])
        assert added.exit_code == 0, added.output
    db = sqlite_utils.Database(tmp_path / "r.db")
    docs = {d["filename"]: d for d in db["documents"].rows}
    assert docs[corrected.filename]["supersedes"] == docs[original.filename]["sha256"]
    assert docs[corrected.filename]["edition"] == (
        f"{corrected.filename} (2017-01-28 to 2017-02-03, correction)"
    )
    assert docs[original.filename]["edition"] == (
        f"{original.filename} (2017-01-28 to 2017-02-03, superseded)"
    )
    current = [r[0] for r in db.execute("select filename from current_documents")]
    assert current == [corrected.filename]
