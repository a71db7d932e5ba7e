"""A file no template recognised, while the newsroom's template folders hold templates:
`records extract` and `records add` say so (read by the generic parser), so the next edition
of a drafted report whose ``[detect]`` no longer matches does not pass unnoticed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fpdf import FPDF

from parsers.registry import get_parser
from parsers.templates.draft import draft_template
from records.cli import cli

ROWS = [("North Annex", "412", "450"), ("South Wing", "288", "300")]


def _report(path: Path, title: str) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, title)
    pdf.ln(12)
    pdf.set_font("Helvetica", size=11)
    for cells in [("Facility", "Inmates", "Capacity"), *ROWS]:
        for text in cells:
            pdf.cell(50, 8, text, border=1)
        pdf.ln(8)
    pdf.output(str(path))
    return path


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A template folder with one drafted template, and a database of its own."""
    drafted = _report(tmp_path / "jail-week-9.pdf", "Riverside County Jail Population Report")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "jail.toml").write_text(draft_template(drafted, name="jail"), encoding="utf-8")
    monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "sources.toml"))
    monkeypatch.setenv("RECORDS_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("RECORDS_ARCHIVE", str(tmp_path / "archive"))
    (tmp_path / "sources.toml").write_text("[settings]\n", encoding="utf-8")
    return folder


def test_extract_says_no_template_recognised_the_file(tmp_path: Path, newsroom: Path) -> None:
    other = _report(tmp_path / "overtime.pdf", "Harbor Department Overtime Summary")
    result = CliRunner().invoke(cli, ["extract", str(other)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Warning: overtime.pdf: no template in {newsroom.resolve()} recognised it (their"
        " [detect] did not match page 1); read by the generic parser\n"
    )
    # The drafted report's next edition is recognised: nothing said.
    week = _report(tmp_path / "jail-week-10.pdf", "Riverside County Jail Population Report")
    recognised = CliRunner().invoke(cli, ["extract", str(week)])
    assert recognised.exit_code == 0, recognised.output
    assert recognised.stderr == ""
    assert '"table": "jail"' in recognised.stdout


def test_add_says_no_template_recognised_the_file(tmp_path: Path, newsroom: Path) -> None:
    other = _report(tmp_path / "overtime.pdf", "Harbor Department Overtime Summary")
    week = _report(tmp_path / "jail-week-10.pdf", "Riverside County Jail Population Report")
    result = CliRunner().invoke(cli, ["add", str(other), str(week)])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert next(line for line in lines if line.startswith("overtime.pdf: parsed")) == (
        f"overtime.pdf: parsed, 2 rows (generic {get_parser('generic').version}); no template"
        f" in {newsroom.resolve()}"
        " recognised it (their [detect] did not match page 1)"
    )
    assert next(line for line in lines if line.startswith("jail-week-10.pdf: parsed")) == (
        "jail-week-10.pdf: parsed, 2 rows (jail 0.1)"
    )


def test_without_template_folders_nothing_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECORDS_TEMPLATES", raising=False)
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "none.toml"))
    other = _report(tmp_path / "overtime.pdf", "Harbor Department Overtime Summary")
    result = CliRunner().invoke(cli, ["extract", str(other)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_workbook_no_template_recognised_is_named_too(tmp_path: Path, newsroom: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Overtime"
    for row in [("Department", "Hours"), ("Harbor", 120), ("Parks", 64)]:
        sheet.append(row)
    book.save(tmp_path / "overtime.xlsx")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "overtime.xlsx")])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Warning: overtime.xlsx: no template in {newsroom.resolve()} recognised it (their"
        " [detect] did not match its sheet names and first rows); read by the spreadsheet"
        " parser\n"
    )
