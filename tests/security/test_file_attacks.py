"""Hostile files: a ZIP member that lies about its size, a CSV with NUL bytes past the
first 8 KB."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from db.connect import open_db
from parsers.spreadsheets.workbooks import read_csv
from records.core.archive import Archive
from records.core.errors import ParseError
from records.core.paths import Paths
from records.pipeline.add import add_files
from records.pipeline.intake import receive_file

INFLATED = 200 * 1024 * 1024  # what the member really inflates to
DECLARED = 1_000  # what it says it inflates to


def lying_zip() -> bytes:
    """A ZIP whose one member declares 1,000 bytes but inflates to 200 MiB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.csv", b"a,b\n1,2\n")
        with archive.open("bomb.csv", "w", force_zip64=False) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(INFLATED // len(chunk)):
                member.write(chunk)
    data = bytearray(buffer.getvalue())
    # Rewrite the member's uncompressed size in its local header and its directory entry.
    local = data.index(b"bomb.csv") - 30
    struct.pack_into("<I", data, local + 22, DECLARED)
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, DECLARED)
    return bytes(data)


def test_zip_member_inflating_past_its_declared_size_is_stopped_early(tmp_path: Path) -> None:
    data = lying_zip()
    assert [i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()] == [8, DECLARED]
    db = open_db(tmp_path / "records.db")
    tracemalloc.start()
    try:
        intake = receive_file(db, Archive(tmp_path / "archive"), data, "bundle.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Reading it whole would hold the 200 MiB it inflates to; a chunk at a time holds little.
    assert peak < 40 * 1024 * 1024
    messages = [e["message"] for e in intake.errors]
    assert len(messages) == 1
    assert messages[0].startswith("bundle.zip/bomb.csv: cannot be extracted (Bad CRC-32")
    assert messages[0].endswith("; skipped")
    assert intake.new == 2  # the ZIP and its honest member


def test_csv_with_nul_bytes_after_the_first_8_kb_is_refused_by_name(tmp_path: Path) -> None:
    rows = b"".join(b"%d,Milwaukee,53202\n" % n for n in range(1, 1001))
    poisoned = tmp_path / "cases.csv"
    poisoned.write_bytes(b"case,county,zip\n" + rows + b"1001,Mil\x00\x00waukee,53202\n")
    assert len(rows) > 8192
    with pytest.raises(ParseError) as raised:
        read_csv(poisoned, "cases.csv")
    assert str(raised.value) == (
        "cases.csv: not a text CSV file (it contains NUL bytes, the first at byte 19,917,"
        " line 1,002)"
    )
    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=tmp_path / "x.toml")
    summary = add_files([poisoned], paths=paths, config=None)
    assert summary.documents_failed == 1
    db = open_db(paths.db)
    (document,) = db.query("select filename, status, error from documents")
    assert document["status"] == "failed"
    assert "contains NUL bytes, the first at byte 19,917" in document["error"]
    assert (
        db.execute("select count(*) from errors where message like '%NUL bytes%'").fetchone()[0]
        >= 1
    )
