"""A damaged database and a full disk: one line naming the file, never a traceback, and
nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import SECTION_II_ROWS, Workspace, integrity, query
from tests.scheduler.agency_site import write_sources
from tests.shared import DDOR_PDF, fixture

NOT_A_DATABASE = b"Quarterly report draft, pasted over the database by mistake.\n" * 200


@pytest.mark.parametrize(
    "command", [("status",), ("run", "ice-ddor"), ("serve", "--port", "0"), ("parse",)]
)
def test_a_file_that_is_not_a_database_is_named_and_left_untouched(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    work.db.write_bytes(NOT_A_DATABASE)
    result = work.records(*command)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        f"Error: {work.db}: not a usable SQLite database (file is not a database); it was"
        " left untouched. Restore it from a backup, or move it aside and run again to"
        " rebuild it from the archive"
    )
    assert work.db.read_bytes() == NOT_A_DATABASE
    assert not Path(f"{work.db}-wal").exists()


#: The database may grow by a few pages only: SQLite then fails with SQLITE_FULL, exactly
#: as on a full disk, in the middle of loading the document's page text.
TINY_DISK = """
import db.connect, records.pipeline.add
real_open = db.connect.open_db
def open_on_a_full_disk(*args, **kwargs):
    db = real_open(*args, **kwargs)
    pages = db.execute("pragma page_count").fetchone()[0]
    db.execute(f"pragma max_page_count = {pages + 4}")
    return db
records.pipeline.add.open_db = open_on_a_full_disk
"""


def test_disk_full_while_loading_is_one_line_and_the_next_add_loads_everything(
    tmp_path: Path,
) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    pdf = str(fixture(DDOR_PDF))
    full = work.records("add", "--source", "ice-ddor", pdf, prelude=TINY_DISK)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr
    assert full.stderr.strip().splitlines()[-1] == (
        f"Error: {work.db}: no space left on the disk; nothing half-written was kept. Free"
        " some space and run again: documents already archived and loaded are kept"
    )
    assert integrity(work.db) == [("ok",)]
    # Nothing of the document was loaded: no page text without rows.
    assert query(work.db, "select count(*) from pages") == [(0,)]
    # The rollback freed the pages, so the run could still be closed, as failed.
    assert query(work.db, "select id, status from runs") == [(1, "failed")]
    assert query(work.db, "select message from errors") == [
        ("OperationalError: database or disk is full",)
    ]

    again = work.records("add", "--source", "ice-ddor", pdf)
    assert again.returncode == 0, again.stderr
    assert query(work.db, "select count(*) from ddor_declined_detainers") == [(SECTION_II_ROWS,)]
    assert query(work.db, "select count(*) from runs where status = 'running'") == [(0,)]


#: The archive's disk is full for the first file given, not the second.
FULL_ARCHIVE = """
import errno, records.core.archive
real_put = records.core.archive.Archive.put
def put(self, data):
    if data.startswith(b"%PDF") and b"%copy" not in data:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.root))
    return real_put(self, data)
records.core.archive.Archive.put = put
"""


def test_add_names_the_file_it_could_not_archive_and_goes_on(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    first = tmp_path / "first.pdf"
    first.write_bytes(fixture(DDOR_PDF).read_bytes())
    second = tmp_path / "second.pdf"
    second.write_bytes(fixture(DDOR_PDF).read_bytes() + b"\n%copy 1\n")
    result = work.records("add", "--source", "ice-ddor", str(first), str(second),
                          prelude=FULL_ARCHIVE)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{first}: cannot archive in {work.archive}: No space left on device" in result.stderr
    assert query(work.db, "select filename, status from documents") == [("second.pdf", "parsed")]
    assert query(work.db, "select message from errors where stage = 'add'") == [
        (f"{first}: cannot archive in {work.archive}: No space left on device",)
    ]
