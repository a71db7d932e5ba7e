"""Page furniture that lines up like a table but is none (checkbox lists, bar charts,
flowcharts, side-headed sections, contact blocks), and boxed form fields, drawn with fpdf2
(issue 13). Each builder writes one PDF and returns the cells of the one real table on the
page (or of the form), so that tests assert exact cells."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from tests.parsers.generic import pages as generic_pages

FONT_SIZE = 9.0
LINE_H = 11.0

#: The small table printed under each piece of furniture: it must come out whole.
REFERRALS = [
    ["Service", "Referrals", "Closed"],
    ["Counselling", "41", "12"],
    ["Housing", "17", "9"],
    ["Legal aid", "8", "3"],
]


def _page() -> FPDF:
    return generic_pages._page(page_format="Letter", font_size=FONT_SIZE)


def _text(pdf: FPDF, x: float, y: float, w: float, text: str, align: str = "L") -> None:
    generic_pages._text(pdf, x, y, w, text, align, line_h=LINE_H)


def _referrals(pdf: FPDF, top: float) -> list[list[str]]:
    _text(pdf, 72, top, 300, "Table 1. Referrals by service")
    for r, row in enumerate(REFERRALS):
        y = top + 2 * LINE_H + r * (LINE_H + 2)
        _text(pdf, 72, y, 120, row[0])
        _text(pdf, 220, y, 70, row[1], align="R")
        _text(pdf, 310, y, 70, row[2], align="R")
    return REFERRALS


def checkbox_list(path: Path) -> list[list[str]]:
    """A form's "check all that apply" list: two columns of items, each after a drawn
    square (some ticked with a cross), one item wrapping onto a second line; the
    referrals table below."""
    pdf = _page()
    _text(pdf, 40, 80, 500, "Actions taken by the agency (check all that apply):")
    left = [
        "Screening of report",
        "Safety plan implemented",
        "Petitioned for court order (child in need of",
        "Placement with relatives",
        "Case management",
    ]
    right = [
        "Referral to services",
        "Transportation assistance",
        "Supervised visitation",
        "Case remains open",
        "Case closed by agency",
    ]
    ticked = {(0, 0), (1, 3), (0, 3)}
    y = 100.0
    rows = [(0, left[0], right[0]), (1, left[1], right[1]), (2, left[2], right[2])]
    rows += [(None, "protection or services)", None), (3, left[3], right[3])]
    rows += [(4, left[4], right[4])]
    for item, left_text, right_text in rows:
        for c, (x, text) in enumerate(((40.0, left_text), (310.0, right_text))):
            if item is not None:
                pdf.rect(x, y + 1, 9, 9)
                if (c, item) in ticked:
                    pdf.line(x, y + 1, x + 9, y + 10)
                    pdf.line(x, y + 10, x + 9, y + 1)
            if text:
                _text(pdf, x + 22, y, 240, text)
        y += LINE_H + 1
    table = _referrals(pdf, y + 40)
    pdf.output(str(path))
    return table


#: (category lines, value) of the bar chart.
BARS = [
    (["Single site"], 6),
    (["Sale of company"], 5),
    (["Employers acting in", "good faith"], 8),
    (["Back pay"], 10),
    (["Layoff threshold"], 18),
]


def bar_chart(path: Path) -> list[list[str]]:
    """A horizontal bar chart without a value axis: category labels set right against
    the bars' common baseline, the bars drawn as outlined boxes, each bar's value printed
    just past its end; the referrals table below."""
    pdf = _page()
    _text(pdf, 72, 80, 400, "Figure 5: Court cases by subject, 1998-2002")
    base, scale, bar_h, step = 200.0, 18.0, 20.0, 28.0
    y = 110.0
    for labels, value in BARS:
        pdf.rect(base, y, value * scale, bar_h)
        first = y + bar_h / 2 - len(labels) * LINE_H / 2
        for i, label in enumerate(labels):
            _text(pdf, 72, first + i * LINE_H, base - 80, label, align="R")
        _text(pdf, base + value * scale + 3, y + (bar_h - LINE_H) / 2, 30, str(value))
        y += step
    pdf.line(base, 106, base, y)
    table = _referrals(pdf, y + 40)
    pdf.output(str(path))
    return table


def flowchart(path: Path) -> list[list[str]]:
    """A decision flowchart: questions in outlined boxes side by side at different
    heights (their lines level with one another's), joined by lines, "Yes" and "No"
    printed beside the lines; the referrals table below."""
    pdf = _page()
    _text(pdf, 72, 60, 400, "Figure 1: Notice decision")
    boxes = [
        (230.0, 90.0, 150.0, ["Employer has 100", "or more workers"]),
        (60.0, 160.0, 110.0, ["No notice", "required"]),
        (
            230.0,
            150.0,
            150.0,
            ["Is the number", "laid off at least", "one third of the", "workforce?"],
        ),
        (420.0, 156.0, 140.0, ["Are the layoffs", "due to strikes?"]),
        (420.0, 230.0, 140.0, ["Notice required", "for workers"]),
    ]
    for x, y, w, lines in boxes:
        pdf.rect(x, y, w, len(lines) * LINE_H + 8)
        for i, line in enumerate(lines):
            _text(pdf, x, y + 4 + i * LINE_H, w, line, align="C")
    pdf.line(305, 120, 305, 150)
    _text(pdf, 310, 128, 30, "Yes")
    pdf.line(230, 175, 170, 175)
    _text(pdf, 185, 164, 30, "No")
    pdf.line(380, 175, 420, 175)
    _text(pdf, 388, 164, 30, "Yes")
    pdf.line(490, 186, 490, 230)
    _text(pdf, 495, 203, 30, "Yes")
    table = _referrals(pdf, 320)
    pdf.output(str(path))
    return table


#: (heading lines, paragraph lines) of the side-headed back page.
SECTIONS = [
    (
        ["Our Mission"],
        [
            "The office audits and evaluates federal programs and reports to Congress on",
            "the use of public funds, so that the government is accountable to the public.",
        ],
    ),
    (
        ["Obtaining Copies", "of Reports"],
        [
            "The fastest way to obtain copies of our reports at no cost is through the",
            "Internet, where an archive of older products can be searched by key words.",
            "Each day the office posts a list of newly released reports and testimony.",
        ],
    ),
    (
        ["Order by Mail"],
        [
            "The first copy of each printed report is free. Additional copies are two",
            "dollars each and orders of many copies to one address are discounted.",
        ],
    ),
]


def side_headed_sections(path: Path) -> None:
    """A report's back page: sections ruled off across the page, each a heading in large
    type on the left and paragraphs in text type on the right."""
    pdf = _page()
    y = 90.0
    pdf.line(36, y, 576, y)
    for heading, paragraph in SECTIONS:
        pdf.set_font("Helvetica", size=16)
        for i, line in enumerate(heading):
            pdf.set_xy(40, y + 6 + i * 19)
            pdf.cell(160, 19, line)
        pdf.set_font("Helvetica", size=FONT_SIZE)
        for i, line in enumerate(paragraph):
            _text(pdf, 216, y + 8 + i * LINE_H, 360, line)
        y += max(len(heading) * 19, len(paragraph) * LINE_H) + 18
        pdf.line(36, y, 576, y)
    pdf.output(str(path))


def contact_block(path: Path) -> None:
    """Ordering instructions: a paragraph, an address and phone numbers set as "To order
    by Phone:" then "Voice:", "TDD:", "Fax:" labels before each number."""
    pdf = _page()
    prose = [
        "The first copy of each printed report is free. Additional copies are $2 each.",
        "Orders should be sent to:",
    ]
    for i, line in enumerate(prose):
        _text(pdf, 72, 100 + i * LINE_H, 450, line)
    _text(pdf, 72, 140, 300, "U.S. General Accounting Office")
    _text(pdf, 72, 140 + LINE_H, 300, "Washington, D.C. 20548")
    phones = [("To order by Phone:", "Voice:", "(202) 512-6000"), ("", "TDD:", "(202) 512-2537")]
    phones.append(("", "Fax:", "(202) 512-6061"))
    for i, (lead, label, number) in enumerate(phones):
        y = 175 + i * LINE_H
        _text(pdf, 72, y, 100, lead)
        _text(pdf, 200, y, 40, label)
        _text(pdf, 250, y, 100, number)
    pdf.output(str(path))


LABEL_SIZE = 6.0
VALUE_SIZE = 10.0
FIELD_H = 28.0

#: Rows of (label, value lines, box width) of the arrest report's single-record part.
ARREST_FIELDS = [
    [("Case number", ["2017-0042"], 120.0), ("Date of arrest", ["03/14/2017"], 110.0)],
    [("Name of arrestee", ["Jane Q. Doe"], 200.0), ("Date of birth", ["05/02/1990"], 90.0)],
    [("Charge", ["Retail theft", "(second offense)"], 200.0), ("Bail amount", [], 90.0)],
]
#: The repeated part: one row of boxes a property item, the same labels in each row.
PROPERTY_LABELS = ["Item", "Description", "Value"]
PROPERTY_ITEMS = [["1", "Wallet, brown leather", "$40"], ["2", "Mobile phone", "$300"]]


def _field(
    pdf: FPDF, x: float, y: float, w: float, label: str, value: list[str], h: float = FIELD_H
) -> None:
    pdf.rect(x, y, w, h)
    pdf.set_font("Helvetica", size=LABEL_SIZE)
    pdf.set_xy(x + 2, y + 1)
    pdf.cell(w - 4, 7, label)
    pdf.set_font("Helvetica", size=VALUE_SIZE)
    for i, line in enumerate(value):
        pdf.set_xy(x + 2, y + 9 + i * 11)
        pdf.cell(w - 4, 11, line)


def arrest_report(path: Path, gap: float = 0.0, pages: int = 1) -> list[list[list[str]]]:
    """An arrest report form: a title, then rows of boxed fields (a small label over each
    value; one value on two lines, one field blank), each row's boxes side by side
    (``gap`` points apart, 0: sharing their sides); below, a repeated part listing the
    property taken, one row of boxes an item. With ``pages`` > 1 the form is printed again
    on each further page with the case number counted on. Returns the grids of the two
    tables the form reads as (each part's rows from every page, page after page)."""
    pdf = _page()
    for n in range(pages):
        if n:
            pdf.add_page()
        pdf.set_font("Helvetica", size=14)
        _text(pdf, 40, 50, 400, "ARREST REPORT")
        y = 80.0
        for row in ARREST_FIELDS:
            x = 40.0
            h = FIELD_H + 11 * max(len(v) - 1 for _, v, _ in row)
            for label, value, w in row:
                if label == "Case number":
                    value = [f"2017-{42 + n:04d}"]
                _field(pdf, x, y, w, label, value, h)
                x += w + gap
            y += h + 6
        pdf.set_font("Helvetica", size=FONT_SIZE)
        _text(pdf, 40, y + 8, 300, "Property taken")
        y += 24
        widths = [40.0, 200.0, 70.0]
        for item in PROPERTY_ITEMS:
            x = 40.0
            for label, value, w in zip(PROPERTY_LABELS, item, widths, strict=True):
                _field(pdf, x, y, w, label, [value])
                x += w + gap
            y += FIELD_H + gap
    pdf.output(str(path))
    labels = [label for row in ARREST_FIELDS for label, _, _ in row]
    records = []
    for n in range(pages):
        values = [" ".join(value) for row in ARREST_FIELDS for _, value, _ in row]
        values[0] = f"2017-{42 + n:04d}"
        records.append(values)
    property_grid = [PROPERTY_LABELS, *(PROPERTY_ITEMS * pages)]
    return [[labels, *records], property_grid]


def small_header_grid(path: Path) -> list[list[str]]:
    """A ruled table (not a form): a header row in small type, one heading on two lines,
    over rows of figures in larger type, one label wrapping onto a second line; every cell
    drawn."""
    pdf = _page()
    widths = [150.0, 80.0, 80.0]
    header = [["County"], ["Arrests"], ["Cases", "closed"]]
    body = [[["Adams"], ["1,204"], ["310"]], [["Brown and", "Clark"], ["877"], ["95"]]]
    top = 100.0
    y = top
    for r, row in enumerate([header, *body]):
        size = LABEL_SIZE if r == 0 else VALUE_SIZE
        step = 8.0 if r == 0 else 12.0
        h = 4 + step * max(len(cell) for cell in row)
        x = 40.0
        for cell, w in zip(row, widths, strict=True):
            pdf.rect(x, y, w, h)
            pdf.set_font("Helvetica", size=size)
            for i, line in enumerate(cell):
                pdf.set_xy(x + 2, y + 2 + i * step)
                pdf.cell(w - 4, step, line)
            x += w
        y += h
    pdf.output(str(path))
    return [[" ".join(cell) for cell in row] for row in [header, *body]]
