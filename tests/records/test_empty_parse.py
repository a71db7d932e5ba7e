"""A parse that reads no rows from a document printing table-like text is a warning."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from fpdf import FPDF

from records.cli import cli
from records.pipeline.reporting.empty_parse import table_like_lines


def _rows_as_sentences(path: Path) -> Path:
    """Counts printed as lines of text, not aligned in columns: no table to extract."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 12, "Weekly counts by county")
    lines = ["Travis 142 17 2019", "Harris 1203 88 2020", "Bexar 377 41 2021", "Dallas 954 60 2022"]
    for i, line in enumerate(lines):
        pdf.text(20 + (i % 2) * 37, 20 + 6 * i, line)
    pdf.output(str(path))
    return path


def _prose(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for i, line in enumerate(
        [
            "The board met on March 3 and again in 2021 to review the policy.",
            "It heard from residents and staff about the new schedule for the year.",
            "Minutes were approved without changes; the next meeting is in June.",
        ]
    ):
        pdf.text(20, 20 + 6 * i, line)
    pdf.output(str(path))
    return path


def test_zero_rows_from_table_like_text_is_a_warning_not_a_silent_parse(tmp_path: Path) -> None:
    counts = _rows_as_sentences(tmp_path / "counts.pdf")
    prose = _prose(tmp_path / "minutes.pdf")
    database = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli,
        ["--db", str(database), "--archive", str(tmp_path / "a"), "add", str(counts), str(prose)],
    )
    assert result.exit_code == 0, result.output
    warning = (
        "no rows were read, but the text has lines of numbers like a table's rows on page 1"
        " (4 lines): check the document (a table the parser missed?)"
    )
    assert f"counts.pdf: warning: {warning}" in result.output
    assert "minutes.pdf: warning" not in result.output  # a page of prose is not a table
    with sqlite3.connect(database) as db:
        facts = db.execute(
            "select d.filename, f.value from document_facts f join documents d"
            " on d.sha256 = f.document where f.name = 'warnings'"
        ).fetchall()
    assert facts == [("counts.pdf", json.dumps([warning]))]


def test_table_like_lines_counts_rows_of_numbers_not_sentences() -> None:
    text = "Arrests by month\nJanuary 2,219 14%\nFebruary 1,804 12%\nIn 2021 the 3 units met.\n"
    assert table_like_lines(text) == 2
