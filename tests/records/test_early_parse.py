"""Parsing starts with each document the crawl records, not after the crawl, and the parse
done early is the one loaded (not repeated)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from db.connect import open_db
from parsers.registry import get_parser
from records.core.config import load_config
from records.core.paths import Paths
from records.demo.sample_reports import weekly_series
from records.pipeline import parse
from records.pipeline.run import run
from records.pipeline.workers.executors import PrefetchPool
from tests.httpserver import Route, serve
from tests.scrapers.crawling import html_page, write_sources

#: Generous bound for a condition another process brings about (a loaded machine is slow).
WAIT_SECONDS = 60


@dataclass(frozen=True)
class Task:
    name: str
    value: int
    marks: str  # folder where each run of the task leaves a file


def run_task(task: Task, root: Path) -> tuple[str, int]:
    """Worker: leave a mark (to count the runs), return what the task computes."""
    Path(task.marks, f"{task.name}-{task.value}-{os.getpid()}-{time.monotonic_ns()}").touch()
    return task.name, task.value * 10


def _failed(task: Task, message: str) -> Any:
    raise AssertionError(message)


def _runs(marks: Path) -> list[str]:
    return sorted(p.name.rsplit("-", 2)[0] for p in marks.iterdir())


def test_a_job_started_early_is_not_run_again(tmp_path: Path) -> None:
    pool = PrefetchPool(2, key=lambda task: task.name)
    a, b = Task("a", 1, str(tmp_path)), Task("b", 2, str(tmp_path))
    try:
        pool.submit(a, run_task, tmp_path)
        assert list(pool.map(run_task, [b, a], tmp_path, _failed)) == [("b", 20), ("a", 10)]
    finally:
        pool.close()
    assert _runs(tmp_path) == ["a-1", "b-2"]


def test_a_job_that_changed_since_it_was_started_is_run_as_it_is_now(tmp_path: Path) -> None:
    pool = PrefetchPool(2, key=lambda task: task.name)
    try:
        pool.submit(Task("a", 1, str(tmp_path)), run_task, tmp_path)
        now = Task("a", 5, str(tmp_path))
        assert list(pool.map(run_task, [now], tmp_path, _failed)) == [("a", 50)]
    finally:
        pool.close()
    # The early run may have started before it was dropped, or not: the answer is the new one.
    assert _runs(tmp_path)[-1] == "a-5"


MARKS_ENV = "RECORDS_TEST_PARSE_MARKS"
_real_parse = parse._prepare_and_parse


def marked_parse(job: Any, archive_root: Path) -> Any:
    """Worker: the real parse, leaving a file named after the document when it starts."""
    Path(os.environ[MARKS_ENV], job.document["filename"]).touch()
    return _real_parse(job, archive_root)


def test_run_parses_a_document_while_the_crawl_is_still_downloading_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv(MARKS_ENV, str(marks))
    monkeypatch.setattr(parse, "_prepare_and_parse", marked_parse)
    one, two = weekly_series(2)
    files = [r.write(tmp_path) for r in (one, two)]
    bodies = {f.name: f.read_bytes() for f in files}
    expected_rows = sum(len(get_parser("ice-ddor").parse(f).rows) for f in files)

    def held_back(handler: object) -> tuple[int, dict[str, str], bytes]:
        # The second report is answered only once the first one's parse has begun.
        deadline = time.monotonic() + WAIT_SECONDS
        while not (marks / one.filename).exists():
            if time.monotonic() > deadline:
                return 500, {}, b"the first report was not parsed during the crawl"
            time.sleep(0.02)
        return 200, {"Content-Type": "application/pdf"}, bodies[two.filename]

    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, html_page(f"/a/{one.filename}", f"/b/{two.filename}")),
        f"/a/{one.filename}": lambda h: (
            200,
            {"Content-Type": "application/pdf"},
            bodies[one.filename],
        ),
        f"/b/{two.filename}": held_back,
    }
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path, f"{site.url}/", name="ddor", parser="ice-ddor", timeout=WAIT_SECONDS + 30
        )
        paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=sources)
        summary = run(load_config(sources), paths=paths)
    assert summary.ok, summary.errors
    assert summary.documents_new == 2
    db = open_db(paths.db, ensure=False)
    statuses = {r["filename"]: r["status"] for r in db.query("select * from documents")}
    assert statuses == {one.filename: "parsed", two.filename: "parsed"}
    # Each report parsed once: the early parse of the first is the one loaded.
    assert sorted(p.name for p in marks.iterdir()) == sorted([one.filename, two.filename])
    assert summary.rows_added == expected_rows > 0
