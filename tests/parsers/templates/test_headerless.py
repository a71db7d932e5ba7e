"""Tables printed without a header (``header_is_data``): the first row is the fingerprint,
and its figures change with every edition, so only its text cells must read the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parsers.registry import detect_parser, get_parser
from parsers.templates.layout import match_layout
from parsers.templates.spec import TableTemplate, read_template
from records.core.config import Settings
from tests.shared import series_editions

FOLDER = Path(__file__).parent / "series"
SETTINGS = Settings(templates=(FOLDER,))


def _table(name: str) -> TableTemplate:
    return read_template(FOLDER / "usvi-zika.toml").table(name)


def test_a_headerless_tables_figures_may_change_but_not_its_labels() -> None:
    cases = _table("usvi_zika_cases_by_status")  # fingerprint ['Reported', '61']
    assert match_layout(cases, ["Reported", "72"]) is not None
    assert match_layout(cases, ["Reported", "1,204"]) is not None
    assert match_layout(cases, ["Reported", ""]) is not None
    assert match_layout(cases, ["Suspected", "72"]) is None
    assert match_layout(cases, ["Reported", "many"]) is None


def test_a_printed_header_is_still_matched_word_for_word() -> None:
    age = _table("usvi_zika_confirmed_by_age")  # header ['', 'Lab Positive', '%']
    assert match_layout(age, ["", "Lab Positive", "%"]) is not None
    assert match_layout(age, ["", "12", "%"]) is None


USVI = series_editions(["usvi-doh-zika-weekly"])
TABLES = {
    "Cases Per Year": "usvi_zika_cases_by_status",
    "Confirmed by Age": "usvi_zika_confirmed_by_age",
}


@pytest.mark.parametrize("slug,pdf,truth", USVI, ids=[p.name for _, p, _ in USVI])
def test_every_usvi_edition_loads_with_the_template_drafted_on_the_first(
    slug: str, pdf: Path, truth: Any
) -> None:
    """Written on 2016-02-16 (its 'Reported' row says 61); later editions say 63 and 72."""
    assert detect_parser(pdf, SETTINGS).name == "usvi-zika"
    result = get_parser("usvi-zika", SETTINGS).parse(pdf)
    assert result.quarantine_reason() is None
    for table in truth["tables"]:
        if table["title"] not in TABLES:
            continue
        rows = result.rows_for(TABLES[table["title"]])
        printed = [[str(v) if v is not None else "" for v in r.values.values()] for r in rows]
        assert printed == table["all_rows"]
        assert {r.page for r in rows} == {1}
