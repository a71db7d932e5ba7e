"""The one way tests reach third-party fixtures: the ``shared/`` folder beside the repo root.

Those files are real agency PDFs and DDOR reproductions; they are never copied into the
repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"


def fixture(relative: str) -> Path:
    """Path of a fixture under ``shared/fixtures``; a clear error when it is missing."""
    path = FIXTURES / relative
    if not path.exists():
        raise FileNotFoundError(
            f"fixture {relative} not found at {path}: the shared/ folder must sit beside the repo"
        )
    return path


def expected(relative: str) -> Any:
    """Load a ground-truth JSON file from the fixtures."""
    return json.loads(fixture(relative).read_text(encoding="utf-8"))


#: The DDOR reproduction and its ground truth.
DDOR_PDF = "ddor/ddor2017_01-28to02-03.pdf"
DDOR_TRUTH = "ddor/ddor2017_01-28to02-03.expected.json"

#: Columns of ``ddor_declined_detainers`` (DDOR section II), in the parser's order.
DECLINED_COLUMNS = (
    "state",
    "county",
    "facility",
    "citizenship",
    "detainer_issued_date",
    "declined_date",
    "notable_criminal_activity",
)


def storage_args(tmp_path: Path) -> list[str]:
    """CLI options for a database and archive in ``tmp_path`` and the shipped sources file."""
    return [
        "--db",
        str(tmp_path / "r.db"),
        "--archive",
        str(tmp_path / "a"),
        "--sources",
        str(REPO / "sources.toml"),
    ]


#: The real recurring series (``shared/fixtures/series/<slug>/``), each with ``expected/``.
SERIES = "series"


def series_slugs() -> list[str]:
    """The series folders, sorted."""
    return sorted(p.name for p in fixture(SERIES).iterdir() if (p / "expected").is_dir())


def series_editions(
    slugs: list[str] | None = None, kind: str | None = None
) -> list[tuple[str, Path, Any]]:
    """(slug, edition file, its expected JSON) for every edition of the series (or of
    ``slugs``), optionally only one ``kind`` ("pdf" or "xlsx"), in file-name order."""
    out = []
    for slug in slugs or series_slugs():
        folder = fixture(f"{SERIES}/{slug}")
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".pdf", ".xlsx"):
                continue
            if kind is not None and path.suffix.lower() != f".{kind}":
                continue
            out.append((slug, path, expected(f"{SERIES}/{slug}/expected/{path.stem}.json")))
    return out
