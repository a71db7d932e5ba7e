"""Commands that do not parse do not load the parsers: `records request list`, `status` and
`sources` ran 0.7 s of imports (pdfplumber and every template) before they printed a line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db.connect import open_db
from tests.shared import REPO

#: Runs one command through the CLI in a fresh interpreter and reports what it imported.
PROBE = """
import json, sys
from click.testing import CliRunner
from records.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
heavy = sorted(m for m in ("pdfplumber", "pdfminer", "parsers.templates.engine",
                           "parsers.ice_ddor.parser") if m in sys.modules)
print(json.dumps({"exit": result.exit_code, "output": result.output, "heavy": heavy}))
"""


@pytest.mark.parametrize("command", [["request", "list"], ["status"], ["sources"]])
def test_command_does_not_import_pdfplumber(command: list[str], tmp_path: Path) -> None:
    open_db(tmp_path / "records.db").close()
    options = ["--db", str(tmp_path / "records.db"), "--archive", str(tmp_path / "archive"),
               "--sources", str(REPO / "sources.toml")]  # fmt: skip
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *options, *command],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout.splitlines()[-1])
    assert report["exit"] == 0, report["output"]
    assert report["heavy"] == []


def test_the_probe_sees_a_parsing_command_load_pdfplumber(tmp_path: Path) -> None:
    # The check above can fail: `records extract` parses, and the probe sees pdfplumber.
    from tests.shared import DDOR_PDF, fixture

    probe = subprocess.run(
        [sys.executable, "-c", PROBE, "extract", str(fixture(DDOR_PDF))],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(probe.stdout.splitlines()[-1])
    assert "pdfplumber" in report["heavy"]


#: Runs `records run` in a fresh interpreter and reports what was imported when the crawl
#: child was started, and whether the run used that child.
RUN_PROBE = """
import json, sys
from click.testing import CliRunner
import scrapers.crawl
from records.cli import cli
seen = {}
started = scrapers.crawl.CrawlChild.__init__
crawled = scrapers.crawl.CrawlChild.crawl
def init(self, *args, **kwargs):
    seen["imported_before_child"] = sorted(
        m for m in ("records.pipeline.run", "parsers.registry", "db.connect") if m in sys.modules
    )
    started(self, *args, **kwargs)
def crawl(self, *args, **kwargs):
    seen["crawls"] = seen.get("crawls", 0) + 1
    return crawled(self, *args, **kwargs)
scrapers.crawl.CrawlChild.__init__ = init
scrapers.crawl.CrawlChild.crawl = crawl
result = CliRunner().invoke(cli, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "output": result.output, **seen}))
"""


def test_records_run_starts_its_crawl_child_before_importing_the_pipeline(
    tmp_path: Path,
) -> None:
    # The child imports Scrapy while this process imports the pipeline and the parsers: it
    # must be started before them, and be the one the run crawls with.
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "nowhere"\nurl = "http://127.0.0.1:9/"\nparser = "ice-ddor"\n'
        'link_regex = "\\\\.pdf$"\nretries = 0\ntimeout = 5\ndownload_delay = 0.0\n'
        'private_hosts = ["127.0.0.1:9"]\n'
    )
    options = ["--db", str(tmp_path / "records.db"), "--archive", str(tmp_path / "archive"),
               "--sources", str(sources)]  # fmt: skip
    probe = subprocess.run(
        [sys.executable, "-c", RUN_PROBE, *options, "run"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout.splitlines()[-1])
    assert report["exit"] == 1, report["output"]  # the listing is unreachable: an error row
    assert "nowhere" in report["output"]
    assert report["imported_before_child"] == []
    assert report["crawls"] == 1
