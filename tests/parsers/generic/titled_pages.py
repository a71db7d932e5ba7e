"""Ruled tables whose title is printed inside their frame, on a row spanning every column
above the header, drawn with fpdf2 the way a word processor draws them: the title bar
shaded, and each title line shaded again in the same grey, a few points in from the bar's
sides (the CDPH Zika tables' shape)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

TITLE = ("Reported Cases of Measles in Examplia", "(as of March 4, 2024)")
FONT_SIZE = 9.0
ROW_H = 14.0
#: How far in from the title bar's sides each title line's own shading starts.
LINE_SHADING_INSET = 5.0
GREY = 217


def titled_frame_table(path: Path, header_levels: int, shaded: bool = True) -> list[list[str]]:
    """A ruled table with the title rows on top, then one header row ("Year", "Cases") or
    two (a "Region" stub beside "Cases" over "Travel" and "Local"), then the body. Returns
    the body rows as printed."""
    if header_levels == 1:
        widths = [70.0, 110.0]
        header = [["Year", "Cases"]]
        body = [["2019", "14"], ["2020", "3"], ["2021", "0"], ["2022", "27"], ["2023", "1,204"]]
    else:
        widths = [110.0, 70.0, 70.0]
        header = [["Region", "Cases", ""], ["", "Travel", "Local"]]
        body = [["North", "12", "0"], ["South", "7", "2"], ["East", "1,031", "45"]]
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=FONT_SIZE)
    pdf.set_line_width(0.5)
    x0, top = 120.0, 150.0
    x1 = x0 + sum(widths)
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    title_bottom = top + ROW_H * len(TITLE)
    if shaded:
        pdf.set_fill_color(GREY)
        pdf.rect(x0, top, x1 - x0, title_bottom - top, style="F")
        for i, line in enumerate(TITLE):
            y = top + i * ROW_H
            pdf.rect(
                x0 + LINE_SHADING_INSET,
                y + 1,
                x1 - x0 - 2 * LINE_SHADING_INSET,
                ROW_H - 2,
                style="F",
            )
            # The words' own highlight, as wide as the text.
            w = pdf.get_string_width(line)
            pdf.rect((x0 + x1 - w) / 2, y + 2, w, ROW_H - 4, style="F")
    for i, line in enumerate(TITLE):
        pdf.set_xy(x0, top + i * ROW_H + 2)
        pdf.cell(x1 - x0, ROW_H - 4, line, align="C")
    y = title_bottom
    for row in [*header, *body]:
        for c, text in enumerate(row):
            pdf.set_xy(xs[c] + 3, y + 2)
            pdf.cell(widths[c] - 6, ROW_H - 4, text, align="L" if c == 0 else "R")
        y += ROW_H
    bottom = y
    # Frame and rules: the title rows have no column rules; a two-level header's "Region"
    # cell spans both header rows and its "Cases" cell both value columns.
    pdf.rect(x0, top, x1 - x0, bottom - top)
    pdf.line(x0, title_bottom, x1, title_bottom)
    for r in range(1, len(header) + len(body)):
        y = title_bottom + r * ROW_H
        left = xs[1] if r < len(header) else x0
        pdf.line(left, y, x1, y)
    for c in range(1, len(widths)):
        from_y = title_bottom + ROW_H if header_levels == 2 and c == 2 else title_bottom
        pdf.line(xs[c], from_y, xs[c], bottom)
    pdf.output(str(path))
    return body


def titled_whitespace_table(path: Path, framed: bool) -> list[list[str]]:
    """An unruled table (in a plain frame or none) under a centred two-line title, its
    header two levels: "Cases" centred over the two value columns, whose headings are set
    flush right like their figures. Returns the body rows as printed."""
    widths = [90.0, 70.0, 70.0]
    header = [["Region", "Cases", ""], ["", "Travel", "Local"]]
    body = [["North", "12", "0"], ["South", "7", "2"], ["East", "1,031", "45"], ["West", "9", "14"]]
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=FONT_SIZE)
    x0, top = 120.0, 150.0
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    y = top + 4
    for line in TITLE:
        pdf.set_xy(x0, y)
        pdf.cell(xs[-1] - x0, 10, line, align="C")
        y += 12
    y += 6
    for r, row in enumerate([*header, *body]):
        for c, text in enumerate(row):
            if r == 0 and c == 1:  # the group label, centred over both value columns
                pdf.set_xy(xs[1], y)
                pdf.cell(xs[-1] - xs[1], 10, text, align="C")
            elif text:
                pdf.set_xy(xs[c] + 3, y)
                pdf.cell(widths[c] - 6, 10, text, align="L" if c == 0 else "R")
        y += 12
    if framed:
        pdf.set_line_width(0.5)
        pdf.rect(x0, top, xs[-1] - x0, y + 4 - top)
    pdf.output(str(path))
    return body
