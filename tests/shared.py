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
