"""DDOR-style sample PDFs for the offline demo and the tests.

``write_ddor_report`` draws a Weekly Declined Detainer Outcome Report in the layout of
ICE's 2017 reports (landscape US Letter, running header, "Page N of M" footer, the four
section titles, ruled tables) so the same ``parsers.ice_ddor.parser`` parser reads both the real
layout and these files. ``demo_series`` returns seeded synthetic data for three
consecutive weeks plus a corrected re-issue of week 1, mirroring ICE's real correction
of the Jan. 28 - Feb. 3, 2017 report (rows for Franklin and Montgomery counties, Iowa;
Williamson and Bastrop counties, Texas; Chester County, Pennsylvania and Richmond
County, North Carolina withdrawn). Every per-person value is synthetic.

Output is byte-for-byte deterministic (fixed creation date), so the archive's SHA-256
deduplication treats a regenerated file as the same document.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from parsers.cleaning import iso

#: Fixed so that the same data always gives the same bytes (and the same SHA-256).
CREATION_DATE = datetime(2017, 3, 20, 12, 0, tzinfo=UTC)

NAVY = (31, 56, 100)
WHITE = (255, 255, 255)
PAGE_MARGIN = 54  # pt: 0.75 inch, as in the real report
SECTION_II_WIDTHS = (38, 110, 172, 100, 72, 64, 128)
SECTION_I_WIDTHS = (240, 90, 140)
SECTION_III_WIDTHS = (190, 56, 438)

DEFAULT_SECTION_IV = (
    "This sample report lists detainers recorded as declined in a synthetic case system "
    "during the reporting period. A detainer is recorded as declined when staff learn that "
    "a jail released a person who was the subject of a detainer.",
    "Dates are as recorded at extraction and may change when records are reviewed. The "
    "detainer issued date can precede the reporting period by months or years.",
    "Offense categories are broad groupings and may include pending charges. A blank entry "
    "means no category was recorded.",
)


def _short(day: date, *, with_year: bool) -> str:
    """'Jan. 28' / 'May 5' / 'Feb. 3, 2017' as in the report's running header."""
    month = day.strftime("%b")
    month = month if month == "May" else f"{month}."
    text = f"{month} {day.day}"
    return f"{text}, {day.year}" if with_year else text


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _us(day: str | None) -> str:
    """ISO -> M/D/YYYY without leading zeros, as section II prints dates."""
    if not day:
        return ""
    parsed = date.fromisoformat(day)
    return f"{parsed.month}/{parsed.day}/{parsed.year}"


def period_label(start: date, end: date) -> str:
    same_year = start.year == end.year
    return (
        f"For Recorded Declined Detainers {_short(start, with_year=not same_year)} – "
        f"{_short(end, with_year=True)}"
    )


class _ReportPDF(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="landscape", unit="pt", format="letter")
        self.running_title = running_title
        self.set_margins(PAGE_MARGIN, 60, PAGE_MARGIN)
        self.set_auto_page_break(auto=True, margin=60)
        self.alias_nb_pages()
        self.set_creation_date(CREATION_DATE)
        # The report prints en dashes and curly quotes; core fonts take them in cp1252.
        self.core_fonts_encoding = "windows-1252"

    def header(self) -> None:
        self.set_xy(90, 24)
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 10, "U.S. Immigration and Customs Enforcement", new_x="LMARGIN", new_y="NEXT")
        self.set_xy(90, 37)
        self.set_font("Helvetica", "", 9)
        self.cell(0, 9, self.running_title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*NAVY)
        self.line(PAGE_MARGIN, 52, self.w - PAGE_MARGIN, 52)
        self.set_y(66)

    def footer(self) -> None:
        self.set_y(-40)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def _paragraph(pdf: FPDF, text: str, size: float = 10) -> None:
    pdf.set_font("Helvetica", "", size)
    pdf.multi_cell(0, 13, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)


def _section_title(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 15, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _table(pdf: FPDF, widths: Sequence[int], header: Sequence[str], rows: Iterable[Sequence[str]]):
    pdf.set_font("Helvetica", "", 9)
    pdf.set_draw_color(63, 63, 63)
    style = FontFace(emphasis="BOLD", color=WHITE, fill_color=NAVY)
    with pdf.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align="LEFT",
        text_align="LEFT",
        headings_style=style,
        line_height=11,
        padding=(4, 6),
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for text in header:
            heading.cell(text)
        for cells in rows:
            row = table.row()
            for text in cells:
                row.cell(text)


def write_ddor_report(
    path: Path,
    *,
    period_start: date | str,
    period_end: date | str,
    top_jurisdictions: Sequence[Mapping[str, Any]],
    declined_rows: Sequence[Mapping[str, Any]],
    policies: Sequence[Mapping[str, Any]],
    total_detainers_issued: int,
    corrected: bool = False,
    section_word: str = "Limit",
    section_iv: Sequence[str] = DEFAULT_SECTION_IV,
) -> Path:
    """Draw one report. Rows use the parser's column names (dates ISO, blanks None):
    top_jurisdictions {jurisdiction, state, detainers_issued} in rank order;
    declined_rows {state, county, facility, citizenship, detainer_issued_date,
    declined_date, notable_criminal_activity}; policies {jurisdiction, state, policy}."""
    start, end = date.fromisoformat(iso(period_start)), date.fromisoformat(iso(period_end))
    label = period_label(start, end)
    title = "Weekly Declined Detainer Outcome Report" + (" (Corrected)" if corrected else "")
    between = f"between {_long(start)}, and {_long(end)}"
    titles = [
        f"Section I: Highest Volume of Detainers Issued to Non-Cooperative Jurisdictions {between}",
        f"Section II: Jurisdictions with Recorded Declined Detainers Broken Down by Individuals "
        f"Released {between}",
        f"Section III: Table of Jurisdictions that have Enacted Policies which {section_word} "
        "Cooperation with ICE",
        "Section IV: Report Scope and Data Fidelity",
    ]
    pdf = _ReportPDF(f"{title} {label}")

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 18, "ENFORCEMENT AND REMOVAL OPERATIONS", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 28, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 13)
    pdf.cell(0, 18, label, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 15, "Summary", new_x="LMARGIN", new_y="NEXT")
    _paragraph(
        pdf,
        "This sample report lists jurisdictions that released people who were the subject of "
        f"a detainer, for detainers recorded as declined {between}. It contains four sections:",
    )
    for line in titles:
        _paragraph(pdf, f"- {line}", size=9)

    pdf.add_page()
    _section_title(pdf, titles[0])
    _paragraph(
        pdf,
        f"During the week of {_long(start)}, through {_long(end)}, ICE issued "
        f"{total_detainers_issued:,} detainers throughout the United States. The table below "
        "identifies the jurisdictions that received the most detainers during this period.",
    )
    _table(
        pdf,
        SECTION_I_WIDTHS,
        ("Jurisdiction", "State", "Detainers Issued"),
        ((r["jurisdiction"], r["state"], f"{r['detainers_issued']:,}") for r in top_jurisdictions),
    )

    pdf.add_page()
    _section_title(pdf, titles[1])
    _paragraph(pdf, "The table below lists each declined detainer recorded during the period.")
    _table(
        pdf,
        SECTION_II_WIDTHS,
        (
            "State",
            "County/Jurisdiction",
            "Facility",
            "Citizenship",
            "Detainer Issued Date",
            "Declined Date",
            "Notable Criminal Activity",
        ),
        (
            (
                r["state"],
                r["county"],
                r["facility"],
                r["citizenship"],
                _us(r["detainer_issued_date"]),
                _us(r["declined_date"]),
                r.get("notable_criminal_activity") or "",
            )
            for r in declined_rows
        ),
    )

    pdf.add_page()
    _section_title(pdf, titles[2])
    _paragraph(
        pdf,
        f"The jurisdictions below have policies which {section_word.lower()} "
        "cooperation with ICE detainers.",
    )
    _table(
        pdf,
        SECTION_III_WIDTHS,
        ("Jurisdiction", "State", "Policy"),
        ((r["jurisdiction"], r["state"], r["policy"]) for r in policies),
    )

    pdf.add_page()
    _section_title(pdf, titles[3])
    for text in section_iv:
        _paragraph(pdf, text)

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


# --- synthetic data -----------------------------------------------------------------

#: (state, county, facilities): real county names, synthetic everything else.
_JURISDICTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("CA", "Alameda County", ("Santa Rita Jail",)),
    ("CA", "Los Angeles County", ("Men's Central Jail", "Twin Towers Correctional Facility")),
    ("CA", "Santa Clara County", ("Santa Clara County Main Jail", "Elmwood Correctional Facility")),
    ("CO", "Denver County", ("Denver County Jail",)),
    ("IA", "Franklin County", ("Franklin County Jail",)),
    ("IA", "Montgomery County", ("Montgomery County Jail",)),
    ("IL", "Cook County", ("Cook County Jail",)),
    ("NC", "Richmond County", ("Richmond County Jail",)),
    ("NV", "Clark County", ("Clark County Detention Center",)),
    ("NY", "Nassau County", ("Nassau County Correctional Center",)),
    ("OR", "Multnomah County", ("Multnomah County Detention Center",)),
    ("PA", "Chester County", ("Chester County Prison",)),
    ("PA", "Philadelphia County", ("Curran-Fromhold Correctional Facility",)),
    ("TX", "Bastrop County", ("Bastrop County Jail",)),
    ("TX", "Travis County", ("Travis County Jail", "Travis County State Jail")),
    ("TX", "Williamson County", ("Williamson County Jail",)),
    ("WA", "King County", ("King County Correctional Facility",)),
    ("WA", "Snohomish County", ("Snohomish County Jail",)),
)
#: Rows withdrawn by the corrected re-issue of week 1: (state, county).
CORRECTION_WITHDRAWN: tuple[tuple[str, str], ...] = (
    ("IA", "Franklin County"),
    ("IA", "Montgomery County"),
    ("TX", "Williamson County"),
    ("TX", "Bastrop County"),
    ("PA", "Chester County"),
    ("NC", "Richmond County"),
)
_COUNTRIES = ("Mexico",) * 6 + (
    "Guatemala",
    "Honduras",
    "El Salvador",
    "Dominican Republic",
    "Vietnam",
    "Jamaica",
    "Nicaragua",
)
_OFFENSES = (
    "Assault",
    "Burglary",
    "Dangerous Drugs",
    "Domestic Violence",
    "Driving Under the Influence",
    "Forgery",
    "Larceny",
    "Obstructing Police",
    "Traffic Offense",
    "Weapon Offense",
    None,
)
_POLICY_CLAUSES = (
    "Will not honor a detainer unless it is accompanied by a judicial warrant.",
    "Notifies ICE of release dates only for people convicted of specified violent offenses.",
    "Jail staff will not extend custody on the basis of a detainer alone.",
    "ICE personnel may interview inmates only with the inmate's written consent.",
    "County funds may not be used to detain a person solely for a civil immigration matter.",
    "Sample policy text generated for testing; not the jurisdiction's actual policy.",
)
WEEK_ONE = date(2017, 1, 28)


@dataclass(frozen=True)
class DemoReport:
    """One generated report: its file name, when the demo site 'posts' it, its data."""

    filename: str
    posted: date
    data: dict[str, Any] = field(default_factory=dict)

    def write(self, directory: Path) -> Path:
        return write_ddor_report(directory / self.filename, **self.data)


def _week(rng: random.Random, start: date) -> dict[str, Any]:
    end = start + timedelta(days=6)
    rows: list[dict[str, Any]] = []
    for state, county, facilities in _JURISDICTIONS:
        # Every jurisdiction appears each week so the correction always has rows to drop.
        for _ in range(rng.randint(1, 4)):
            declined = start + timedelta(days=rng.randint(0, 6))
            issued = declined - timedelta(days=rng.choice((2, 5, 9, 20, 45, 120, 400, 900)))
            rows.append(
                {
                    "state": state,
                    "county": county,
                    "facility": rng.choice(facilities),
                    "citizenship": rng.choice(_COUNTRIES),
                    "detainer_issued_date": issued.isoformat(),
                    "declined_date": declined.isoformat(),
                    "notable_criminal_activity": rng.choice(_OFFENSES),
                }
            )
    rows.sort(key=lambda r: (r["state"], r["county"], r["detainer_issued_date"]))
    issued_counts = sorted(
        ((rng.randint(3, 60), county, state) for state, county, _ in _JURISDICTIONS),
        key=lambda t: (-t[0], t[1], t[2]),
    )[:10]
    top = [{"jurisdiction": c, "state": s, "detainers_issued": n} for n, c, s in issued_counts]
    policies = [
        {
            "jurisdiction": county,
            "state": state,
            "policy": " ".join(rng.sample(_POLICY_CLAUSES[:-1], 2) + [_POLICY_CLAUSES[-1]]),
        }
        for state, county, _ in _JURISDICTIONS
    ]
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "top_jurisdictions": top,
        "declined_rows": rows,
        "policies": policies,
        "total_detainers_issued": rng.randint(2500, 3500),
    }


def _filename(start: date, end: date, suffix: str = "") -> str:
    return f"ddor{start.year}_{start:%m-%d}to{end:%m-%d}{suffix}.pdf"


def weekly_series(weeks: int, seed: int = 2017) -> list[DemoReport]:
    """``weeks`` consecutive weekly reports from Jan. 28, 2017 (synthetic, seeded)."""
    rng = random.Random(seed)
    reports: list[DemoReport] = []
    for week in range(weeks):
        start = WEEK_ONE + timedelta(days=7 * week)
        data = _week(rng, start)
        end = date.fromisoformat(data["period_end"])
        reports.append(DemoReport(_filename(start, end), end + timedelta(days=45 + week), data))
    return reports


def demo_series(seed: int = 2017) -> list[DemoReport]:
    """Three consecutive weekly reports from Jan. 28, 2017, then a corrected week 1."""
    reports = weekly_series(3, seed)
    first = reports[0]
    corrected = dict(first.data)
    corrected["declined_rows"] = [
        r
        for r in first.data["declined_rows"]
        if (r["state"], r["county"]) not in CORRECTION_WITHDRAWN
    ]
    corrected["corrected"] = True
    start, end = (
        date.fromisoformat(first.data["period_start"]),
        date.fromisoformat(first.data["period_end"]),
    )
    reports.append(
        DemoReport(
            _filename(start, end, "-corrected"), first.posted + timedelta(days=10), corrected
        )
    )
    return reports
