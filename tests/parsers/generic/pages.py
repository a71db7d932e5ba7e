"""Pages in the shapes the generic extractor got wrong on documents outside the fixtures,
drawn with fpdf2 (issue 13). Each builder writes one PDF and returns the cells a reader of
the page sees, so that tests assert exact cells."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_SIZE = 8.0
LINE_H = 10.0


def _page(orientation: str = "P", page_format: str = "A4", font_size: float = FONT_SIZE) -> FPDF:
    pdf = FPDF(orientation=orientation, unit="pt", format=page_format)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=font_size)
    pdf.set_line_width(0.5)
    return pdf


def _text(
    pdf: FPDF, x: float, y: float, w: float, text: str, align: str = "L", line_h: float = LINE_H
) -> None:
    """``text`` in a box ``w`` wide whose top is ``y``."""
    pdf.set_xy(x, y)
    pdf.cell(w, line_h, text, align=align)


def white_background_grid(path: Path) -> list[list[str]]:
    """Failure mode 1: full-width horizontal rules, one vertical rule after the label
    column, and white filled rectangles as cell backgrounds (one across the header row,
    two behind the label and first value of each body row). The rectangles' edges make a
    grid that covers only the first value column of the body."""
    pdf = _page()
    x0, label_w, col_w, row_h, top = 40.0, 120.0, 48.0, 16.0, 100.0
    years = [str(y) for y in range(2016, 2024)]
    labels = ["Exports", "Imports", "Balance", "Reserves", "Debt"]
    right = x0 + label_w + col_w * len(years)
    grid = [["", *years]]
    grid += [
        [label, *(f"{(r * 37 + c * 11) % 90 + 10}.{c}" for c in range(len(years)))]
        for r, label in enumerate(labels, 1)
    ]
    pdf.set_fill_color(255, 255, 255)
    for r, row in enumerate(grid):
        y = top + r * row_h
        if r == 0:
            pdf.rect(x0, y, right - x0, row_h, style="F")
        else:
            pdf.rect(x0, y, label_w, row_h, style="F")
            pdf.rect(x0 + label_w, y, col_w, row_h, style="F")
        _text(pdf, x0 + 2, y + 3, label_w - 4, row[0])
        for c, value in enumerate(row[1:]):
            _text(pdf, x0 + label_w + c * col_w, y + 3, col_w - 4, value, align="R")
    for r in range(len(grid) + 1):
        pdf.line(x0, top + r * row_h, right, top + r * row_h)
    pdf.line(x0 + label_w, top, x0 + label_w, top + row_h * len(grid))
    pdf.output(str(path))
    return grid


def unclosed_cell(path: Path) -> list[list[str]]:
    """A ruled grid whose last row has a cell drawn for its label only, its figure printed
    where no cell is drawn (a totals row left open). Labels are set flush right against the
    values, so no text line has a gap wide enough for whitespace columns either."""
    pdf = _page()
    x0, top, w0, w1, row_h = 72.0, 200.0, 100.0, 80.0, 16.0
    rows = [["Region", "Total"], ["North", "12"], ["South", "34"]]
    for r, (label, value) in enumerate(rows):
        y = top + r * row_h
        pdf.rect(x0, y, w0, row_h)
        if r < len(rows) - 1:
            pdf.rect(x0 + w0, y, w1, row_h)
        _text(pdf, x0, y + 3, w0, label, align="R")
        _text(pdf, x0 + w0, y + 3, w1, value)
    pdf.output(str(path))
    return rows


#: Failure mode 2's register: (case, parties, subject, decision), each cell's printed lines.
REGISTER = (
    (["Case number"], ["Parties"], ["Subject of the dispute"], ["Decision"]),
    (
        ["2021-0147"],
        ["Smith Holdings Ltd v.", "Regional Water Board"],
        ["Permit for abstraction", "from the river Aire"],
        ["Appeal allowed"],
    ),
    (
        ["2021-0152"],
        ["Jones"],
        ["Unpaid rates on three", "commercial units in the", "town centre"],
        ["Dismissed"],
    ),
    (
        ["2021-0160", "(joined)"],
        ["Northern Transport", "Cooperative v. City", "Council of Leeds"],
        ["Licence for a bus", "route"],
        ["Referred back", "to the council"],
    ),
    (
        ["2022-0003"],
        ["Patel v. Patel"],
        ["Division of a jointly", "owned farm, with", "water rights and", "grazing leases"],
        ["Settled"],
    ),
)


def wrapped_register(
    path: Path, column_rulings: bool = False, line_rules: bool = False
) -> list[list[str]]:
    """Failure mode 2: a register ruled only between its records (a rule above and below
    the header too), four columns whose cells wrap over one to four lines; one record wraps
    in every column. With ``column_rulings`` the columns are ruled as well; with
    ``line_rules`` (and column rulings) the subject column also has a rule under each of
    its lines, so that the other columns' cells span several drawn rows."""
    pdf = _page()
    x0, top = 40.0, 200.0
    widths = [90.0, 150.0, 170.0, 100.0]
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    y = top
    pdf.line(x0, y, xs[-1], y)
    for record in REGISTER:
        y += 3
        for c, lines in enumerate(record):
            for i, line in enumerate(lines):
                _text(pdf, xs[c] + 2, y + i * LINE_H, widths[c] - 4, line)
        if line_rules and record is not REGISTER[0]:
            for i in range(1, len(record[2])):
                pdf.line(xs[2], y + i * LINE_H, xs[3], y + i * LINE_H)
        y += max(len(lines) for lines in record) * LINE_H + 3
        pdf.line(x0, y, xs[-1], y)
    if column_rulings or line_rules:
        for x in xs:
            pdf.line(x, top, x, y)
    pdf.output(str(path))
    return [[" ".join(lines) for lines in record] for record in REGISTER]


def two_level_header_statement(path: Path) -> list[list[str]]:
    """Failure mode 3: an unruled statement with a 3-line header (group titles centred over
    sub-titles that wrap onto a second line), set apart from the figures by more than two
    line heights, and "..." nil markers where no figure is available."""
    pdf = _page()
    x0, label_w, col_w, top = 40.0, 130.0, 55.0, 200.0
    subs = [
        ("Taxes", ""),
        ("Grants", "received"),
        ("Other", "revenue"),
        ("Current", "spending"),
        ("Capital", "spending"),
        ("Interest", "payments"),
    ]
    body = [
        ["Central government", "1,204.5", "310.2", "88.1", "1,012.7", "240.0", "95.3"],
        ["State governments", "845.0", "...", "41.7", "790.2", "120.4", "..."],
        ["Local authorities", "312.9", "205.6", "...", "420.1", "66.3", "12.8"],
        ["Social security funds", "650.3", "...", "15.0", "702.9", "...", "0.4"],
        ["Total", "3,012.7", "515.8", "144.8", "2,925.9", "426.7", "108.5"],
    ]

    def col_x(c: int) -> float:
        return x0 + label_w + c * col_w

    _text(pdf, x0, 120, 400, "Table 3. General government operations, 2022 (billions)")
    _text(pdf, col_x(0), top, 3 * col_w, "Revenue", align="C")
    _text(pdf, col_x(3), top, 3 * col_w, "Expenditure", align="C")
    for c, (first, second) in enumerate(subs):
        _text(pdf, col_x(c), top + LINE_H, col_w - 2, first, align="R")
        _text(pdf, col_x(c), top + 2 * LINE_H, col_w - 2, second, align="R")
    _text(pdf, x0, top + 2 * LINE_H, label_w, "Sector")
    y = top + 3 * LINE_H + 20
    for r, row in enumerate(body):
        _text(pdf, x0, y + r * (LINE_H + 2), label_w, row[0])
        for c, value in enumerate(row[1:]):
            _text(pdf, col_x(c), y + r * (LINE_H + 2), col_w - 2, value, align="R")
    pdf.output(str(path))
    header = [
        ["", "Revenue", "", "", "Expenditure", "", ""],
        ["", *(first for first, _ in subs)],
        ["Sector", *(second for _, second in subs)],
    ]
    return [*header, *body]


def year_and_unit_rows(path: Path) -> list[list[str]]:
    """Failure mode 4a: a ruled grid with its year row printed just above the top rule
    (outside the grid) and a unit row inside the grid under the column headings, in the
    same drawn row as no other text."""
    pdf = _page()
    x0, label_w, col_w, row_h, top = 60.0, 140.0, 70.0, 14.0, 250.0
    years = ["2021", "2022", "2023"]
    rows = [
        ["Indicator", "Output", "Prices", "Jobs"],
        ["", "EUR million", "%", "thousand"],
        ["Agriculture", "4,210", "2.1", "96.4"],
        ["Industry", "18,032", "3.4", "310.2"],
        ["Services", "41,877", "1.8", "802.5"],
    ]
    xs = [x0, x0 + label_w, *(x0 + label_w + (c + 1) * col_w for c in range(3))]
    for c, year in enumerate(years):
        _text(pdf, xs[c + 1], top - LINE_H - 2, col_w, year, align="C")
    for r, row in enumerate(rows):
        y = top + r * row_h
        for c, value in enumerate(row):
            align = "L" if c == 0 else "R"
            _text(pdf, xs[c] + 2, y + 2, xs[c + 1] - xs[c] - 4, value, align=align)
    bottom = top + len(rows) * row_h
    for r in (0, 2, len(rows)):
        pdf.line(x0, top + r * row_h, xs[-1], top + r * row_h)
    for x in xs:
        pdf.line(x, top, x, bottom)
    pdf.output(str(path))
    return [["", *years], *rows]


def page_frame(path: Path) -> list[list[str]]:
    """Failure mode 4b: a border drawn round the page, its top band cut into three boxes
    (office, title, date), the rest of the page one big box holding prose and an unruled
    table of figures. Returns that table's cells."""
    pdf = _page()
    left, top, right, bottom = 30.0, 30.0, 565.0, 812.0
    pdf.rect(left, top, right - left, bottom - top)
    band = top + 40
    pdf.line(left, band, right, band)
    pdf.line(160, top, 160, band)
    pdf.line(440, top, 440, band)
    _text(pdf, left + 6, top + 15, 120, "Regional Statistics Office")
    _text(pdf, 170, top + 15, 260, "Monthly Bulletin", align="C")
    _text(pdf, 450, top + 15, 110, "March 2023", align="R")
    prose = [
        "Registered unemployment fell in March for the third month running, while the",
        "number of vacancies notified to the employment service rose in every district.",
        "The figures below are provisional and will be revised with the quarterly survey.",
    ]
    for i, line in enumerate(prose):
        _text(pdf, 60, 110 + i * LINE_H, 480, line)
    table = [
        ["District", "Unemployed", "Vacancies", "Rate %"],
        ["North", "4,210", "1,032", "5.2"],
        ["East", "3,118", "870", "4.7"],
        ["South", "5,904", "1,210", "6.1"],
        ["West", "2,877", "655", "4.4"],
    ]
    for r, row in enumerate(table):
        y = 170 + r * (LINE_H + 2)
        _text(pdf, 60, y, 120, row[0])
        for c, value in enumerate(row[1:]):
            _text(pdf, 200 + c * 90, y, 80, value, align="R")
    _text(pdf, 60, 260, 480, "Next release: April 2023.")
    pdf.output(str(path))
    return table


#: Failure mode 5's key figures: sub-heading, then (label, value) items.
KEY_FIGURES = (
    (
        "Population",
        [
            ("Total population", "5,430,000"),
            ("Under 15 years", "812,400"),
            ("Over 65 years", "1,120,300"),
        ],
    ),
    (
        "Economy",
        [
            ("GDP (EUR billion)", "251.9"),
            ("GDP growth (%)", "2.4"),
            ("Unemployment rate (%)", "6.1"),
        ],
    ),
    (
        "Public finances",
        [
            ("Revenue (% of GDP)", "42.7"),
            ("Expenditure (% of GDP)", "44.9"),
            ("Debt (% of GDP)", "58.3"),
        ],
    ),
    ("Trade", [("Exports (EUR billion)", "132.0"), ("Imports (EUR billion)", "127.4")]),
)


def key_figures(path: Path, heading_gap: float = 2.0) -> list[list[str]]:
    """Failure mode 5a: a two-column key-figures statement, its items grouped under
    sub-headings set apart by ``heading_gap`` blank lines above each."""
    pdf = _page()
    x0, value_x, y = 70.0, 300.0, 200.0
    _text(pdf, x0, 160, 300, "Key figures 2022")
    rows = []
    for heading, items in KEY_FIGURES:
        y += heading_gap * LINE_H
        _text(pdf, x0, y, 200, heading)
        rows.append([heading, ""])
        y += LINE_H + 2
        for label, value in items:
            _text(pdf, x0 + 10, y, 200, label)
            _text(pdf, value_x, y, 80, value, align="R")
            rows.append([label, value])
            y += LINE_H + 2
    pdf.output(str(path))
    return rows


def _dotted(pdf: FPDF, x0: float, y0: float, x1: float, y1: float, step: float = 3.0) -> None:
    """A rule drawn as a row of dots (tiny filled squares), as some publishers draw grids."""
    n = int(max(abs(x1 - x0), abs(y1 - y0)) / step)
    for i in range(n + 1):
        x = x0 + (x1 - x0) * i / n
        y = y0 + (y1 - y0) * i / n
        pdf.rect(x - 0.4, y - 0.4, 0.8, 0.8, style="F")


def dotted_grid(path: Path) -> list[list[str]]:
    """Failure mode 5b: a grid ruled with dotted lines between every row and column, its
    header cells wrapping over two lines."""
    pdf = _page()
    x0, top, row_h = 60.0, 200.0, 16.0
    widths = [150.0, 80.0, 80.0, 80.0]
    header = [
        ("Port of", "landing"),
        ("Catch", "(tonnes)"),
        ("Value", "(EUR 000)"),
        ("Vessels", ""),
    ]
    body = [
        ["Killybegs", "61,204", "48,310", "112"],
        ["Castletownbere", "22,870", "39,044", "87"],
        ["Dingle", "3,115", "6,920", "41"],
        ["Howth", "2,460", "5,118", "38"],
    ]
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    header_h = 2 * LINE_H + 6
    ys = [top, top + header_h, *(top + header_h + (r + 1) * row_h for r in range(len(body)))]
    for c, (first, second) in enumerate(header):
        _text(pdf, xs[c] + 3, top + 3, widths[c] - 6, first)
        _text(pdf, xs[c] + 3, top + 3 + LINE_H, widths[c] - 6, second)
    for r, row in enumerate(body):
        for c, value in enumerate(row):
            align = "L" if c == 0 else "R"
            _text(pdf, xs[c] + 3, ys[r + 1] + 3, widths[c] - 6, value, align=align)
    for y in ys:
        _dotted(pdf, xs[0], y, xs[-1], y)
    for x in xs:
        _dotted(pdf, x, ys[0], x, ys[-1])
    pdf.output(str(path))
    return [[" ".join(p for p in cell if p) for cell in header], *body]


def chart_bullets_footer(path: Path, bullet: str = "-") -> None:
    """Failure mode 6: a page with no table: a bar chart (value axis labels down its left
    side, category labels under it, values over the bars), a list bulleted with dashes and a
    footer."""
    pdf = _page()
    _text(pdf, 60, 80, 400, "Figure 2. Arrivals by region, 2022 (thousands)")
    base, left, scale = 300.0, 100.0, 4.0
    for tick in range(0, 50, 10):
        _text(pdf, left - 32, base - tick * scale - LINE_H / 2, 25, str(tick), align="R")
        pdf.line(left - 4, base - tick * scale, left, base - tick * scale)
    pdf.line(left, base, left, base - 45 * scale)
    pdf.line(left, base, left + 330, base)
    bars = [("North", 12.4), ("South", 31.0), ("East", 22.7), ("West", 40.2)]
    pdf.set_fill_color(120, 120, 120)
    for i, (name, value) in enumerate(bars):
        x = left + 20 + i * 80
        pdf.rect(x, base - value * scale, 40, value * scale, style="F")
        _text(pdf, x - 10, base - value * scale - LINE_H - 2, 60, f"{value}", align="C")
        _text(pdf, x - 10, base + 4, 60, name, align="C")
    items = [
        "Arrivals rose in every region except the north.",
        "The west had the most visitors for the fourth year.",
        "Figures for December are provisional.",
    ]
    for i, item in enumerate(items):
        y = 360 + i * (LINE_H + 4)
        _text(pdf, 70, y, 15, bullet.format(n=i + 1))
        _text(pdf, 90, y, 400, item)
    _text(pdf, 60, 800, 300, "Source: Regional Statistics Office")
    _text(pdf, 440, 800, 100, "Page 7", align="R")
    pdf.output(str(path))


def fake_bold_table(path: Path, offset: float = 0.35) -> list[list[str]]:
    """Failure mode 6: a whitespace table whose header row and first column are printed
    twice, ``offset`` points apart (overprinted fake bold)."""
    pdf = _page()
    rows = [
        ["Month", "Arrivals", "Nights"],
        ["January", "1,204", "3,310"],
        ["February", "1,388", "3,922"],
        ["March", "1,906", "5,004"],
    ]
    for r, row in enumerate(rows):
        y = 200 + r * (LINE_H + 2)
        for c, value in enumerate(row):
            x = 60 + c * 110
            passes = (0.0, offset) if r == 0 or c == 0 else (0.0,)
            for dx in passes:
                _text(pdf, x + dx, y, 100, value, align="L" if c == 0 else "R")
    pdf.output(str(path))
    return rows


def stacked_tables(path: Path, gap: float = LINE_H) -> list[list[list[str]]]:
    """Two unruled tables of the same columns one under the other on one page, each with
    its own two header rows (a label centred over the value columns, then the stub heading
    and the columns' values), ``gap`` points apart; the whole set apart from the text."""
    pdf = _page()
    x0, label_w, col_w, top = 60.0, 90.0, 50.0, 120.0
    tables = []
    for t, effects in enumerate((["1.0", "1.1", "1.2", "1.3"], ["1.7", "1.8", "1.9", "2.0"])):
        base = [200 + 40 * t, 150 + 30 * t, 90 + 20 * t, 60 + 10 * t, 40 + 5 * t]
        rows = [
            ["", "Design effect", "", "", ""],
            ["Proportion", *effects],
            *(
                [f"0.{95 - 5 * r:02d}", *(f"{b * (10 + c)}" for c in range(4))]
                for r, b in enumerate(base)
            ),
        ]
        tables.append(rows)
    xs = [x0, x0 + label_w, *(x0 + label_w + (c + 1) * col_w for c in range(4))]
    y = top
    for t, rows in enumerate(tables):
        if t:
            y += gap
        # The label centred over the headings of the four value columns (right-aligned).
        first = xs[2] - 4 - pdf.get_string_width(rows[1][1])
        _text(pdf, first, y, xs[-1] - 4 - first, rows[0][1], align="C")
        y += LINE_H
        for row in rows[1:]:
            _text(pdf, xs[0], y, label_w, row[0])
            for c, value in enumerate(row[1:]):
                _text(pdf, xs[c + 1], y, col_w - 4, value, align="R")
            y += LINE_H
    pdf.output(str(path))
    return tables


def table_with_notes(path: Path) -> list[list[str]]:
    """An unruled table of figures whose notes below it line up with its columns: a mark
    ("*", "**", "a", "b") in the first column and the note's words from the second, one a
    line ("b" with figures in its text), then a "Source:" line."""
    pdf = _page()
    x0, label_w, col_w, top = 60.0, 80.0, 50.0, 150.0
    rows = [
        ["Dose (ppm)", "No.", "Weight (g)", "Change (%)"],
        ["0", "39", "5.8", ""],
        ["250", "30", "5.9", "102"],
        ["500", "33", "6.0*", "103"],
        ["1,000", "31", "5.3**", "91"],
    ]
    notes = [
        ("*", "Significantly different from the control group"),
        ("**", "P<0.01"),
        ("a", "Weights are given as group means"),
        ("b", "Number of animals weighed on days 4, 7, 14, and 20"),
        ("Source:", "feed study, 2009."),
    ]
    xs = [x0, x0 + label_w, *(x0 + label_w + (c + 1) * col_w for c in range(3))]
    y = top
    for row in rows:
        _text(pdf, xs[0], y, label_w - 4, row[0])
        for c, value in enumerate(row[1:]):
            _text(pdf, xs[c + 1], y, col_w - 4, value, align="R")
        y += LINE_H
    y += LINE_H / 2
    for mark, text in notes:
        _text(pdf, xs[0], y, label_w, mark)
        _text(pdf, xs[1] + 10, y, 300, text)
        y += LINE_H
    pdf.output(str(path))
    return rows


def figures_between_label_lines(path: Path) -> list[list[str]]:
    """An unruled table whose long row labels wrap over two lines, their figures set
    half a line down, between the label's two lines (centred on it)."""
    pdf = _page()
    x0, label_w, col_w, top, line_h = 60.0, 150.0, 50.0, 150.0, 9.0
    labels = [
        ("Median household income", ""),
        ("Between-state income inequality (Gini", "index)"),
        ("Premature mortality (years of life", "lost before age 75)"),
        ("Household income inequality", ""),
    ]
    years = ["1997", "1998", "1999"]
    rows = [["Inequality measure", *years]]
    xs = [x0 + label_w + c * col_w for c in range(len(years) + 1)]
    _text(pdf, x0, top, label_w, rows[0][0], line_h=line_h)
    for c, year in enumerate(years):
        _text(pdf, xs[c], top, col_w - 4, year, align="R", line_h=line_h)
    y = top + 2 * line_h
    for r, (first, second) in enumerate(labels):
        values = [f"0.0{6 + r}{c}{r}" for c in range(len(years))]
        _text(pdf, x0, y, label_w, first, line_h=line_h)
        figures_y = y
        if second:
            _text(pdf, x0, y + line_h, label_w, second, line_h=line_h)
            figures_y = y + line_h / 2
        for c, value in enumerate(values):
            _text(pdf, xs[c], figures_y, col_w - 4, value, align="R", line_h=line_h)
        rows.append([f"{first} {second}".strip(), *values])
        y += (2 if second else 1) * line_h + 4
    pdf.output(str(path))
    return rows


def section_ruled_records(path: Path) -> list[list[str]]:
    """A ruled table ruled between sections only: in each section a heading alone in the
    first column, then records set apart by a blank line, each a paragraph (wrapped) in
    every column; the first column shaded behind each record, which cuts the grid into
    rows that the other columns' cells span."""
    pdf = _page()
    x0, top, row_h = 60.0, 120.0, 10.0
    widths = [80.0, 150.0, 150.0]
    xs = [x0, x0 + widths[0], x0 + widths[0] + widths[1], x0 + sum(widths)]
    sections = [
        (
            "Stationary:",
            [
                (
                    "Major",
                    ["Emissions of 10 tons per year", "or more of one air toxic"],
                    ["Utilities,", "refineries"],
                ),
                (
                    "Area",
                    ["Emissions of less than 10 tons", "per year of one air toxic"],
                    ["Dry cleaners, gas", "stations"],
                ),
            ],
        ),
        (
            "Mobile:",
            [
                (
                    "On-road",
                    ["Emissions from vehicles on", "public roadways"],
                    ["Cars, buses,", "trucks"],
                ),
                (
                    "Non-road",
                    ["Emissions from engines off", "public roads"],
                    ["Construction", "equipment"],
                ),
            ],
        ),
    ]
    expected = [["Source", "Definition", "Examples"]]
    for c, name in enumerate(expected[0]):
        _text(pdf, xs[c] + 2, top + 2, widths[c] - 4, name)
    y = top + row_h + 4
    rules = [top, y]
    pdf.set_fill_color(220, 240, 220)
    for heading, records in sections:
        _text(pdf, xs[0] + 2, y + 2, widths[0] - 4, heading)
        expected.append([heading, "", ""])
        y += row_h + 6
        for label, definition, examples in records:
            height = row_h * len(definition) + 2
            pdf.rect(xs[0] + 1, y, widths[0] - 2, height, style="F")
            _text(pdf, xs[0] + 2, y + 1, widths[0] - 6, label, align="R")
            for c, lines in ((1, definition), (2, examples)):
                for k, line in enumerate(lines):
                    _text(pdf, xs[c] + 2, y + 1 + k * row_h, widths[c] - 4, line)
            expected.append([label, " ".join(definition), " ".join(examples)])
            y += height + 8
        rules.append(y)
    for ry in rules:
        pdf.line(x0, ry, xs[-1], ry)
    for x in xs:
        pdf.line(x, top, x, y)
    pdf.output(str(path))
    return expected


def sliver_row_grid(path: Path, sliver: float = 4.0) -> list[list[str]]:
    """A dashboard's ruled table drawn cell by cell: the value column's top cell is cut by
    a rule ``sliver`` pt below the table's top line, which the label column does not have.
    Returns the cells as printed (no header)."""
    pdf = _page()
    x0, label_w, value_w, row_h, top = 60.0, 120.0, 40.0, 16.0, 120.0
    rows = [
        ["Reported", "61"],
        ["Lab Positive", "1"],
        ["Lab Negative", "11"],
        ["Lab Pending", "39"],
    ]
    for r, (label, value) in enumerate(rows):
        y = top + r * row_h
        pdf.rect(x0, y, label_w, row_h)
        if r == 0:
            pdf.rect(x0 + label_w, y, value_w, sliver)
            pdf.rect(x0 + label_w, y + sliver, value_w, row_h - sliver)
        else:
            pdf.rect(x0 + label_w, y, value_w, row_h)
        _text(pdf, x0 + 2, y + 4, label_w - 4, label, line_h=LINE_H)
        _text(pdf, x0 + label_w, y + 4, value_w - 4, value, align="R", line_h=LINE_H)
    pdf.output(str(path))
    return rows
