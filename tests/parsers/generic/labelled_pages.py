"""A daily log of record blocks, drawn with fpdf2: each incident a block of lines with its
field labels in a column beside it ("Reported:", "Occurred:", "Incident:", "Summary:"), a
report number right of its first line, a full-width rule above each block. The page's last
block has no rule under it (as in USC's 2020 Daily Incident Log)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

LABELS = ["Reported:", "Occurred:", "Incident:", "Summary:"]
LABEL_X, VALUE_X, NUMBER_X = 22.0, 75.0, 548.0
X0, X1 = 18.0, 594.0
FONT_SIZE = 8.0
LINE_H = 14.0
#: The first line's baseline under the block's rule.
FIRST_BASELINE = 13.0
BLOCK_H = len(LABELS) * LINE_H + 10.0

#: Each record: its report number, then one value per label (the summary may wrap).
RECORDS: list[tuple[str, list[str]]] = [
    ("2000101", ["1/2/20 - 4:08 am Location: SEAVER RESIDENCE HALL",
                 "1/1/20 - 12:35 am to 1/1/20 - 12:50 am Disposition: Open",
                 "BURGLARY Burglary-Commercial",
                 "A glass door was smashed to gain entry to the location."]),
    ("2000102", ["1/2/20 - 10:24 am Location: MANOR APARTMENTS",
                 "1/2/20 - 10:24 am to 1/2/20 - 11:26 am Disposition: Open",
                 "PROPERTY Recovered/Impounded Bicycle",
                 "Five bicycles were impounded at the DPS office."]),
    ("2000103", ["1/2/20 - 12:07 pm Location: BOVARD ADMINISTRATION",
                 "12/5/19 - 9:30 pm to 12/28/19 - 3:36 pm Disposition: Open",
                 "HARASSMENT Harassment",
                 "A faculty member reported two threatening email messages."]),
    ("2000104", ["1/2/20 - 12:34 pm Location: TROY HALL",
                 "1/2/20 - 12:34 pm to 1/2/20 - 1:13 pm Disposition: Open",
                 "SERVICE Welfare Check",
                 "Officers checked on the welfare of a student."]),
    ("2000105", ["1/2/20 - 7:19 pm Location: JEFFERSON BL & GRAND AV",
                 "1/2/20 - 5:20 pm to 1/2/20 - 7:19 pm Disposition: Open",
                 "ROBBERY Robbery-Strong-Arm",
                 "Five suspects took a cellular phone at a bus stop and fled on foot."]),
]  # fmt: skip


def labelled_log(path: Path, last: str = "whole") -> list[tuple[str, list[str]]]:
    """Write the log; the records printed whole. ``last``: "whole" (the last block, with no
    rule under it, holds every label), "part" (its first two lines only: it goes on over
    the page) or "note" (no last block: a source note under the last rule instead)."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=FONT_SIZE)
    pdf.set_line_width(0.8)
    pdf.text(X0, 40.0, "Department of Public Safety - Daily Incident Log")
    records = RECORDS if last != "note" else RECORDS[:-1]
    top = 60.0
    for number, (report, values) in enumerate(records):
        pdf.line(X0, top, X1, top)
        lines = len(LABELS) if (last != "part" or number < len(records) - 1) else 2
        for i in range(lines):
            y = top + FIRST_BASELINE + i * LINE_H
            pdf.text(LABEL_X, y, LABELS[i])
            pdf.text(VALUE_X, y, values[i])
            if i == 0:
                pdf.text(NUMBER_X, y, report)
        top += BLOCK_H
    if last == "note":
        pdf.line(X0, top, X1, top)
        pdf.text(
            LABEL_X, top + FIRST_BASELINE, "Source: Department of Public Safety, records unit."
        )
    pdf.output(str(path))
    return records[:-1] if last == "part" else records
