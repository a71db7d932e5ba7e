"""ICE ERO Weekly Declined Detainer Outcome Report (DDOR), all four sections.

The report (2017) is a landscape PDF with a running header, a "Page N of M" footer
and four sections, each starting with a title line:

I.   Highest volume of detainers issued to non-cooperative jurisdictions: a sentence
     "ICE issued 3,083 detainers ..." and a ruled table Jurisdiction / State / Detainers
     Issued.
II.  Every declined detainer: a ruled table of seven columns over many pages, header
     repeated (or not) on each page.
III. Jurisdictions with policies that limit (later reports: restrict) cooperation: a ruled
     table whose Policy cells wrap over several lines.
IV.  Report scope and data fidelity: prose, kept as a document fact.

Tables are found with pdfplumber's ruled-line strategy and classified by their header
row, falling back to the section whose title was last seen when a page carries no
header. Checks compare the parse with what the document says about itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber

from parsers.base import Box, Check, Column, ParseResult, Row, TableSpec, bbox_text, union_box
from parsers.checks import page_footer_check
from parsers.cleaning import clean_text, join_wrapped, parse_date, parse_int
from parsers.ice_ddor.publish import DECLINED_CHARTS, DECLINED_QUERIES, TOP_QUERIES
from parsers.reading.cells import extract_cells
from parsers.reading.chars import chars_within, light_chars, text_line_dicts
from parsers.reading.furniture import first_page_text, open_pdf, running_lines
from parsers.reading.grid import find_tables
from parsers.reading.words import word_texts

#: The DDOR tables are fully ruled (every cell is a stroked rectangle).
DDOR_RULED_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "intersection_tolerance": 3,
}

#: The dates in section II, as printed (M/D/YYYY, sometimes two-digit years).
DDOR_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y")

TOP = "ddor_top_jurisdictions"
DECLINED = "ddor_declined_detainers"
POLICIES = "ddor_policies"

_SECTION_TITLE = re.compile(r"^Section (IV|III|II|I)\s*:", re.IGNORECASE)
_TOTAL_SENTENCE = re.compile(r"ICE\s+issued\s+([\d,]+)\s+detainers", re.IGNORECASE)
_CORRECTED = re.compile(r"\b(corrected|revised|correction)\b", re.IGNORECASE)
_PERIOD = re.compile(
    r"For\s+Recorded\s+Declined\s+Detainers:?\s+(?P<start>.+?)\s*[–—-]\s*(?P<end>.+?\d{4})",
    re.IGNORECASE,
)
_PERIOD_BETWEEN = re.compile(
    r"between\s+(?P<start>[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}),?\s+and\s+"
    r"(?P<end>[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})"
)
_STATE_CODE = re.compile(r"^[A-Z]{2}$")

#: Per section: a keyword each header cell must contain, in order (the layout fingerprint).
HEADER_KEYWORDS: dict[str, tuple[str, ...]] = {
    "I": ("jurisdiction", "state", "detainers"),
    "II": ("state", "county", "facility", "citizenship", "issued", "declined", "notable"),
    "III": ("jurisdiction", "state", "policy"),
}
SECTION_TABLE = {"I": TOP, "II": DECLINED, "III": POLICIES}
#: Cells that must be filled for a row to be a row of its own; a row with none of them
#: filled is the continuation of the previous row cut by a page break.
KEY_CELLS = {"I": (0,), "II": (0, 1), "III": (0, 1)}


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        name=TOP,
        description=(
            "DDOR section I: the non-cooperative jurisdictions that received the most ICE "
            "detainers during the report week, as ranked by ICE."
        ),
        columns=(
            Column("rank", "integer", "Position in ICE's top-ten list for the week (1 = most)."),
            Column("jurisdiction", "text", "County or other jurisdiction, as ICE names it."),
            Column("state", "text", "Two-letter state code."),
            Column(
                "detainers_issued",
                "integer",
                "Detainers ICE issued to the jurisdiction during the week (issued, not declined).",
            ),
        ),
        facets=("state",),
        sort="rank",
        queries=TOP_QUERIES,
    ),
    TableSpec(
        name=DECLINED,
        description=(
            "DDOR section II: one row per detainer ICE recorded as declined during the report "
            "week, i.e. a person released by a local jurisdiction despite an ICE detainer."
        ),
        columns=(
            Column("state", "text", "Two-letter state code of the releasing jurisdiction."),
            Column(
                "county",
                "text",
                "County or jurisdiction that held the person (column 'County/Jurisdiction').",
            ),
            Column("facility", "text", "Jail or detention facility the person was released from."),
            Column("citizenship", "text", "Country of citizenship ICE recorded for the person."),
            Column(
                "detainer_issued_date",
                "date",
                "Date ICE lodged the detainer with the jurisdiction; can be months or years "
                "before the report week.",
            ),
            Column(
                "declined_date",
                "date",
                "Date ICE recorded the detainer as declined (not necessarily the release date).",
            ),
            Column(
                "notable_criminal_activity",
                "text",
                "ICE's general offense category for the person (NCIC-based; may be a pending "
                "charge, not a conviction). Empty when ICE listed none.",
            ),
        ),
        facets=("state", "county", "citizenship", "notable_criminal_activity"),
        fts=("notable_criminal_activity", "facility"),
        sort_desc="declined_date",
        queries=DECLINED_QUERIES,
        charts=DECLINED_CHARTS,
    ),
    TableSpec(
        name=POLICIES,
        description=(
            "DDOR section III: jurisdictions ICE lists as having policies that limit or "
            "restrict cooperation with detainers, with ICE's summary of each policy."
        ),
        columns=(
            Column("jurisdiction", "text", "County, city or state agency, as ICE names it."),
            Column("state", "text", "Two-letter state code."),
            Column(
                "policy",
                "text",
                "ICE's description of the policy (ICE's wording, not the policy's own text).",
            ),
        ),
        facets=("state",),
        fts=("policy",),
    ),
)


@dataclass
class _SectionRows:
    """Raw cells of one section's logical table, with the page each row starts on and its
    box there."""

    rows: list[tuple[int, int, list[str | None], Box]] = field(default_factory=list)
    #: page -> (rows parsed on the page, state codes printed in the first column)
    per_page: dict[int, list[int]] = field(default_factory=dict)


def _normalise_header(cells: list[str | None]) -> list[str]:
    return [(clean_text(c) or "").lower() for c in cells]


def _header_section(cells: list[str | None]) -> str | None:
    header = _normalise_header(cells)
    for section, keywords in HEADER_KEYWORDS.items():
        if len(header) == len(keywords) and all(
            k in h for k, h in zip(keywords, header, strict=False)
        ):
            return section
    return None


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def _month_day_year(text: str) -> tuple[int | None, int, int | None]:
    """'Jan. 28' -> (1, 28, None); 'February 3, 2017' -> (2, 3, 2017);
    '3, 2017' -> (None, 3, 2017)."""
    match = re.match(r"^\s*(?:([A-Za-z]+)\.?\s+)?(\d{1,2})(?:,?\s+(\d{4}))?\s*$", text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    month_name, day, year = match.groups()
    month = _MONTHS.get(month_name[:3].lower()) if month_name else None
    if month_name and month is None:
        raise ValueError(f"unknown month {month_name!r} in {text!r}")
    return month, int(day), int(year) if year else None


def parse_period(text: str) -> tuple[str, str] | None:
    """The report week from 'For Recorded Declined Detainers Jan. 28 – Feb. 3, 2017'
    (or from 'between January 28, 2017, and February 3, 2017')."""
    match = _PERIOD.search(text)
    if match:
        m1, d1, y1 = _month_day_year(match["start"])
        m2, d2, y2 = _month_day_year(match["end"])
        if y2 is None:
            return None
        m2 = m2 or m1
        m1 = m1 or m2
        if m1 is None or m2 is None:
            return None
        end = date(y2, m2, d2)
        start = date(y1 or y2, m1, d1)
        if start > end and y1 is None:  # "Dec. 30 – Jan. 5, 2017" spans a new year
            start = date(y2 - 1, m1, d1)
        return start.isoformat(), end.isoformat()
    match = _PERIOD_BETWEEN.search(text)
    if match:
        return parse_date(match["start"]) or "", parse_date(match["end"]) or ""
    return None


class DdorParser:
    name = "ice-ddor"
    version = "1.0"
    description = "ICE ERO Weekly Declined Detainer Outcome Report (2017), all four sections."
    tables = TABLES

    def detect(self, path: Path) -> bool:
        return "Declined Detainer Outcome Report" in (first_page_text(path) or "")

    def parse(self, path: Path) -> ParseResult:
        with open_pdf(path) as pdf:
            return _parse_pdf(path, pdf)


def _parse_pdf(path: Path, pdf: pdfplumber.PDF) -> ParseResult:
    result = ParseResult()
    pages = len(pdf.pages)
    page_lines = [text_line_dicts(page) for page in pdf.pages]
    repeated = running_lines(page_lines)
    sections: dict[str, _SectionRows] = {s: _SectionRows() for s in SECTION_TABLE}
    problems: list[str] = []
    current: str | None = None
    section_iv_lines: list[dict[str, Any]] = []
    section_pages: dict[str, list[int]] = {}

    for number, (page, lines) in enumerate(zip(pdf.pages, page_lines, strict=False), start=1):
        tables = find_tables(page, DDOR_RULED_TABLE_SETTINGS)
        events: list[tuple[float, str, Any]] = []
        for line in lines:
            title = _SECTION_TITLE.match(line["text"])
            if title:
                events.append((line["top"], "title", title.group(1).upper()))
            elif _is_body_line(line, repeated):
                events.append((line["top"], "line", line))
        for index, table in enumerate(tables):
            events.append((table.bbox[1], "table", (index, table)))
        events.sort(key=lambda e: (e[0], e[1] != "title"))
        for _top, kind, payload in events:
            if kind == "title":
                current = payload
                section_pages.setdefault(current, []).append(number)
            elif kind == "line":
                if current == "IV" and not _inside_any(payload, tables):
                    section_iv_lines.append(payload)
            else:
                index, table = payload
                current = _take_table(number, index, table, page, current, sections, problems)

    _emit_rows(result, sections)
    text_all = "\n".join(line["text"] for lines in page_lines for line in lines)
    _document_facts(result, page_lines, repeated, text_all, section_iv_lines, pages)
    _checks(result, sections, page_lines, pages)
    if not result.rows_for(DECLINED) and not result.rows_for(POLICIES):
        problems.append("no section II or section III table found (expected ruled tables)")
    if problems:
        result.quarantine = f"{path.name}: layout does not match the DDOR: " + "; ".join(problems)
    return result


def _is_body_line(line: dict[str, Any], repeated: set[str]) -> bool:
    """A body line: not a running header/footer line."""
    text = line["text"].strip()
    return bool(text) and text not in repeated and not re.match(r"^Page \d+ of \d+$", text)


def _inside_any(line: dict[str, Any], tables: list[Any]) -> bool:
    return any(t.bbox[1] - 1 <= line["top"] <= t.bbox[3] + 1 for t in tables)


def _take_table(
    number: int,
    index: int,
    table: Any,
    page: Any,
    current: str | None,
    sections: dict[str, _SectionRows],
    problems: list[str],
) -> str | None:
    """Assign one ruled table's rows to a section; returns the section now current."""
    cells = extract_cells(table)
    if not cells:
        return current
    section = _header_section(cells[0])
    body = cells[1:] if section else cells
    if section is None:
        # No header on this page: a continuation of the section being read, if it fits.
        expected = HEADER_KEYWORDS.get(current or "")
        if expected is None or len(cells[0]) != len(expected):
            problems.append(
                f"page {number}: table {index} has {len(cells[0])} columns and header "
                f"{[clean_text(c) for c in cells[0]]}; expected one of "
                + ", ".join(f"section {s} {list(k)}" for s, k in HEADER_KEYWORDS.items())
            )
            return current
        section = current or ""
    store = sections[section]
    keys = KEY_CELLS[section]
    parsed = 0
    # table.extract() gives one list of cells per table.rows entry, in the same order.
    boxes = [row.bbox for row in table.rows]
    for raw, box in zip(body, boxes[len(boxes) - len(body) :], strict=True):
        cleaned = [clean_text(c) for c in raw]
        if all(c is None for c in cleaned):
            continue
        if store.rows and all(cleaned[k] is None for k in keys):
            # A row cut by the page break (or a wrapped line drawn as its own ruled row).
            # Its box stays on the page it starts on, grown by a wrapped line on that page.
            prev_page, prev_index, prev, prev_box = store.rows[-1]
            if prev_page == number:
                prev_box = union_box([prev_box, box]) or prev_box
            store.rows[-1] = (
                prev_page,
                prev_index,
                [join_wrapped([a, b]) for a, b in zip(prev, cleaned, strict=False)],
                prev_box,
            )
            continue
        store.rows.append((number, index, cleaned, box))
        parsed += 1
    if section == "II":
        store.per_page[number] = [parsed, _state_codes_in_first_column(page, table)]
    else:
        store.per_page[number] = [parsed, parsed]
    return section


def _state_codes_in_first_column(page: Any, table: Any) -> int:
    """Two-letter codes printed in the table's first column: one per section II row."""
    first = table.rows[0].cells[0] if table.rows and table.rows[0].cells else None
    if first is None:
        return 0
    x0, x1 = first[0], first[2]
    top, bottom = table.bbox[1], table.bbox[3]
    # The words of ``page.within_bbox(...)``, their texts only.
    texts = word_texts(chars_within(light_chars(page), (x0, top, x1, bottom)))
    return sum(1 for text in texts if _STATE_CODE.match(text))


def _emit_rows(result: ParseResult, sections: dict[str, _SectionRows]) -> None:
    bad_cells: list[str] = []
    for rank, (page, tindex, cells, box) in enumerate(sections["I"].rows, start=1):
        try:
            issued = parse_int(cells[2])
        except ValueError as exc:
            bad_cells.append(f"section I page {page}: {exc}")
            issued = None
        top = {"rank": rank, "jurisdiction": cells[0], "state": cells[1]}
        top["detainers_issued"] = issued
        result.rows.append(Row(TOP, page, tindex, rank - 1, top, bbox_text(box)))
    for i, (page, tindex, cells, box) in enumerate(sections["II"].rows):
        values: dict[str, Any] = {
            "state": cells[0],
            "county": cells[1],
            "facility": cells[2],
            "citizenship": cells[3],
            "notable_criminal_activity": cells[6],
        }
        for name, raw in (("detainer_issued_date", cells[4]), ("declined_date", cells[5])):
            try:
                values[name] = parse_date(raw, DDOR_DATE_FORMATS)
            except ValueError as exc:
                bad_cells.append(f"section II page {page} {name}: {exc}")
                values[name] = raw
        ordered = {c.name: values[c.name] for c in TABLES[1].columns}
        result.rows.append(Row(DECLINED, page, tindex, i, ordered, bbox_text(box)))
    for i, (page, tindex, cells, box) in enumerate(sections["III"].rows):
        values = {"jurisdiction": cells[0], "state": cells[1], "policy": cells[2]}
        result.rows.append(Row(POLICIES, page, tindex, i, values, bbox_text(box)))
    result.checks.append(
        Check(
            "cells_typed",
            not bad_cells,
            expected="every number and date cell readable",
            found=bad_cells[:5] or "all readable",
            message=f"{len(bad_cells)} unreadable cells" if bad_cells else "",
        )
    )


def _document_facts(
    result: ParseResult,
    page_lines: list[list[dict[str, Any]]],
    repeated: set[str],
    text_all: str,
    section_iv_lines: list[dict[str, Any]],
    pages: int,
) -> None:
    doc = result.document
    doc["pages"] = pages
    heading = [line["text"] for line in (page_lines[0] if page_lines else [])]
    # The title block: everything on page 1 above the "Summary" heading.
    if "Summary" in heading:
        heading = heading[: heading.index("Summary")]
    else:
        heading = heading[:6]
    doc["corrected"] = bool(_CORRECTED.search(" ".join(heading + sorted(repeated))))
    period = parse_period(" ".join(heading)) or parse_period(text_all)
    doc["report_period_start"], doc["report_period_end"] = period if period else (None, None)
    total = _TOTAL_SENTENCE.search(text_all.replace("\n", " "))
    doc["total_detainers_issued"] = parse_int(total.group(1)) if total else None
    doc["section_iv_text"] = _paragraphs(section_iv_lines)


def _paragraphs(lines: list[dict[str, Any]]) -> str | None:
    """Join prose lines into paragraphs: a gap taller than the usual line step starts one."""
    if not lines:
        return None
    steps = [
        b["top"] - a["top"] for a, b in zip(lines, lines[1:], strict=False) if b["top"] > a["top"]
    ]
    usual = Counter(round(s) for s in steps).most_common(1)[0][0] if steps else 0
    paragraphs: list[list[str]] = [[lines[0]["text"]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        step = line["top"] - prev["top"]
        if step > usual * 1.4 or step < 0:  # a blank line, or a new page
            paragraphs.append([])
        paragraphs[-1].append(line["text"])
    return "\n\n".join(join_wrapped(p) or "" for p in paragraphs)


def _checks(
    result: ParseResult,
    sections: dict[str, _SectionRows],
    page_lines: list[list[dict[str, Any]]],
    pages: int,
) -> None:
    doc = result.document
    total = doc.get("total_detainers_issued")
    result.checks.append(
        Check(
            "section_i_total_stated",
            total is not None,
            expected="a sentence 'ICE issued N detainers' in section I",
            found=total,
        )
    )
    top_sum = sum(r.values["detainers_issued"] or 0 for r in result.rows_for(TOP))
    if total is not None and result.rows_for(TOP):
        result.checks.append(
            Check(
                "section_i_top_within_total",
                top_sum <= total,
                expected=f"top jurisdictions sum to at most {total}",
                found=top_sum,
            )
        )
    result.checks.append(page_footer_check(page_lines, pages))
    mismatched = {
        page: counts for page, counts in sections["II"].per_page.items() if counts[0] != counts[1]
    }
    empty = [page for page, counts in sections["II"].per_page.items() if counts[0] == 0]
    result.checks.append(
        Check(
            "section_ii_rows_per_page",
            not mismatched and not empty and bool(sections["II"].per_page),
            expected="on every section II page, one parsed row per state code printed",
            found=_rows_per_page_found(sections["II"].per_page, mismatched, empty),
        )
    )


def _rows_per_page_found(
    per_page: dict[int, list[int]], mismatched: dict[int, list[int]], empty: list[int]
) -> Any:
    if not per_page:
        return "no section II pages"
    if mismatched:
        return {p: f"{c[0]} rows, {c[1]} state codes" for p, c in mismatched.items()}
    if empty:
        return f"pages with no rows: {empty}"
    return f"{sum(c[0] for c in per_page.values())} rows on {len(per_page)} pages, all matching"


PARSER = DdorParser()
