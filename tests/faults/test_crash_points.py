"""Kill `records run` at every named crash point, then check the next commands recover.

For each point (``records.core.faults.POINTS``) a real `records run ice-ddor` on the DDOR
fixture site dies there (``os._exit`` or SIGKILL, no cleanup); then `records status` and
`records run` run normally. Afterwards: the database passes ``PRAGMA integrity_check``, no
run is left ``running``, no document is half-loaded (page text, rows and status agree),
section II holds exactly 206 rows, and no crawl child or temp folder is left.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from parsers.registry import get_parser
from records.core.faults import CRASH_EXIT, POINTS
from tests.conftest import sources_for
from tests.faults.harness import (
    ALL_ROWS,
    SECTION_II_ROWS,
    Workspace,
    integrity,
    query,
    wait_for,
)
from tests.httpserver import Site

DDOR_TABLES = [spec.name for spec in get_parser("ice-ddor").tables]

#: Points in the crawl child: `records run` itself survives and reports the crawl failed.
CHILD_POINTS = {"after-archive-write", "crawl-child"}

CASES = [
    ("after-archive-write", "kill"),
    ("crawl-child", "exit"),
    ("crawl-parent", "kill"),
    ("after-page-text", "kill"),
    ("mid-load", "kill"),
    ("before-status-update", "exit"),
]


def test_every_crash_point_is_exercised() -> None:
    assert {point for point, _ in CASES} == POINTS


@pytest.mark.parametrize(("point", "how"), CASES, ids=[f"{p}:{h}" for p, h in CASES])
def test_run_killed_at_crash_point_recovers_on_the_next_run(
    tmp_path: Path, ddor_site: Site, point: str, how: str
) -> None:
    work = Workspace(tmp_path)
    sources_for(ddor_site.url, tmp_path)

    crashed = work.records("run", "ice-ddor", crash_at=f"{point}:{how}")
    if point in CHILD_POINTS:
        # The child died; the parent says so in one line and records the run failed.
        assert crashed.returncode == 1, crashed.stderr
        assert "crawl of ice-ddor failed" in crashed.stderr
        assert "Traceback" not in crashed.stderr
    else:
        assert crashed.returncode == (-signal.SIGKILL if how == "kill" else CRASH_EXIT)
    # The crawl child went with its parent, and took its temp folder along.
    wait_for(lambda: not work.processes(), "the crawl child to exit")
    wait_for(lambda: not work.crawl_folders(), "the crawl temp folder to go")

    status = work.records("status")
    assert status.returncode == 0, status.stderr
    if point not in CHILD_POINTS:
        # `status` writes nothing, but says the dead run is interrupted, and why.
        assert "#1 " in status.stdout and " interrupted " in status.stdout
        assert "ended without closing the run; marked interrupted" in status.stdout

    rerun = work.records("run", "ice-ddor")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{ALL_ROWS} row(s) added" in rerun.stdout

    assert integrity(work.db) == [("ok",)]
    runs = query(work.db, "select id, status, finished is not null from runs order by id")
    first = "failed" if point in CHILD_POINTS else "interrupted"
    assert runs == [(1, first, 1), (2, "ok", 1)]
    assert query(work.db, "select count(*) from ddor_declined_detainers") == [(SECTION_II_ROWS,)]
    # No document half-loaded: every one is parsed, its rows and pages all there.
    documents = query(work.db, "select sha256, status, rows, pages from documents")
    assert [(d[1], d[2], d[3]) for d in documents] == [("parsed", ALL_ROWS, 35)]
    sha = documents[0][0]
    assert query(work.db, "select count(*) from pages where document = ?", (sha,)) == [(35,)]
    loaded = sum(
        query(work.db, f"select count(*) from [{table}] where document = ?", (sha,))[0][0]
        for table in DDOR_TABLES
    )
    assert loaded == ALL_ROWS
    assert not work.processes()
    assert not work.crawl_folders()
