"""Named report-period facts: ``report_date`` sets the period when the template reads no
start or end (generated report)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from parsers.templates.engine import TemplateParser
from parsers.templates.spec import PERIOD_FACTS, parse_template
from tests.parsers.templates.test_explicit_lines import ROWS, _template


def _report(path: Path) -> Path:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", "", 10)
    pdf.add_page()
    pdf.cell(0, 16, "Jail population as of March 1, 2016", new_x="LMARGIN", new_y="NEXT")
    for cells in [("County", "Inmates", "Available Beds"), *ROWS]:
        for width, text in zip((150, 100, 100), cells, strict=True):
            pdf.cell(width, 16, text)
        pdf.ln(16)
    pdf.output(str(path))
    return path


def test_report_date_sets_the_period(tmp_path: Path) -> None:
    data = _template([30, 160, 260, 560])
    data["facts"] = {
        "report_date": {
            "pattern": r"as of (\w+ \d+, \d{4})",
            "type": "date",
            "formats": ["%B %d, %Y"],
        }
    }
    result = TemplateParser(parse_template(Path("jail.toml"), data)).parse(
        _report(tmp_path / "j.pdf")
    )
    assert len(result.rows) == 4
    assert {
        k: result.document[k] for k in ("report_date", "report_period_start", "report_period_end")
    } == {
        "report_date": "2016-03-01",
        "report_period_start": "2016-03-01",
        "report_period_end": "2016-03-01",
    }
    # A period the template reads itself is kept.
    data["facts"]["report_period_start"] = {"pattern": r"as of \w+ \d+, (\d{4})", "type": "text"}
    result = TemplateParser(parse_template(Path("jail.toml"), data)).parse(
        _report(tmp_path / "j.pdf")
    )
    assert result.document["report_period_start"] == "2016"
    assert result.document["report_period_end"] == "2016-03-01"
    assert sorted(PERIOD_FACTS) == ["report_date", "report_period_end", "report_period_start"]
