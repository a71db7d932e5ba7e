"""Helpers for crawl tests: tiny documents, a one-source sources file, one crawl, DB reads.

Crawls go through ``scrapers.crawl.crawl`` (a real Scrapy child process) against servers the
tests start on 127.0.0.1 (``tests.httpserver``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from db.connect import open_db
from scrapers.crawl import CrawlReport, crawl

#: Politeness turned down so a crawl of a local test site takes about a second.
FAST = {"download_delay": 0.0, "retries": 1, "timeout": 5}


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text``; the same text always gives the same bytes."""
    pdf = FPDF()
    pdf.set_creation_date(datetime(2017, 3, 20, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def html_page(*links: str, extra: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"<!DOCTYPE html><html><body><ul>{items}</ul>{extra}</body></html>".encode()


def write_sources(
    folder: Path,
    url: str,
    *,
    name: str = "test-agency",
    settings: dict[str, Any] | None = None,
    **fields: Any,
) -> Path:
    """A sources file with one source at ``url`` (fast politeness unless overridden)."""
    values: dict[str, Any] = {
        "name": name,
        "url": url,
        "parser": "ice-ddor",
        "link_regex": r"\.pdf$",
        **FAST,
        **fields,
    }
    lines = []
    if settings:
        lines.append("[settings]")
        lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    lines.append("[[source]]")
    lines += [f"{key} = {_toml(value)}" for key, value in values.items() if value is not None]
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)  # a JSON string is a valid TOML basic string


class Crawl:
    """One crawl of the sources file into a database and archive under ``folder``."""

    def __init__(self, folder: Path, sources: Path, run_id: int | None = None) -> None:
        self.db_path = folder / "records.db"
        self.archive = folder / "archive"
        open_db(self.db_path)  # the parent creates the schema before crawling, as `records` does
        reports = crawl(sources, [], db_path=self.db_path, archive_root=self.archive, run_id=run_id)
        assert len(reports) == 1
        self.report: CrawlReport = reports[0]
        self.db = open_db(self.db_path, ensure=False)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or []))

    def documents(self) -> list[dict[str, Any]]:
        return self.rows("select * from documents order by first_seen, rowid")

    def errors(self) -> list[dict[str, Any]]:
        return self.rows("select * from errors order by id")

    def fetches(self) -> list[dict[str, Any]]:
        return self.rows("select * from fetches order by id")


def fresh_python_json(script: str) -> Any:
    """Run ``script`` in a new interpreter (from the repository) and return the JSON its last
    line of output prints; it must exit 0 (its stderr shown otherwise)."""
    from tests.shared import REPO

    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])
