"""Run `records` as a real process against the DDOR fixture site, crash it on purpose
(``records.core.faults``), and check what it left behind.

Every command runs with its own TMPDIR, so "no /tmp/records-crawl-* folder left" and "no
crawl child left" can be checked for this test alone, even with other tests running.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.shared import REPO

#: The most a test waits for a process or a condition; only reached when something is broken.
GUARD_SECONDS = 120
#: Section II of the DDOR reproduction, and all three sections.
SECTION_II_ROWS = 206
ALL_ROWS = 206 + 10 + 155


@dataclass
class Workspace:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / "records.db"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def sources(self) -> Path:
        return self.root / "sources.toml"

    @property
    def tmp(self) -> Path:
        path = self.root / "tmp"
        path.mkdir(exist_ok=True)
        return path

    def env(self, crash_at: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("RECORDS_CRASH_AT", None)
        if crash_at:
            env["RECORDS_CRASH_AT"] = crash_at
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env["TMPDIR"] = str(self.tmp)
        return env

    def command(self, *args: str, prelude: str = "") -> list[str]:
        """The `records` command line; ``prelude`` is Python run first (to break the
        machine in a known way: a tiny disk, a failing write)."""
        return [
            sys.executable,
            "-c",
            prelude + "\nfrom records.cli import main; main()",
            "--sources",
            str(self.sources),
            "--db",
            str(self.db),
            "--archive",
            str(self.archive),
            *args,
        ]

    def start(self, *args: str, crash_at: str | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(crash_at),
            cwd=self.root,
        )

    def records(
        self, *args: str, crash_at: str | None = None, prelude: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args, prelude=prelude),
            capture_output=True,
            text=True,
            env=self.env(crash_at),
            cwd=self.root,
            timeout=GUARD_SECONDS * 3,
        )

    def crawl_folders(self) -> list[Path]:
        return sorted(self.tmp.glob("records-crawl-*"))

    def processes(self) -> list[int]:
        """Live processes started for this workspace (their command line names its folder)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z" and str(self.root).encode() in cmdline:
                found.append(int(entry.name))
        return found


def wait_for(condition, what: str, timeout: float = GUARD_SECONDS) -> None:
    """Poll ``condition`` until true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def integrity(db: Path) -> list[tuple]:
    return query(db, "pragma integrity_check")


def stopped(pid: int) -> bool:
    """True when the process is stopped (SIGSTOP, state T)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] in ("T", "t")
