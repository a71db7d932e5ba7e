"""The content-addressed archive: every file stored exactly as received, named by SHA-256.

Layout: ``<archive>/<sha[:2]>/<sha>``. Writes are atomic (temp file + rename) and a file,
once there, is never modified.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from records.core.errors import ArchiveError

_HEX = set("0123456789abcdef")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sha256(value: str) -> bool:
    return len(value) == 64 and set(value) <= _HEX


class Archive:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ArchiveError(f"not a SHA-256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return is_sha256(sha256) and self.path_for(sha256).exists()

    def put(self, data: bytes) -> str:
        """Store bytes; return their SHA-256. Storing the same bytes twice is a no-op."""
        digest = sha256_bytes(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> Path:
        path = self.path_for(sha256)
        if not path.exists():
            raise ArchiveError(f"{sha256} is not in the archive at {self.root}")
        return path
