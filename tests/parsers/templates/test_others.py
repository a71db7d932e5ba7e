"""Three more real reports: campaign finance (multi-page, total row), Medi-Cal enrollment
(spanned cells, subtotals) and the Oklahoma ABLE licence listing (explicit columns,
wrapped lines above the row)."""

from __future__ import annotations

import csv
from collections import Counter

from parsers.base import ParseResult
from tests.parsers.templates.helpers import parse_with, values
from tests.shared import expected, fixture


def _all_passed(result: ParseResult) -> None:
    assert all(c.passed for c in result.checks), [c.describe() for c in result.checks]
    assert result.quarantine_reason() is None


def test_major_contributions() -> None:
    result = parse_with("mn-major-contributions", "real/tabula-java/schools.pdf")
    _all_passed(result)
    rows = result.rows_for("major_contributions")
    assert len(rows) == 218
    assert Counter(r.page for r in rows) == {1: 45, 2: 45, 3: 45, 4: 45, 5: 38}
    assert rows[0].values == {
        "last_name": "Lidstad",
        "first_name": "Dick & Peg",
        "address": "62 Mississippi River Blvd N",
        "city": "Saint Paul",
        "state": "MN",
        "zip": "55104",
        "occupation": "retired",
        "employer": None,
        "date": "2012-10-12",
        "amount": 60.0,
    }
    assert rows[-1].values["last_name"] == "The Saint Paul Foundation"
    assert rows[-1].values["amount"] == 25000.0
    # tabula-java's expected CSV of page 1 (its area) matches our first rows.
    with fixture("real/tabula-java/csv/schools.csv").open(encoding="utf-8") as f:
        printed = list(csv.reader(f))[1:]
    # (First names cut off at the cell edge differ by a clipped letter, so they are left out.)
    for ours, theirs in zip(values(result, "major_contributions"), printed, strict=False):
        assert [ours["last_name"] or "", ours["city"] or "", ours["zip"] or ""] == [
            theirs[1],
            theirs[4],
            theirs[6],
        ]
        assert ours["amount"] == float(theirs[10])
    total = sum(r.values["amount"] for r in rows)
    assert total == 111840.0
    assert result.document["total_contribution"] == total + result.document["previously_reported"]
    assert result.document["report_period_start"] == "2012-08-01"
    assert result.document["committee"] == "Vote Yes for Strong Schools"


def test_medi_cal_spanned_cells_and_subtotals() -> None:
    result = parse_with("ca-medi-cal-plans", "real/camelot/row_span_1.pdf")
    _all_passed(result)
    truth = expected("real/camelot/expected/row_span_1.expected.json")
    printed = truth["tests"][0]["expected"][0]["rows"][1:]
    data = [
        r
        for r in printed
        if not r[1].startswith("Total ") and r[1] and not r[0].startswith("Subtotal")
    ]
    want = [
        {"plan_type": a, "county": b, "plan_name": c, "enrollment": int(d.replace(",", ""))}
        for a, b, c, d in data
    ]
    assert values(result, "medi_cal_plan_enrollment") == want
    assert len(want) == 33
    check = next(c for c in result.checks if c.name == "plan_type_subtotals")
    assert check.found == "3 subtotals match"
    assert result.document["data_as_of"] == "2015-12-14"


def test_ok_able_wrapped_lines_above() -> None:
    result = parse_with("ok-able-licenses", "real/camelot/m27.pdf")
    _all_passed(result)
    truth = expected("real/camelot/expected/m27.expected.json")
    printed = truth["tests"][0]["expected"][0]["rows"][5:]  # after the title and header
    # Lines without a licence number belong to the next licence (printed above it).
    records, pending = [], []
    for line in printed:
        if not line[0]:
            pending.append(line)
            continue
        merged = [" ".join(p for p in [*(x[i] for x in pending), line[i]] if p) for i in range(10)]
        records.append(merged)
        pending = []
    page1 = [r for r in result.rows_for("ok_able_licenses") if r.page == 1]
    assert len(page1) == len(records) == 25
    for row, record in zip(page1, records, strict=True):
        got = list(row.values.values())
        assert got[:8] == record[:8]
        assert got[8] == (None if record[8] == "-" else record[8])
        assert got[9] == record[9].replace("/", "-")
    assert (
        page1[2]["dba_name"]
        if False
        else page1[1].values["premise_address"] == ("7777 EAST APACHE STREET")
    )
    assert len(result.rows_for("ok_able_licenses")) == 48
    assert result.document["listing_month"] == "FEBRUARY 2014"
