"""The draft loaded as-is on real recurring reports (``shared/fixtures/series``): it returns
every data row of every page, or the document carries a warning naming what it missed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from parsers.base import ParseResult
from parsers.templates.draft import NULL_MARKERS, draft_template
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from tests.shared import series_editions

#: Colombia's 18-page editions take long: one of them is enough here (bench/draft_series.py
#: measures all).
#: Editions where the draft loads a row's words split over several rows and says nothing:
#: the generic extractor's row structure (parsers/generic), not the draft, decides them.
KNOWN_SPLIT: dict[str, str] = {}
EDITIONS = [
    pytest.param(
        *e,
        id=e[1].name,
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_SPLIT[e[1].name])]
        if e[1].name in KNOWN_SPLIT
        else [],
    )
    for e in series_editions(kind="pdf")
    if e[0] != "co-ins-zika-municipal-weekly" or e[1].name.endswith("01-23.pdf")
]


def _words(row: list[str]) -> list[str]:
    """The row's words, a footnote mark aside; a word broken after its hyphen at a line's
    end ("Non- campus" in the ground truth, which joins a cell's lines with a space) is one."""
    return [w.strip("*") for cell in row for w in re.sub(r"-\s+", "-", str(cell)).split()]


def _holds(result: ParseResult, printed: list[str]) -> bool:
    """Some loaded row holds every word of the printed row (a footnote mark aside)."""
    want = [w for w in _words(printed) if w and w not in NULL_MARKERS]
    for row in result.rows:
        got = _words([v for v in row.values.values() if v is not None])
        if all(w in got for w in want):
            return True
    return False


@pytest.mark.parametrize(("slug", "path", "truth"), EDITIONS)
def test_draft_loaded_as_is_returns_every_row_or_says_so(
    slug: str, path: Path, truth: dict[str, Any]
) -> None:
    template = parse_template(Path(f"{slug}.toml"), tomllib.loads(draft_template(path)))
    result = TemplateParser(template).parse(path)
    told = bool(result.warnings) or result.quarantine_reason() is not None
    for table in truth["tables"]:
        pages = range(table["page_first"], table["page_last"] + 1)
        loaded = sum(1 for r in result.rows if r.page in pages)
        assert loaded >= table["row_count"] or told, (
            f"{path.name}: {loaded} rows on pages {list(pages)}, {table['row_count']} printed,"
            " and no warning"
        )
    if not told:
        # Nothing said: the first and last printed rows are among the rows loaded.
        for table in truth["tables"]:
            for printed in table["first_rows"][:1] + table["last_rows"][-1:]:
                assert _holds(result, printed), f"{path.name}: {printed} not loaded"
