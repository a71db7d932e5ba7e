"""Record blocks with their field labels beside each, the page's last block not closed by a
rule (``parsers.generic.row_ruled._labelled_band``), on logs drawn by ``labelled_pages``."""

from __future__ import annotations

from pathlib import Path

from parsers.generic import extract_tables
from tests.parsers.generic.labelled_pages import LABELS, labelled_log

LABEL_CELL = " ".join(LABELS)


def _only(path: Path, method: str = "row-ruled"):  # type: ignore[no-untyped-def]
    (table,) = [t for t in extract_tables(path, workers=1) if t.method == method]
    return table


def test_the_last_block_with_no_rule_under_it_is_the_tables_last_row(tmp_path: Path) -> None:
    path = tmp_path / "log.pdf"
    records = labelled_log(path, last="whole")
    tables = extract_tables(path, workers=1)
    assert len(tables) == 1
    (table,) = tables
    assert table.method == "row-ruled"
    assert table.header == []
    assert table.rows == [[LABEL_CELL, " ".join(values), report] for report, values in records]
    assert table.rows[-1][2] == "2000105"
    assert table.warnings == []


def test_a_last_block_holding_some_labels_only_is_named_not_split_silently(
    tmp_path: Path,
) -> None:
    """It goes on over the page: its lines are left out of the table, with a warning."""
    path = tmp_path / "log.pdf"
    records = labelled_log(path, last="part")
    table = _only(path)
    assert [row[2] for row in table.rows] == [report for report, _ in records]
    assert table.warnings == [
        "page 1: the 2 lines right under the table's last rule, from 'Reported: 1/2/20 -"
        " 7:19 pm Location: JEFFERSON BL & GRAND AV 2000105', may be one record read as"
        " several rows"
    ]
    assert [(w.kind, w.pages, w.lines) for w in table.split_records] == [("split_record", (1,), 2)]


def test_a_note_under_the_last_rule_stays_out_of_the_table(tmp_path: Path) -> None:
    path = tmp_path / "log.pdf"
    records = labelled_log(path, last="note")
    table = _only(path)
    assert [row[2] for row in table.rows] == [report for report, _ in records]
    assert not any("Source" in cell for row in table.rows for cell in row)
    assert table.warnings == []
