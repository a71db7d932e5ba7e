"""A document that never finishes parsing is failed at `[settings] parse_timeout`, and the
run goes on; `records add` refuses files over `max_bytes`, naming them."""

from __future__ import annotations

from pathlib import Path

from tests.faults.harness import Workspace, query
from tests.scheduler.agency_site import not_a_ddor_pdf, write_sources
from tests.shared import DDOR_PDF, fixture

#: The DDOR parser, made to spin forever on one file (a stand-in for the 150 MB PDF padded
#: with NUL bytes that pdfminer reads for hours); the other files parse normally.
ENDLESS_PARSE = """
import time
import parsers.ice_ddor.parser
real_parse = parsers.ice_ddor.parser.DdorParser.parse
def parse(self, path):
    if b"%endless" in path.read_bytes()[-64:]:
        while True:
            time.monotonic()
    return real_parse(self, path)
parsers.ice_ddor.parser.DdorParser.parse = parse
"""


def test_a_parse_past_the_time_limit_fails_that_document_only(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    text = work.sources.read_text()
    # Far more than the small CSV needs, even on a busy machine.
    work.sources.write_text(text.replace("[settings]\n", "[settings]\nparse_timeout = 10\n", 1))
    endless = tmp_path / "endless.pdf"
    endless.write_bytes(fixture(DDOR_PDF).read_bytes() + b"\n%endless\n")
    table = tmp_path / "releases.csv"
    table.write_text("county,releases\nTravis County,142\n", encoding="utf-8")
    result = work.records("add", "--parser", "ice-ddor", str(endless), prelude=ENDLESS_PARSE)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    message = (
        "endless.pdf: parsing took longer than 10 s ([settings] parse_timeout); stopped, the"
        " document is failed"
    )
    assert query(work.db, "select filename, status, error, rows from documents") == [
        ("endless.pdf", "failed", message, None)
    ]
    assert query(work.db, "select stage, message from errors") == [("parse", message)]
    # The next file is parsed as usual.
    after = work.records("add", "--parser", "spreadsheet", str(table), prelude=ENDLESS_PARSE)
    assert after.returncode == 0, after.stderr
    assert query(work.db, "select status from documents where filename = 'releases.csv'") == [
        ("parsed",)
    ]


def test_add_refuses_a_file_over_max_bytes_naming_it_and_adds_the_rest(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    small = tmp_path / "notice.pdf"
    small.write_bytes(not_a_ddor_pdf())
    big = tmp_path / "big.pdf"
    big.write_bytes(fixture(DDOR_PDF).read_bytes())
    limit = small.stat().st_size + 1
    result = work.records("add", "--max-bytes", str(limit), str(big), str(small))
    message = (
        f"{big}: {big.stat().st_size} bytes, over the limit of {limit} bytes"
        " ([settings] max_bytes or --max-bytes); not added"
    )
    assert message in result.stderr
    assert query(work.db, "select message from errors where stage = 'add'") == [(message,)]
    assert [row[0] for row in query(work.db, "select filename from documents")] == ["notice.pdf"]


def test_max_bytes_from_the_settings(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    text = work.sources.read_text()
    work.sources.write_text(text.replace("[settings]\n", "[settings]\nmax_bytes = 100\n", 1))
    big = tmp_path / "big.pdf"
    big.write_bytes(not_a_ddor_pdf())
    result = work.records("add", str(big))
    assert result.returncode == 1
    assert f"{big}: {big.stat().st_size} bytes, over the limit of 100 bytes" in result.stderr
    assert query(work.db, "select count(*) from documents") == [(0,)]
