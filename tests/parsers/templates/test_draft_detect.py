"""A drafted template's ``[detect]`` holds on the report's other editions and on no other
report: an edition's date, number, month or day name in a title line is a pattern, and a
title line of nothing but such values is left out (it once kept the USC crime log drafted
from its 2024-03-01 edition from recognising the next day's)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fpdf import FPDF

from parsers.reading.furniture import first_page_text
from parsers.templates.draft import _anchor, detect_anchors, draft_template
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from records.cli import cli
from tests.shared import FIXTURES, fixture, series_editions

EDITIONS = [(slug, path) for slug, path, _ in series_editions(kind="pdf")]
#: Editions a template drafted from another edition of the same series cannot recognise:
#: the report's layout changed between them, and page 1 shares no title line with it.
LAYOUT_CHANGED = {
    ("010320.pdf", "030124.pdf"): "USC's 2020 log (Daily Incident Log, record blocks) and the"
    " 2023-24 one (Daily Crime and Fire Log, a grid) share no line on page 1",
    ("010320.pdf", "100323.pdf"): "the same change of layout",
    ("030124.pdf", "010320.pdf"): "the same change of layout, the other way",
    ("100323.pdf", "010320.pdf"): "the same change of layout, the other way",
    (
        "2008_stutsman_general_election_results.pdf",
        "2016_nd_general_stutsman.pdf",
    ): "2008 prints one title line '2008 General Election Official Results (Incl. Recount)',"
    " 2016 prints 'Official Results' above '2016 General Election'",
}
PAIRS = [
    pytest.param(
        drafted,
        other,
        id=f"{drafted.name}->{other.name}",
        marks=[pytest.mark.xfail(strict=True, reason=LAYOUT_CHANGED[(drafted.name, other.name)])]
        if (drafted.name, other.name) in LAYOUT_CHANGED
        else [],
    )
    for slug, drafted in EDITIONS
    for other_slug, other in EDITIONS
    if other_slug == slug and other != drafted
]
REAL_PDFS = sorted((FIXTURES / "real").rglob("*.pdf"))


def _detects(path: Path, anchors: list[str]) -> bool:
    """What ``TemplateParser.detect`` asks: page 1's text matches every anchor."""
    text = first_page_text(path)
    return bool(anchors) and text is not None and all(re.search(a, text) for a in anchors)


def _patterns(path: Path) -> list[str]:
    return [a.pattern for a in detect_anchors(path)]


def test_every_series_with_two_pdf_editions_is_checked() -> None:
    slugs = {slug for slug, _ in EDITIONS}
    assert len(slugs) == 6 and len(PAIRS) == 38


@pytest.mark.parametrize(("drafted", "other"), PAIRS)
def test_drafted_anchors_recognise_the_other_editions(drafted: Path, other: Path) -> None:
    assert _detects(drafted, _patterns(drafted))  # its own edition, first
    assert _detects(other, _patterns(drafted)), f"{other.name}: {_patterns(drafted)}"


@pytest.mark.parametrize(("slug", "drafted"), EDITIONS, ids=[p.name for _, p in EDITIONS])
def test_drafted_anchors_recognise_no_other_report(slug: str, drafted: Path) -> None:
    anchors = _patterns(drafted)
    others = [p.name for s, p in EDITIONS if s != slug and _detects(p, anchors)]
    real = [p.name for p in REAL_PDFS if _detects(p, anchors)]
    assert (others, real) == ([], [])


def _detect_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("[detect]")
    return lines[start - 2 : lines.index("]", start) + 1]


def test_usc_crime_log_drafted_from_one_day_recognises_another() -> None:
    """The bug: drafted from 2024-03-01, ``Friday,\\s+March\\s+1,\\s+2024`` was an anchor."""
    drafted = fixture("series/usc-dps-daily-crime-log/030124.pdf")
    text = draft_template(drafted, name="usc-log")
    assert _detect_section(text) == [
        "# page 1 must contain these (regular expressions): its title lines, their dates,",
        "# numbers, month and day names written as patterns so that later editions match",
        "[detect]",
        '# not an anchor: "Friday, March 1, 2024", nothing but this edition\'s values'
        " (weekday, month, number, year)",
        "page1 = [",
        '    # printed "Daily Crime and Fire Log"',
        r"    'Daily\s+Crime\s+and\s+Fire\s+Log',",
        "]",
    ]
    template = TemplateParser(parse_template(Path("usc-log.toml"), tomllib.loads(text)))
    assert template.detect(fixture("series/usc-dps-daily-crime-log/100323.pdf"))
    assert not template.detect(
        fixture("series/ca-cdph-zika-weekly/ca-confirmed-cases-2016-01-29.pdf")
    )


def test_election_results_title_year_is_a_pattern() -> None:
    drafted = fixture("series/nd-stutsman-general-election-results/2016_nd_general_stutsman.pdf")
    assert [(a.printed, a.pattern, a.values) for a in detect_anchors(drafted)] == [
        ("Official Results", r"Official\s+Results", ()),
        ("2016 General Election", r"\d+\s*General\s+Election", ("year",)),
    ]
    earlier = (
        "series/nd-stutsman-general-election-results/2008_stutsman_general_election_results.pdf"
    )
    assert _detects(fixture(earlier), _patterns(drafted))


def test_series_without_values_in_their_titles_keep_their_lines_as_printed() -> None:
    drafted = fixture("series/co-ins-zika-municipal-weekly/colombia-municipal-2016-01-23.pdf")
    assert _patterns(drafted) == [
        r"INSTITUTO\s+NACIONAL\s+DE\s+SALUD",
        r"Dirección\s+de\s+Vigilancia\s+y\s+Análisis\s+del\s+Riesgo",
    ]


@pytest.mark.parametrize(
    ("printed", "pattern", "values", "matches", "refuses"),
    [
        (
            "From:2/29/2024 To: 2/29/2024",
            r"From:\s*\d+/\d+/\d+\s*To:\s*\d+/\d+/\d+",
            ("date",),
            "From: 10/2/2023 To: 10/2/2023",
            "Since: 10/2/2023 To: 10/2/2023",
        ),
        (
            "Report for Fri. Mar 1st, 2024 (week 9)",
            r"Report\s+for\s*(?i:(?:fri|mon|sat|sun|thu|tue|wed)\w*\.?)\s*"
            r"(?i:(?:apr|aug|dec|feb|jan|jul|jun|mar|may|nov|oct|sep)\w*\.?)\s*\d+\w*\s*,\s*"
            r"\d+\s*\(week\s*\d+\s*\)",
            ("weekday", "month", "number", "year"),
            "Report for Monday April 22nd, 2024 (week 17)",
            "Report for Fri. Mar 1st, 2024 (month 3)",
        ),
        (
            "INFORME Nº 11 – SEMANA (SE) 04/2016 (24 A 30/01/2016)",
            r"INFORME\s+Nº\s*\d+\s*–\s+SEMANA\s+\(SE\)\s*\d+/\d+\s*\(\s*\d+\s*A\s*\d+/\d+/\d+\s*\)",
            ("number", "period", "date"),
            "INFORME Nº 14 – SEMANA (SE) 07/2016 (14 A 20/02/2016)",
            "BOLETIM Nº 14 – SEMANA (SE) 07/2016 (14 A 20/02/2016)",
        ),
        (
            "Sign out May 2024",  # a short word beside a full month name stays a word
            r"Sign\s+out\s*(?i:(?:apr|aug|dec|feb|jan|jul|jun|mar|may|nov|oct|sep)\w*\.?)\s*\d+",
            ("month", "year"),
            "Sign out June 2025",
            "Sign in June 2025",
        ),
        (
            "Precinct RUN 12/3/2014 11:57:01 AM",
            r"Precinct\s+RUN\s*\d+/\d+/\d+\s*\d+:\d+:\d+\s*(?i:[ap]m)",
            ("date", "time"),
            "Precinct RUN 11/5/2014 2:03:44 PM",
            "Precinct SUMMARY 11/5/2014 2:03:44 PM",
        ),
        (
            "Date Report Run : Tue, May-24-16",  # a day name beside a month name
            r"Date\s+Report\s+Run\s+:\s*(?i:(?:fri|mon|sat|sun|thu|tue|wed)\w*\.?)\s*,\s*"
            r"(?i:(?:apr|aug|dec|feb|jan|jul|jun|mar|may|nov|oct|sep)\w*\.?)\-\d+\-\d+",
            ("weekday", "month", "number"),
            "Date Report Run : Wed, Jun-1-16",
            "Date Report Sent : Wed, Jun-1-16",
        ),
        (
            "Total 1,234.5 cases",
            r"Total\s*\d[\d,.]*\s*cases",
            ("number",),
            "Total 987 cases",
            "Total 987 deaths",
        ),
    ],
)
def test_a_line_s_values_are_patterns_its_words_are_not(
    printed: str, pattern: str, values: tuple[str, ...], matches: str, refuses: str
) -> None:
    anchor, _ = _anchor(printed)
    assert (anchor.pattern, anchor.values) == (pattern, values)
    assert re.search(anchor.pattern, printed) and re.search(anchor.pattern, matches)
    assert not re.search(anchor.pattern, refuses)


def test_a_line_of_nothing_but_values_has_no_word_letters() -> None:
    assert _anchor("Friday, March 1, 2024")[1] == 0
    assert _anchor("November - 2015")[1] == 0
    assert _anchor("Daily Crime and Fire Log")[1] == 20


def test_a_page_of_rotated_text_still_has_anchors() -> None:
    """No upright line of words: the lines as detection reads them, as before."""
    page = fixture("real/camelot/anticlockwise_table_2.pdf")
    assert _patterns(page) == ["deunitnoC—scitsiretcarahc", "dnuorgkcab"]
    assert _detects(page, _patterns(page))


# --- a generated weekly report -----------------------------------------------------------

#: (week, day printed in the title, report number, rows): three editions of a weekly report.
WEEKS = [
    ("Fri. Mar 1st, 2024", 9, [("North Annex", 412, 450), ("South Wing", 288, 300)]),
    ("Fri. Mar 8th, 2024", 10, [("North Annex", 420, 450), ("South Wing", 291, 300)]),
    ("Fri. Apr 5th, 2024", 14, [("North Annex", 398, 450), ("South Wing", 301, 300)]),
]


def _weekly_report(path: Path, day: str, number: int, rows: list[tuple[str, int, int]]) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, f"Riverside County Jail Population Report No. {number}")
    pdf.ln(9)
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 7, f"Week ending {day}")
    pdf.ln(12)
    for cells in [("Facility", "Inmates", "Capacity"), *[(f, str(i), str(c)) for f, i, c in rows]]:
        for text in cells:
            pdf.cell(50, 8, text, border=1)
        pdf.ln(8)
    pdf.output(str(path))
    return path


def test_weekly_report_drafted_on_one_week_is_chosen_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weeks = [_weekly_report(tmp_path / f"week-{n}.pdf", day, n, rows) for day, n, rows in WEEKS]
    text = draft_template(weeks[0], name="jail-weekly")
    assert tomllib.loads(text)["detect"]["page1"] == [
        r"Riverside\s+County\s+Jail\s+Population\s+Report\s+No\.\s*\d+",
        r"Week\s+ending\s*(?i:(?:fri|mon|sat|sun|thu|tue|wed)\w*\.?)\s*"
        r"(?i:(?:apr|aug|dec|feb|jan|jul|jun|mar|may|nov|oct|sep)\w*\.?)\s*\d+\w*\s*,\s*\d+",
    ]
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "jail-weekly.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "none.toml"))
    for week, (_, _, rows) in zip(weeks[1:], WEEKS[1:], strict=True):
        extracted = CliRunner().invoke(cli, ["extract", str(week)])  # no --parser
        assert extracted.exit_code == 0, extracted.output
        (table,) = json.loads(extracted.stdout)
        assert table["table"] == "jail_weekly"  # the drafted template's table, not generic
        assert table["rows"] == [list(r) for r in rows]
