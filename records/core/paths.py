"""Where the database, the archive and the sources file live (options > environment > defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data/records.db")
DEFAULT_ARCHIVE = Path("data/archive")


@dataclass(frozen=True)
class Paths:
    db: Path
    archive: Path
    sources: Path

    @classmethod
    def resolve(
        cls,
        db: str | Path | None = None,
        archive: str | Path | None = None,
        sources: str | Path | None = None,
    ) -> Paths:
        from records.core.config import sources_path

        return cls(
            db=Path(db or os.environ.get("RECORDS_DB") or DEFAULT_DB),
            archive=Path(archive or os.environ.get("RECORDS_ARCHIVE") or DEFAULT_ARCHIVE),
            sources=sources_path(sources),
        )
