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
