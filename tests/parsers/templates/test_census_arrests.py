"""Census Statistical Abstract Table 325, arrests by race (a template written by following
parsers/templates/README.md), against camelot's ground truth for the same page."""

from __future__ import annotations

import re

from tests.parsers.templates.helpers import parse_with
from tests.shared import expected

SUBTOTALS_AND_TOTAL = ("Total", "Violent crime", "Property crime")


def _ground_truth() -> list[list[str]]:
    """camelot's hybrid rows of Table 325: 3 header rows, then Total and 32 offenses."""
    data = expected("real/camelot/expected/12s0324.expected.json")
    tables = data["tests"][0]["expected"]
    table = next(t for t in tables if t["data_var"] == "data_network_two_tables_2")
    return table["rows"][3:]


def _offense(cell: str) -> str:
    return re.sub(r"[\s.]+$", "", " ".join(cell.split()))


def test_census_arrests_by_race_matches_ground_truth() -> None:
    result = parse_with("census-arrests-by-race", "real/camelot/12s0324.pdf")
    assert result.quarantine_reason() is None
    assert [c.passed for c in result.checks] == [True, True]
    assert result.document["year"] == 2009
    assert result.document["agencies"] == 12371  # Table 325's, not Table 324's 12,910
    rows = [r.values for r in result.rows_for("census_arrests_by_race")]
    truth = [
        {
            "offense": _offense(cells[0]),
            "total": int(cells[1].replace(",", "")),
            "white": int(cells[2].replace(",", "")),
            "black": int(cells[3].replace(",", "")),
            "american_indian_alaskan_native": int(cells[4].replace(",", "")),
            "asian_pacific_islander": int(cells[5].replace(",", "")),
        }
        for cells in _ground_truth()
        if _offense(cells[0]) not in SUBTOTALS_AND_TOTAL
    ]
    assert len(rows) == len(truth) == 29
    assert rows == truth
    assert rows[0]["offense"] == "Murder and nonnegligent manslaughter"
    assert rows[-1] == {
        "offense": "Runaways",
        "total": 73616,
        "white": 48343,
        "black": 19670,
        "american_indian_alaskan_native": 1653,
        "asian_pacific_islander": 3950,
    }
    assert sum(r["total"] for r in rows) == 10_690_561  # the Total row of the table
