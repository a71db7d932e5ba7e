"""A crawl's temp folder left by a parent killed after its child had exited (nobody left to
remove it) is removed by the next crawl; a living crawl's folder is not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scrapers.crawl import TEMP_PREFIX, UNSTARTED_GRACE, CrawlChild, sweep_leftovers


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _folder(root: Path, name: str, parent: int | None) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "report.json").write_text("{}")
    if parent is not None:
        (folder / "start.json").write_text(json.dumps({"parent": parent, "workdir": str(folder)}))
    return folder


def test_only_folders_of_dead_parents_and_old_unstarted_ones_are_removed(tmp_path: Path) -> None:
    dead = _folder(tmp_path, f"{TEMP_PREFIX}dead", _dead_pid())
    live = _folder(tmp_path, f"{TEMP_PREFIX}live", os.getpid())
    fresh = _folder(tmp_path, f"{TEMP_PREFIX}fresh", None)
    stale = _folder(tmp_path, f"{TEMP_PREFIX}stale", None)
    old = time.time() - UNSTARTED_GRACE - 60
    os.utime(stale, (old, old))
    other = _folder(tmp_path, "someone-else", _dead_pid())
    assert sorted(sweep_leftovers(tmp_path)) == sorted([dead, stale])
    assert [p.exists() for p in (dead, live, fresh, stale, other)] == [
        False,
        True,
        True,
        False,
        True,
    ]


def test_a_new_crawl_child_sweeps_what_a_killed_run_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = _folder(tmp_path, f"{TEMP_PREFIX}left", _dead_pid())
    with CrawlChild() as child:
        assert not left.exists()
        mine = child.report.parent
        assert mine.parent == tmp_path and mine.exists()
    assert not mine.exists()
