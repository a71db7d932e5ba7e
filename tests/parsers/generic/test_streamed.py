"""A long PDF parsed with its rows spilled to a file as its pages come
(``parsers.generic.streamed``) gives what the parse in memory gives: the same rows in the
same order, typed tables, warnings, accounts and facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from parsers.base import ParseResult
from parsers.generic import spill
from parsers.generic.parser import PARSER, ROWS, TABLES
from parsers.reading.pagetext import read_pages
from parsers.typed import UNTYPED_CELLS, TypeTally, column_type
from tests.shared import fixture

HEADER = ("case", "county", "amount")


def continued_table_pdf(path: Path, scan: Path | None = None) -> Path:
    """Three pages of one ruled table (its header printed again on each page), a
    footnote-marked amount on page 2, a total row on page 3 that is not the sum; then on
    page 3 a second table of its own. With ``scan`` (an image file), a fourth page that is
    only that image."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", size=10)
    number = 0
    for page in range(1, 4):
        pdf.add_page()
        rows: list[tuple[str, ...]] = [HEADER]
        for _ in range(6):
            number += 1
            amount = f"{number * 100:,}" + ("**" if number == 9 else "")
            rows.append((f"C-{number:04d}", f"County {number % 4}", amount))
        if page == 3:
            rows.append(("Total", "", "9,999"))
        for r, row in enumerate(rows):
            pdf.set_xy(40, 40 + 18 * r)
            for value in row:
                pdf.cell(120, 18, value, border=1)
        if page == 3:
            for r, row in enumerate([("office", "staff"), ("North", "12"), ("South", "7")]):
                pdf.set_xy(40, 400 + 18 * r)
                for value in row:
                    pdf.cell(150, 18, value, border=1)
    if scan is not None:
        pdf.add_page()
        pdf.image(str(scan), x=0, y=0, w=612, h=792)
    pdf.output(str(path))
    return path


def snapshot(result: ParseResult) -> tuple[Any, ...]:
    """Everything a load reads of a result, rows read from wherever they are."""
    rows = [
        (name, r.page, r.table_index, r.row_index, r.values, r.bbox)
        for name in result.table_names()
        for r in result.table_rows(name)
    ]
    typed = [
        (
            t.name,
            t.title,
            t.columns,
            [
                (r.page, r.table_index, r.row_index, r.values, r.bbox, r.source_row)
                for r in t.stored_rows()
            ],
        )
        for t in result.typed
    ]
    return rows, typed, result.warnings, result.accounted, result.document


def both_ways(path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """(in memory, spilled) snapshots of the generic parse of ``path``."""
    in_memory = PARSER.parse(path)
    assert in_memory.spilled is None
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)
    token = spill.SPILL_FOLDER.set(folder)
    try:
        spilled = PARSER.parse(path)
    finally:
        spill.SPILL_FOLDER.reset(token)
    assert spilled.spilled is not None and spilled.rows == []
    assert all(t.rows == [] and t.spilled is not None for t in spilled.typed)
    assert [p.name for p in folder.iterdir()] == [spilled.spilled.path.name]
    taken = snapshot(spilled), snapshot(in_memory)
    spilled.spilled.remove()
    assert list(folder.iterdir()) == []
    return taken[1], taken[0]


def test_a_table_continued_over_pages_spilled_as_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = continued_table_pdf(tmp_path / "continued.pdf")
    (tmp_path / "spill").mkdir()
    in_memory, spilled = both_ways(pdf, tmp_path / "spill", monkeypatch)
    assert spilled == in_memory
    rows, typed, warnings, accounted, document = spilled
    parts = [r for r in rows if r[0] == TABLES]
    body = [r for r in rows if r[0] == ROWS]
    # One table over three pages (three parts), then page 3's second table.
    assert [(r[1], r[4]["continued_from_page"], r[4]["n_rows"]) for r in parts] == [
        (1, None, 6),
        (2, 1, 6),
        (3, 2, 7),
        (3, None, 2),
    ]
    assert len(body) == 6 + 6 + 7 + 2
    assert json.loads(body[0][4]["cells"]) == ["C-0001", "County 1", "100"]
    assert json.loads(body[18][4]["cells"]) == ["Total", "", "9,999"]
    assert [r[3] for r in body[:19]] == list(range(19))
    (cases, offices) = typed
    assert [(c.name, c.type) for c in cases[2]] == [
        ("case", "text"),
        ("county", "text"),
        ("amount", "integer"),
        (UNTYPED_CELLS, "text"),
    ]
    assert len(cases[3]) == 18  # the total row kept out
    assert cases[3][8][3] == ["C-0009", "County 1", 900, json.dumps({"amount": "900**"})]
    assert cases[3][-1][:3] == (3, 0, 17)
    assert [(c.name, c.type) for c in offices[2]] == [("office", "text"), ("staff", "integer")]
    assert [r[3] for r in offices[3]] == [["North", 12], ["South", 7]]
    assert [w.kind for w in warnings] == ["total_mismatch"]
    assert "prints 9,999 for 'amount' but its rows add up to 17100" in warnings[0].message
    assert accounted == {1: (6, 0), 2: (6, 0), 3: (9, 0)}
    assert document == {"tables_found": 2, "tables_flagged": 0}


@pytest.mark.parametrize(
    "name",
    [
        "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
        "series/usc-dps-daily-crime-log/010320.pdf",
        "series/ca-cdph-zika-weekly/ca-confirmed-cases-2016-03-25.pdf",
        # unlabelled subtotals and totals (a sum_rows warning)
        "series/br-ms-microcephaly-weekly/brazil-microcephaly-2016-01-30.pdf",
    ],
)
def test_real_documents_spilled_as_in_memory(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory, spilled = both_ways(fixture(name), tmp_path, monkeypatch)
    assert spilled == in_memory
    assert len(spilled[0]) > 10


def test_a_failed_parse_leaves_no_spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = continued_table_pdf(tmp_path / "continued.pdf")
    folder = tmp_path / "spill"
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)

    def broken(*args: object) -> None:
        raise RuntimeError("page 2 broke")

    monkeypatch.setattr("parsers.generic.streamed._Reading.page", broken)
    token = spill.SPILL_FOLDER.set(folder)
    try:
        with pytest.raises(RuntimeError, match="page 2 broke"):
            PARSER.parse(pdf)
    finally:
        spill.SPILL_FOLDER.reset(token)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "values",
    [
        [],
        [None, None],
        [True, False, None],
        ["1", "2,219", None, "N/A"],
        ["1", "2.5", "-"],
        ["2026-01-02", "Jan 3, 2026"],
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "withheld"],
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "1.5", "withheld"],
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "12a"],
        ["0213", "0214"],
        ["1", "words", "more words"],
        ["N/A", "-"],
        [3, 4.0, "5"],
    ],
)
def test_type_tally_is_column_type_one_value_at_a_time(values: list[Any]) -> None:
    tally = TypeTally()
    for value in values:
        tally.add(value)
    assert tally.type() == column_type(values)


@pytest.mark.parametrize(
    "name",
    [
        "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
        "series/usc-dps-daily-crime-log/010320.pdf",
        "real/camelot/agstat.pdf",
    ],
)
def test_page_text_read_by_the_page_workers_is_read_pages(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fixture(name)
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)
    folder, text = spill.SPILL_FOLDER.set(tmp_path), spill.READ_PAGE_TEXT.set(True)
    try:
        result = PARSER.parse(path)
    finally:
        spill.SPILL_FOLDER.reset(folder)
        spill.READ_PAGE_TEXT.reset(text)
    assert result.spilled is not None
    pages = list(result.spilled.page_texts())
    assert pages == read_pages(path)
    assert result.spilled.pages == len(pages) and result.spilled.scanned == []
    assert sum(len(p.text) for p in pages) > 1000
    result.spilled.remove()
