"""NICS-shaped reports of other editions, generated with fpdf2 (no real post-2016 fixture).

The page reproduces the real report's shape (``real/pdfplumber/nics-background-checks-
2015-11.pdf``): a landscape page, the title and month, column groups ruled above their
sub-columns, vertical rules between columns, unruled text rows, 55 states and territories
and a Totals row. The figures are the real November 2015 ones, read from the fixture at
test time; a column added by a later edition ("Permit Recheck", from 2016) gets figures
of its own, and each row's total and the Totals row are recomputed so every check holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF

from tests.parsers.templates.helpers import parse_with, values

REAL_2015 = "real/pdfplumber/nics-background-checks-2015-11.pdf"

#: (group title, sub-column headers) as the 2015 report prints them; "" = no group title.
GROUPS_2015: list[tuple[str, list[str]]] = [
    ("", ["Permit", "Handgun", "Long Gun", "*Other", "**Multiple", "Admin"]),
    ("Pre-Pawn", ["Handgun", "Long Gun", "*Other"]),
    ("Redemption", ["Handgun", "Long Gun", "*Other"]),
    ("Returned/Disposition", ["Handgun", "Long Gun", "*Other"]),
    ("Rentals", ["Handgun", "Long Gun"]),
    ("Private Sale", ["Handgun", "Long Gun", "*Other"]),
    ("Return to Seller - Private Sale", ["Handgun", "Long Gun", "*Other"]),
    ("", ["Totals"]),
]


@dataclass
class Edition:
    """One generated month: its file and the rows it prints, by header text."""

    path: Path
    headers: list[str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]


def real_2015_rows() -> list[dict[str, Any]]:
    """The November 2015 rows as fbi-nics reads them from the real report."""
    return values(parse_with("fbi-nics", REAL_2015), "fbi_nics_checks")


def groups_with(
    added: dict[str, str] | None = None,
    renamed: dict[str, str] | None = None,
    removed: tuple[str, ...] = (),
) -> list[tuple[str, list[str]]]:
    """The 2015 groups with ungrouped columns added ({header: after which header}),
    renamed ({old: new}) or removed."""
    groups = [(title, list(cols)) for title, cols in GROUPS_2015]
    for header, after in (added or {}).items():
        cols = groups[0][1]
        cols.insert(cols.index(after) + 1, header)
    for header in removed:
        groups[0][1].remove(header)
    for old, new in (renamed or {}).items():
        cols = groups[0][1]
        cols[cols.index(old)] = new
    return groups


def write_edition(
    path: Path,
    month: str,
    rows: list[dict[str, Any]],
    groups: list[tuple[str, list[str]]],
    cells: Any,
) -> Edition:
    """Write the page. ``cells(row, group, header)`` gives a row's number for a column;
    the Totals column is the sum of the row's other figures (as in the real report)."""
    headers = [f"{g} {h}".strip() for g, cols in groups for h in cols]
    printed: list[dict[str, Any]] = []
    for row in rows:
        out: dict[str, Any] = {"State / Territory": row["state"]}
        for (group, cols), first in zip(groups, _starts(groups), strict=True):
            for i, header in enumerate(cols):
                if header != "Totals":
                    out[headers[first + i]] = cells(row, group, header)
        out["Totals"] = sum(v for k, v in out.items() if k not in ("State / Territory",))
        printed.append(out)
    totals = {h: sum(r[h] for r in printed) for h in headers}
    pdf = FPDF(orientation="L", unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_line_width(0.5)
    left, state_right, right = 33.0, 112.0, 975.0
    pdf.set_font("Helvetica", "", 5.8)
    # Each column as wide as its header needs, the page's spare width shared out.
    need = [max(28.0, pdf.get_string_width(h) + 6) for _, cols in groups for h in cols]
    spare = (right - state_right - sum(need)) / len(need)
    widths = [w + spare for w in need]
    edges = [state_right + sum(widths[:i]) for i in range(len(widths) + 1)]
    pdf.rect(left, 24, right - left, 38)
    pdf.set_font("Helvetica", "B", 15)
    pdf.set_xy(left, 26)
    pdf.cell(right - left, 17, "NICS Firearm Background Checks", align="C")
    pdf.set_xy(left, 44)
    pdf.cell(right - left, 17, month, align="C")
    top, sub, body, pitch = 61.0, 70.0, 79.0, 7.2
    bottom = body + pitch * (len(printed) + 1) + 3
    pdf.set_font("Helvetica", "", 5.8)
    for (group, cols), first in zip(groups, _starts(groups), strict=True):
        x, span = edges[first], edges[first + len(cols)] - edges[first]
        pdf.rect(x, top, span, body - top)
        pdf.set_xy(x, top + 1)
        pdf.cell(span, 7, group, align="C")
        for i, header in enumerate(cols):
            cx = edges[first + i]
            if i:
                pdf.line(cx, sub, cx, bottom)
            pdf.set_xy(cx, sub + 1)
            pdf.cell(widths[first + i], 7, header, align="C")
        pdf.line(x, top, x, bottom)
    pdf.rect(left, top, state_right - left, body - top)
    pdf.rect(left, body, right - left, bottom - body)
    pdf.line(right, top, right, bottom)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_xy(left, sub + 1)
    pdf.cell(state_right - left, 7, "State / Territory", align="C")
    pdf.set_font("Helvetica", "", 5.8)
    for n, row in enumerate([*printed, {"State / Territory": "Totals", **totals}]):
        y = body + 1 + n * pitch
        pdf.set_xy(left + 4, y)
        pdf.cell(state_right - left - 4, pitch, row["State / Territory"])
        for i, header in enumerate(headers):
            pdf.set_xy(edges[i], y)
            pdf.cell(widths[i] - 2, pitch, f"{row[header]:,}", align="R")
    pdf.set_xy(left, bottom + 8)
    pdf.cell(0, 8, "*Refers to firearms that are neither handguns nor long guns.")
    pdf.output(str(path))
    return Edition(path, ["State / Territory", *headers], printed, totals)


def _starts(groups: list[tuple[str, list[str]]]) -> list[int]:
    starts, n = [], 0
    for _, cols in groups:
        starts.append(n)
        n += len(cols)
    return starts


#: fbi-nics column name of each 2015 sub-column, by (group title, header).
COLUMN_OF = {
    ("", "Permit"): "permit",
    ("", "Handgun"): "handgun",
    ("", "Long Gun"): "long_gun",
    ("", "*Other"): "other",
    ("", "**Multiple"): "multiple",
    ("", "Admin"): "admin",
    **{
        (group, header): f"{prefix}_{suffix}"
        for group, prefix in (
            ("Pre-Pawn", "prepawn"),
            ("Redemption", "redemption"),
            ("Returned/Disposition", "returned"),
            ("Rentals", "rentals"),
            ("Private Sale", "private_sale"),
            ("Return to Seller - Private Sale", "return_to_seller"),
        )
        for header, suffix in (
            ("Handgun", "handgun"),
            ("Long Gun", "long_gun"),
            ("*Other", "other"),
        )
    },
}


def real_cell(row: dict[str, Any], group: str, header: str) -> int:
    """The real November 2015 figure; a column the 2015 report lacks gets a stand-in."""
    column = COLUMN_OF.get((group, header))
    if column is None:  # an added column: a figure derived from the row's permits
        return (row["permit"] or 0) // 7
    return row[column] or 0
