"""Named crash points for the fault-injection suite (``tests/faults``).

``crash_point(name)`` does nothing unless the environment variable ``RECORDS_CRASH_AT`` names
this point: ``RECORDS_CRASH_AT=mid-load`` (or ``mid-load:exit``) makes the process leave at
once with ``os._exit(CRASH_EXIT)``, skipping every ``finally`` and ``atexit``; ``mid-load:kill``
makes it SIGKILL itself, the way the OOM killer or ``kill -9`` would. Both are how a real
process dies without cleaning up, which is what the suite checks the pipeline survives.
``name:stop`` makes it SIGSTOP itself there instead, so a test can send signals to a process
held at a known point and then let it go on (SIGCONT), without racing it.

The points are listed in ``POINTS`` so a typo in a test is an error, not a test that never
crashes. They cost one dictionary lookup when unset.
"""

from __future__ import annotations

import os
import signal

ENV = "RECORDS_CRASH_AT"

#: Exit status of a process leaving through ``crash_point`` with ``exit``.
CRASH_EXIT = 97

POINTS = {
    # scrapers.pipelines, in the crawl child: the file is in the archive, its row is not.
    "after-archive-write",
    # scrapers.crawl_child: the crawl child dies while crawling.
    "crawl-child",
    # scrapers.crawl, in the parent: `records run` dies while its crawl child runs.
    "crawl-parent",
    # records.pipeline.parse: a document's page text is written, its rows are not.
    "after-page-text",
    # db.load: half of a document's rows are inserted.
    "mid-load",
    # db.load: every row is inserted, the document's status is not updated yet.
    "before-status-update",
}


def crash_point(name: str) -> None:
    """Die here, now, if ``RECORDS_CRASH_AT`` names this point (see the module docstring)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, how = wanted.partition(":")
    if point != name:
        return
    if name not in POINTS:
        raise ValueError(f"unknown crash point {name!r}")
    if how == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
        return
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(CRASH_EXIT)
