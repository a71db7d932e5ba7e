"""Boxed form fields (issue 13, failure mode 6; ``parsers/generic/form_fields.py``): each
field a drawn box holding a small label over its value. A single-record part of the form
is one table, its labels the columns and its values the one row; rows of boxes repeating
the same labels are one table with a row per row of boxes."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.generic import extract_tables
from tests.parsers.generic import furniture_pages as pages


@pytest.mark.parametrize("gap", [0.0, 4.0], ids=["boxes sharing sides", "boxes apart"])
def test_boxed_fields_read_as_labels_over_values(tmp_path: Path, gap: float) -> None:
    """Boxes sharing their sides were read as a ruled grid whose cells ran label and value
    together ("Item 1", "Value $40"), a single row of them as nothing; boxes drawn apart
    as whitespace rows alternating labels and values."""
    path = tmp_path / "arrest.pdf"
    record, items = pages.arrest_report(path, gap=gap)
    assert record == [
        [
            "Case number",
            "Date of arrest",
            "Name of arrestee",
            "Date of birth",
            "Charge",
            "Bail amount",
        ],
        [
            "2017-0042",
            "03/14/2017",
            "Jane Q. Doe",
            "05/02/1990",
            "Retail theft (second offense)",
            "",
        ],
    ]
    assert items == [
        ["Item", "Description", "Value"],
        ["1", "Wallet, brown leather", "$40"],
        ["2", "Mobile phone", "$300"],
    ]
    first, second = extract_tables(path)
    assert first.grid() == record
    assert first.columns == record[0]
    assert second.grid() == items
    assert [t.method for t in (first, second)] == ["form", "form"]
    assert first.warnings == second.warnings == []
    # The title above and the caption between the parts are no field and no table.
    assert "ARREST REPORT" not in str(first.grid())


def test_same_form_on_the_next_page_adds_its_record(tmp_path: Path) -> None:
    path = tmp_path / "arrests.pdf"
    record, items = pages.arrest_report(path, pages=2)
    first, second = extract_tables(path, workers=1)
    assert first.grid() == record
    assert [r[0] for r in first.rows] == ["2017-0042", "2017-0043"]
    assert first.row_pages() == [1, 2]
    assert second.grid() == items
    assert second.row_pages() == [1, 1, 2, 2]


def test_ruled_table_with_small_type_header_is_no_form(tmp_path: Path) -> None:
    """Every cell drawn, the header set smaller than the figures, a label on two lines: no
    cell holds a small line over a larger one, so the grid stays a ruled table."""
    path = tmp_path / "grid.pdf"
    expected = pages.small_header_grid(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.method == "ruled"
    assert table.warnings == []
