"""Templates written as a data editor would (``tests/parsers/templates/series/``, a template
folder given through ``[settings] templates``, not shipped) on the real recurring reports of
``shared/fixtures/series``: every edition exact against its hand-checked expected JSON (row
count, columns, first and last rows, every row where the JSON lists them all, printed totals
and the column sums, rows per page)."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from parsers.base import ParseResult, Row
from parsers.registry import detect_parser, get_parser
from parsers.templates.spec import TableTemplate
from records.core.config import Settings
from tests.shared import series_editions

FOLDER = Path(__file__).parent / "series"
SETTINGS = Settings(templates=(FOLDER,))

#: Series -> (template, table) written for it.
TEMPLATES = {
    "co-ins-zika-municipal-weekly": ("co-ins-zika-municipal", "co_zika_municipal"),
    "nd-stutsman-general-election-results": ("nd-stutsman-election", "nd_stutsman_results"),
}
#: Editions a template cannot read exactly, and why (strict: an edition that becomes exact
#: must leave this list).
NOT_EXACT: dict[str, str] = {}

EDITIONS = [
    pytest.param(
        *e,
        id=e[1].name,
        marks=[pytest.mark.xfail(strict=True, reason=NOT_EXACT[e[1].name])]
        if e[1].name in NOT_EXACT
        else [],
    )
    for e in series_editions(sorted(TEMPLATES), kind="pdf")
]


@cache
def _parse(slug: str, path: Path) -> ParseResult:
    name = TEMPLATES[slug][0]
    # The edition is recognised without naming the template.
    assert detect_parser(path, SETTINGS).name == name
    return get_parser(name, SETTINGS).parse(path)


def _printed(value: Any) -> str:
    return "" if value is None else str(value)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _columns(table: TableTemplate, printed: list[str]) -> list[str]:
    """The template's column for each printed header (the JSON's `columns`), in order."""
    by_header = {_norm(c.header): c.name for c in table.columns}
    missing = [h for h in printed if _norm(h) not in by_header]
    assert not missing, f"no template column for the printed headers {missing}"
    return [by_header[_norm(h)] for h in printed]


def _cells(rows: list[Row], columns: list[str]) -> list[list[str]]:
    return [[_printed(r.values[c]) for c in columns] for r in rows]


@pytest.mark.parametrize(("slug", "path", "truth"), EDITIONS)
def test_every_edition_exact(slug: str, path: Path, truth: dict[str, Any]) -> None:
    result = _parse(slug, path)
    assert result.quarantine_reason() is None
    parser = get_parser(TEMPLATES[slug][0], SETTINGS)
    (expected,) = truth["tables"]
    table = parser.template.table(TEMPLATES[slug][1])  # type: ignore[attr-defined]
    rows = result.rows_for(table.name)
    columns = _columns(table, expected["columns"])

    assert len(rows) == expected["row_count"]
    assert {r.page for r in rows} <= set(range(expected["page_first"], expected["page_last"] + 1))
    # The template's other columns (another edition's optional ones) are absent here.
    others = [c.name for c in table.columns if c.name not in columns]
    assert all(r.values[c] is None for r in rows for c in others)
    cells = _cells(rows, columns)
    assert cells[: len(expected["first_rows"])] == expected["first_rows"]
    assert cells[-len(expected["last_rows"]) :] == expected["last_rows"]
    if "all_rows" in expected:
        assert cells == expected["all_rows"]
    assert len(cells) * len(columns) == expected["checked_cells"]
    if "rows_per_page" in expected:
        per_page = Counter(r.page for r in rows)
        first = expected["page_first"]
        assert [per_page[first + i] for i in range(len(expected["rows_per_page"]))] == expected[
            "rows_per_page"
        ]

    # Printed totals: where they equal the column sums the check passes; where the agency's
    # total differs, the check (kept as a warning) names the printed and the computed figure.
    numeric = [c.name for c in table.columns if c.type == "integer" and c.name in columns]
    sums = {c: sum(r.values[c] or 0 for r in rows) for c in numeric}
    for header, printed in expected.get("totals", {}).items():
        column = columns[expected["columns"].index(header)]
        (check,) = [c for c in result.checks if c.name == "column_sums"]
        if int(printed) == sums[column]:
            assert not isinstance(check.found, dict) or column not in check.found
        else:
            assert check.warn_only and not check.passed
            assert check.found[column].startswith(
                f"{column}: expected {int(printed)}, found {sums[column]} (sum of {len(rows)} rows)"
            )
            assert column in (result.warning_text() or "")
    for header, total in expected.get("column_sums_of_printed_rows", {}).items():
        assert sums[columns[expected["columns"].index(header)]] == int(total)


def test_colombia_departments_and_duplicate_row() -> None:
    """Every department keeps its rows (the overflowing 'NORTE SANTANDER' included), and the
    row the agency printed twice is loaded twice."""
    for slug, path, truth in series_editions(["co-ins-zika-municipal-weekly"]):
        (expected,) = truth["tables"]
        rows = _parse(slug, path).rows_for("co_zika_municipal")
        counts = Counter(r.values["departamento"] for r in rows)
        assert counts == expected["departamento_row_counts"]
        pairs = Counter((r.values["departamento"], r.values["municipio"]) for r in rows)
        assert sorted([list(p) for p, n in pairs.items() if n > 1]) == sorted(
            expected["duplicate_rows"]
        )
