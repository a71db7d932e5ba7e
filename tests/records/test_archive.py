from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from records.core.archive import Archive
from records.core.errors import ArchiveError


def test_content_addressed_atomic_and_read_only(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    data = b"%PDF-1.4 fake but bytes are bytes"
    sha = archive.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    path = archive.get(sha)
    assert path == tmp_path / "archive" / sha[:2] / sha
    assert path.read_bytes() == data
    assert not path.stat().st_mode & stat.S_IWUSR
    assert archive.put(data) == sha  # same bytes: no-op
    assert [p.name for p in path.parent.iterdir()] == [sha]  # no temp files left behind


def test_refuses_names_that_are_not_digests(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with pytest.raises(ArchiveError, match="not a SHA-256"):
        archive.get("../../etc/passwd")
    assert "../x" not in archive
    with pytest.raises(ArchiveError, match="is not in the archive"):
        archive.get("0" * 64)
