"""Checks that fit real agencies: tolerances, totals covering unlisted rows, warn-only
checks and positional subtotals, on generated reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parsers.base import ParseWarning
from parsers.checks import Tolerance, tolerance_of
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from records.core.errors import TemplateError
from tests.parsers.templates.test_engine import ROWS, TEMPLATE, _report

FEES = sum(100 + n for n in range(60))  # 7770


def _parser(**check: Any) -> TemplateParser:
    checks = [{"kind": "column_sums", "table": "permits", "columns": ["fee"], **check}]
    return TemplateParser(parse_template(Path("t.toml"), dict(TEMPLATE, checks=checks)))


def test_tolerance_rules() -> None:
    assert tolerance_of({}) == Tolerance()
    assert tolerance_of({"tolerance": 2}) == Tolerance(2.0)
    assert tolerance_of({"tolerance": "1%", "unlisted": True}) == Tolerance(0.0, 0.01, True)
    assert Tolerance(2.0).ok(100, 98) and not Tolerance(2.0).ok(100, 97)
    assert Tolerance(0.0, 0.01).ok(1000, 990) and not Tolerance(0.0, 0.01).ok(1000, 989)
    assert Tolerance(unlisted=True).ok(120, 100) and not Tolerance(unlisted=True).ok(99, 100)


@pytest.mark.parametrize(
    ("check", "total", "quarantined"),
    [
        ({"tolerance": 2}, FEES + 2, False),
        ({"tolerance": 2}, FEES - 3, True),
        ({"tolerance": "0.1%"}, FEES + 7, False),  # 0.1% of 7777 = 7.8
        ({"tolerance": "0.1%"}, FEES + 8, True),
        ({"unlisted": True}, FEES + 500, False),  # the total covers rows not listed
        ({"unlisted": True}, FEES - 1, True),
    ],
)
def test_totals_within_a_declared_tolerance_load(
    tmp_path: Path, check: dict[str, Any], total: int, quarantined: bool
) -> None:
    result = _parser(**check).parse(_report(tmp_path / "r.pdf", total=total))
    assert len(result.rows) == 60
    assert (result.quarantine_reason() is not None) is quarantined


def test_failed_check_names_column_expected_found_difference(tmp_path: Path) -> None:
    result = _parser(tolerance=2).parse(_report(tmp_path / "r.pdf", total=FEES + 5))
    assert result.quarantine_reason() == (
        "column_sums FAILED: expected '1 columns of 60 rows sum to the totals row', found"
        " {'fee': 'fee: expected 7775, found 7770 (sum of 60 rows), difference +5, beyond"
        " tolerance 2'} (1 columns differ)"
    )


def test_warn_only_check_loads_and_warns(tmp_path: Path) -> None:
    result = _parser(on_fail="warn").parse(_report(tmp_path / "r.pdf", total=FEES + 5))
    assert result.quarantine_reason() is None
    assert result.warnings == [
        ParseWarning(
            "check",
            "column_sums FAILED: expected '1 columns of 60 rows sum to the totals row', found"
            " {'fee': 'fee: expected 7775, found 7770 (sum of 60 rows), difference +5'}"
            " (1 columns differ)",
        )
    ]


def test_positional_subtotals(tmp_path: Path) -> None:
    rows = list(ROWS[:10])
    # A subtotal after every 5 permits, the second one off by 1.
    first = sum(int(r[3]) for r in rows[:5])
    second = sum(int(r[3]) for r in rows[5:10])
    printed = rows[:5] + [("Subtotal", "", "", str(first))] + rows[5:]
    printed += [("Subtotal", "", "", str(second + 1))]
    table = dict(TEMPLATE["tables"][0], subtotal_rows={"column": "permit", "pattern": "^Subtotal$"})  # type: ignore[index]
    check = {"kind": "subtotals", "table": "permits", "positional": True, "columns": ["fee"]}
    template = parse_template(Path("t.toml"), dict(TEMPLATE, tables=[table], checks=[check]))
    path = _report(tmp_path / "r.pdf", rows=printed, total=first + second)
    result = TemplateParser(template).parse(path)
    assert len(result.rows) == 10
    (failed,) = result.checks[1:]
    assert not failed.passed
    assert failed.found == {
        "subtotal 2 'Subtotal' fee": f"subtotal 2 'Subtotal' fee: expected {second + 1},"
        f" found {second} (sum of 5 rows), difference +1"
    }
    tolerant = dict(check, tolerance=1)
    template = parse_template(Path("t.toml"), dict(TEMPLATE, tables=[table], checks=[tolerant]))
    assert TemplateParser(template).parse(path).quarantine_reason() is None


def test_check_options_are_validated() -> None:
    with pytest.raises(TemplateError, match="tolerance must be a number or a percentage"):
        _parser(tolerance="a lot")
    with pytest.raises(TemplateError, match='on_fail must be "quarantine" or "warn"'):
        _parser(on_fail="ignore")


def test_check_of_an_optional_table_not_printed_passes(tmp_path: Path) -> None:
    extra = dict(
        TEMPLATE["tables"][0],  # type: ignore[index]
        name="refunds",
        required=False,
        columns=[{"name": "refund", "header": "Refund No.", "description": "d"}],
        key_columns=[],
        totals_row=None,
    )
    del extra["totals_row"]
    checks = [
        {"kind": "column_sums", "table": "permits", "columns": ["fee"]},
        {"kind": "column_sums", "table": "refunds", "columns": ["refund"]},
    ]
    data = dict(TEMPLATE, tables=[TEMPLATE["tables"][0], extra], checks=checks)  # type: ignore[index]
    result = TemplateParser(parse_template(Path("t.toml"), data)).parse(
        _report(tmp_path / "r.pdf", total=FEES)
    )
    assert result.quarantine_reason() is None
    assert [(c.name, c.passed, c.found) for c in result.checks[1:]] == [
        ("column_sums", True, "all columns match"),
        ("column_sums", True, "not printed"),
    ]
