"""A long-lived process imports what its crawl children need once
(``scrapers.crawl.import_for_forks``, as `records schedule` does at start): never a reactor,
and each child forked from it afterwards uses those modules and still crawls."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from db.connect import open_db
from records.core.lifeline import pid_alive
from tests.httpserver import serve
from tests.scrapers.crawling import fresh_python_json, html_page, tiny_pdf, write_sources
from tests.shared import REPO

#: A fresh process (pytest's may have imported a reactor for other tests): warms up, marks
#: a module it imported, then crawls twice with children forked from it; each child writes
#: whether it saw the mark (the parent's module object, not one imported anew).
PROBE = """
import json, sys
from pathlib import Path
import scrapers.crawl as crawl
from scrapers.forked import ForkedChild

before = sorted(m for m in ("scrapy", "twisted", "scrapers.crawl_child") if m in sys.modules)
forks = crawl.import_for_forks()
imported = {m: m in sys.modules for m in (
    "scrapy.crawler", "scrapers.crawl_child", "scrapers.spiders.listing", "protego",
    "scrapy.pqueues", "twisted.internet.reactor")}
import scrapy.crawler
scrapy.crawler.WARMED_IN_PARENT = True
sources, db, archive, marks = map(Path, sys.argv[1:5])
forked_main = crawl._forked_main

def marked(start, report, jobs):
    import scrapy.crawler
    with marks.open("a") as out:
        out.write(f"{getattr(scrapy.crawler, 'WARMED_IN_PARENT', False)}\\n")
    return forked_main(start, report, jobs)

crawl._forked_main = marked
reports, forked = [], []
for _ in range(2):
    with crawl.CrawlChild() as child:
        forked.append(isinstance(child.process, ForkedChild))
        reports += crawl.crawl(sources, [], db_path=db, archive_root=archive, run_id=None,
                               child=child)
print(json.dumps({
    "before": before, "forks": forks, "imported": imported, "forked": forked,
    "reactor_after": "twisted.internet.reactor" in sys.modules,
    "reports": [[r.new, r.unchanged, r.not_modified, r.errors] for r in reports],
}))
"""


def test_a_warm_parent_imports_no_reactor_and_its_forked_children_crawl(tmp_path: Path) -> None:
    pdf = tiny_pdf("week one")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(html_page("one.pdf"))
    (tmp_path / "site" / "one.pdf").write_bytes(pdf)
    db_path = tmp_path / "records.db"
    open_db(db_path).close()
    marks = tmp_path / "marks.txt"
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, str(sources), str(db_path), str(tmp_path / "archive"),
             str(marks)],
            cwd=REPO, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        document_requests = site.requests_for("/one.pdf")
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.splitlines()[-1])
    assert result["before"] == []
    assert result["forks"] is True
    assert result["imported"] == {
        "scrapy.crawler": True,
        "scrapers.crawl_child": True,
        "scrapers.spiders.listing": True,
        "protego": True,
        "scrapy.pqueues": True,
        # Scrapy installs its reactor in each child; one here would be inherited.
        "twisted.internet.reactor": False,
    }
    assert result["forked"] == [True, True]
    assert result["reactor_after"] is False
    # Both children used the parent's modules (its mark), not modules of their own.
    assert marks.read_text().splitlines() == ["True", "True"]
    first, unchanged = result["reports"]
    assert first == [[hashlib.sha256(pdf).hexdigest()], 0, 0, []]
    assert unchanged == [[], 1, 1, []]
    assert [r.status for r in document_requests] == [200, 304]


def test_a_process_that_imported_a_reactor_is_not_warmed_and_spawns_its_children() -> None:
    script = (
        "import json, sys\n"
        "import twisted.internet.reactor\n"
        "import scrapers.crawl as crawl\n"
        "forks = crawl.import_for_forks()\n"
        "print(json.dumps([forks, 'scrapers.crawl_child' in sys.modules]))\n"
    )
    assert fresh_python_json(script) == [False, False]


#: A fresh process that runs crawl after crawl as `records schedule` does: each run forks the
#: next run's crawl child as it ends (``scrapers.crawl.fork_ahead``); the next run sends that
#: child its job. A pipe whose write end this process holds while a child is forked ahead,
#: then closes, must reach its end of file: the child let go of its copy.
AHEAD = """
import json, os, select, signal, sys, time
from pathlib import Path
import scrapers.crawl as crawl
import records.pipeline.run as pipeline
from records.core.config import load_config
from records.core.paths import Paths

sources, db, archive = map(Path, sys.argv[1:4])
paths = Paths(db=db, archive=archive, sources=sources)
config = load_config(sources)
taken = []
take = pipeline.take_ahead

def spy(**kwargs):
    child = take(**kwargs)
    taken.append(child.process.pid if child is not None else None)
    return child

pipeline.take_ahead = spy
out = {"before_warm": crawl.fork_ahead(db)}
pipeline.run(config, paths=paths, do_parse=False)
out["ahead_unwarmed"] = crawl._AHEAD is not None
crawl.import_for_forks()
read_end, write_end = os.pipe()
summaries = []
pids = []
for week in range(3):
    summary = pipeline.run(config, paths=paths, do_parse=False)
    summaries.append([summary.documents_new, summary.documents_unchanged, summary.errors])
    pids.append(crawl._AHEAD.process.pid)
    if week == 0:
        os.close(write_end)
        out["pipe_ended"] = bool(select.select([read_end], [], [], 60)[0])
        out["pipe_read"] = os.read(read_end, 10).decode()
    if week == 1:
        # A child forked ahead that died meanwhile: the next run forks one of its own.
        os.kill(pids[-1], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while crawl._AHEAD.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
out.update(summaries=summaries, pids=pids, taken=taken, last=pids[-1],
           folder=str(crawl._AHEAD.report.parent))
print(json.dumps(out))
"""


def test_a_process_running_crawl_after_crawl_forks_each_next_crawl_child_ahead(
    tmp_path: Path,
) -> None:
    pdf = tiny_pdf("week one")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(html_page("one.pdf"))
    (tmp_path / "site" / "one.pdf").write_bytes(pdf)
    db_path = tmp_path / "records.db"
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        probe = subprocess.run(
            [sys.executable, "-c", AHEAD, str(sources), str(db_path), str(tmp_path / "archive")],
            cwd=REPO, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        statuses = [r.status for r in site.requests_for("/one.pdf")]
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.splitlines()[-1])
    # Only a process that said it runs crawl after crawl forks ahead.
    assert result["before_warm"] is False
    assert result["ahead_unwarmed"] is False
    assert result["summaries"] == [[0, 1, []], [0, 1, []], [0, 1, []]]
    assert statuses == [200, 304, 304, 304]
    first, second, third = result["pids"]
    # The first warm run forked its own child (none waited); the second took the one the
    # first forked ahead; the third found that one killed and forked its own.
    assert result["taken"] == [None, None, first, None]
    assert len({first, second, third}) == 3
    # The child forked ahead held no copy of this process's pipe.
    assert result["pipe_ended"] is True and result["pipe_read"] == ""
    # Stopped, its folder removed, when the process exited.
    assert not Path(result["folder"]).exists()
    assert not pid_alive(result["last"])
