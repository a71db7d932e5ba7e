"""`kill -9` of `records run` while its crawl child is downloading: the child exits at once
(it would otherwise go on writing without the source lock) and removes its temp folder."""

from __future__ import annotations

import signal

from tests.faults.harness import Workspace, query, wait_for
from tests.scheduler.agency_site import AgencySite, add_document, ddor_bytes, write_sources

#: The child notices its parent's death within a fraction of a second; the gate holds the
#: download for 60 s, so a child that outlived its parent would still be there.
CHILD_EXIT_BOUND = 30


def test_crawl_child_dies_with_its_killed_parent_and_leaves_no_folder(
    agency_site: AgencySite, tmp_path
) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, agency_site.url)
    add_document(agency_site, "b.pdf", ddor_bytes(copy=1), gated=True)
    parent = work.start("run", "ice-ddor")
    try:
        agency_site.gate.wait_arrived()  # the child is mid-download, held by the gate
        children = [pid for pid in work.processes() if pid != parent.pid]
        assert children, "the crawl child should be running"
        assert work.crawl_folders()
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=CHILD_EXIT_BOUND)
        # Still gated: the child can only be gone because its parent died.
        wait_for(lambda: not work.processes(), "the crawl child to exit", CHILD_EXIT_BOUND)
        assert not agency_site.gate.released.is_set()
        wait_for(lambda: not work.crawl_folders(), "its temp folder to go", CHILD_EXIT_BOUND)
    finally:
        if parent.poll() is None:
            parent.kill()
        agency_site.gate.release()
    # The held document never reached the database; the run is left for the next command.
    names = [row[0] for row in query(work.db, "select filename from documents")]
    assert "b.pdf" not in names
    assert query(work.db, "select status from runs") == [("running",)]
    rerun = work.records("run", "ice-ddor")
    assert rerun.returncode == 0, rerun.stderr
    assert query(work.db, "select id, status from runs order by id") == [
        (1, "interrupted"),
        (2, "ok"),
    ]
