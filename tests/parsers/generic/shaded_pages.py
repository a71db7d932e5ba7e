"""A daily log banded by shading, drawn with fpdf2: records on alternate grey bands (no
rule, no column line), every cell wrapping over one to three lines, the header over a thin
rule. A plain band between two grey ones is closed by the grey band under it; the last band
is plain too (an odd number of records), so nothing closes it."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_SIZE = 8.0
LINE_H = 10.0
#: Each record's band: three lines and a margin above and below.
BAND_H = 3 * LINE_H + 6
X0, WIDTH = 30.0, 530.0
COLUMNS = [("Date Reported", 80.0), ("Event #", 90.0), ("Type of Event", 120.0)]
COLUMNS += [("Location", 140.0), ("Disposition", 100.0)]

#: Each record's cells, each cell its printed lines.
RECORDS: list[list[list[str]]] = [
    [["10/02/23 -", "MON at 23:30"], ["23-10-02-279463"], ["Loud Noise"],
     ["CURRIE HALL - On", "Campus - Residential", "Facility"], ["UNABLE TO", "LOCATE"]],
    [["10/02/23 -", "MON at 23:21"], ["23-10-02-279458"], ["PROPERTY -", "Damaged Property"],
     ["3400 Block Of GRAND", "AV"], ["Open"]],
    [["10/02/23 -", "MON at 21:38"], ["23-10-02-279358"], ["HARASSMENT -", "Stalking"],
     ["300 Block Of ADAMS BL"], ["Open"]],
    [["10/02/23 -", "MON at 21:26"], ["23-10-02-279347"], ["THEFT-PETTY -", "Theft Bicycle"],
     ["VERNA & PETER", "DAUTERIVE HALL - On", "Campus"], ["CLOSED"]],
    [["10/02/23 -", "MON at 20:07"], ["23-10-02-279280"], ["THEFT-PETTY -", "Shoplifting"],
     ["TARGET EXPRESS - On", "Campus"], ["Open"]],
    [["10/02/23 -", "MON at 19:06"], ["23-10-02-279238"], ["ASSAULT -", "Assault-Firearm"],
     ["1500 Block Of N.", "NORFOLK ST."], ["Open"]],
    # The last band, plain, with nothing under it: its location wraps over three lines.
    [["10/02/23 -", "MON at 16:39"], ["23-10-02-279085"], ["BATTERY - Battery"],
     ["JEFFERSON BL &", "VERMONT AV - Public", "property"], ["Open"]],
]  # fmt: skip


#: Records printed on the second page of a log continued over two pages.
PAGE_2: list[list[list[str]]] = [
    [["10/02/23 -", "MON at 15:53"], ["23-10-02-279043"], ["THEFT-PETTY -", "Lost Property"],
     ["UNIVERSITY GATEWAY", "APARTMENTS"], ["Open"]],
    [["10/02/23 -", "MON at 15:50"], ["23-10-02-279038"], ["SERVICE -", "Incident Report"],
     ["OUTSIDE USC AREA"], ["CLOSED"]],
    [["10/02/23 -", "MON at 15:18"], ["23-10-02-279001"], ["VANDALISM -", "Vandalism"],
     ["3000 Block Of ROYAL", "ST"], ["Open"]],
]  # fmt: skip


def _log_page(
    pdf: FPDF, records: list[list[list[str]]], carried: list[str], header_rule: bool = True
) -> None:
    """One page: the header over its rule, then ``carried`` (the location lines of a
    record begun on the page before) in a plain band, then ``records`` on alternate grey
    bands, the first grey when something was carried, plain otherwise."""
    pdf.add_page()
    xs = [X0]
    for _, w in COLUMNS:
        xs.append(xs[-1] + w)
    top = 120.0
    for c, (name, w) in enumerate(COLUMNS):
        pdf.set_xy(xs[c] + 2, top)
        pdf.cell(w - 4, LINE_H, name)
    if header_rule:
        pdf.set_fill_color(0)
        pdf.rect(X0 + 4, top + LINE_H + 4, WIDTH - 8, 1, style="F")
    y = top + LINE_H + 8
    if carried:
        for i, line in enumerate(carried):
            pdf.set_xy(xs[3] + 2, y + 3 + i * LINE_H)
            pdf.cell(COLUMNS[3][1] - 4, LINE_H, line)
        y += len(carried) * LINE_H + 6
    for r, record in enumerate(records):
        if r % 2 == (0 if carried else 1):
            pdf.set_fill_color(192)
            pdf.rect(X0, y, WIDTH, BAND_H, style="F")
        for c, lines in enumerate(record):
            for i, line in enumerate(lines):
                pdf.set_xy(xs[c] + 2, y + 3 + i * LINE_H)
                pdf.cell(COLUMNS[c][1] - 4, LINE_H, line)
        y += BAND_H
    pdf.set_xy(X0, 780)
    pdf.cell(WIDTH, LINE_H, f"Page {pdf.page_no()}", align="R")


def shaded_log(
    path: Path, last_lines: int = 3, carried: int = 0, header_rule: bool = True
) -> list[list[str]]:
    """Write the log to ``path`` and return its rows as a reader sees them (cells' lines
    joined with a space). With ``last_lines`` above 3, the last record's location runs
    on over that many lines: more than any band holds, past a band's height. With
    ``carried``, that many more lines of it are printed at the top of a second page (the
    record continues there), above three more records. Without ``header_rule``, the
    first band (plain) has no rule over it either."""
    pdf = FPDF(orientation="P", unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=FONT_SIZE)
    records = [[list(cell) for cell in r] for r in RECORDS]
    location = records[-1][3]
    extra = ["(northbound lane)", "near the bus stop", "at the corner", "by the gate"]
    location.extend(extra[: max(0, last_lines - 3)])
    _log_page(pdf, records, [], header_rule)
    if carried:
        more = extra[max(0, last_lines - 3) :][:carried]
        _log_page(pdf, PAGE_2, more, header_rule)
        location.extend(more)
        records += PAGE_2
    pdf.output(str(path))
    return [[" ".join(lines) for lines in record] for record in records]
