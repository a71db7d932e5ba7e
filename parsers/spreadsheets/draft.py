"""`records template draft FILE.xlsx|.xls|.csv`: a spreadsheet template drafted from a file.

One ``[[tables]]`` per table shape found (tables with the same columns on several sheets,
or stacked on one, share one), its columns named from the printed header and typed from
the values, ``[detect]`` from the sheet names and the title block. Save the output as
``NAME.sheet.toml`` in a template folder and check the guesses its comments point out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from parsers.spreadsheets.layout import find_tables
from parsers.spreadsheets.parser import read_sheets
from parsers.spreadsheets.tables import sheet_tables
from parsers.spreadsheets.workbooks import Sheet
from parsers.templates.draft import line_anchor
from parsers.typed import UNTYPED_CELLS, table_slug

#: Names a spreadsheet program gives a workbook's first sheet (English, French, Spanish,
#: German, Portuguese): they say nothing of the report, so they are no ``[detect]`` anchor.
DEFAULT_SHEET_NAMES = re.compile(r"(?i)(sheet|feuil|hoja|tabelle|planilha|plan)\s*\d*")


def draft_sheet_template(path: Path, name: str | None = None) -> str:
    """The TOML text of a spreadsheet template for ``path``'s tables."""
    sheets = read_sheets(path)
    name = name or re.sub(r"[^a-z0-9]+", "-", path.stem.casefold()).strip("-") or "workbook"
    shapes: dict[tuple[str, ...], tuple[list[tuple[str, str]], list[str], str, int]] = {}
    first_lines: list[str] = []
    for number, sheet in enumerate(sheets, start=1):
        layout = find_tables(sheet)
        first_lines.extend(layout.preamble[:1])
        typed, _ = sheet_tables(number, sheet)
        for table in typed:
            columns: list[tuple[str, str]] = [
                (c.name, c.type) for c in table.columns if c.name != UNTYPED_CELLS
            ]
            key = tuple(n for n, _ in columns)
            if key in shapes:
                shapes[key][1].append(sheet.name)
                continue
            shapes[key] = (columns, [sheet.name], table.title or sheet.name, len(table.rows))
    lines = [
        f"# Drafted by `records template draft {path.name}`: check every guess, then save as",
        f"# {name}.sheet.toml in a template folder.",
        f"name = {_q(name)}",
        'version = "1.0"',
        f"description = {_q(f'Tables of {path.name} (drafted; say what the report is).')}",
        "",
        "[detect]",
    ]
    # Text the file prints near the top: its title block (its dates and figures written as
    # patterns, so that the next edition's title matches), else its first column names (a
    # CSV's only "sheet" is called csv: the name alone would claim every CSV).
    cells = [line_anchor(line).pattern for line in first_lines[:1]]
    if not cells and shapes:
        first_shape = next(iter(shapes))
        cells = [_escape(n) for n in first_shape if not n.startswith("column_")][:3]
    first_sheet = _q("^" + _escape(sheets[0].name) + "$") if sheets else None
    if first_sheet and first_lines:
        # A report's sheets are often named for what this edition holds (Louisiana's races:
        # the next election's workbook has other sheets); its title block recognises it.
        lines.append(
            f"# sheets = [{first_sheet}]  # the first sheet's name, if every edition has it"
        )
    elif first_sheet and not (cells and DEFAULT_SHEET_NAMES.fullmatch(sheets[0].name)):
        lines.append(f"sheets = [{first_sheet}]  # the first sheet's name; loosen it if it changes")
    if cells:
        patterns = ", ".join(_q(f"^{c}$") for c in cells)
        lines.append(f"cells = [{patterns}]  # text printed in the first rows")
    taken: set[str] = set()
    patterns_of = _sheet_patterns([names for _, names, _, _ in shapes.values()], sheets)
    for (shape, _, title, rows), sheet_patterns in zip(shapes.values(), patterns_of, strict=True):
        table_name = table_slug(title, fallback="table")
        while table_name in taken:
            table_name += "_2"
        taken.add(table_name)
        lines += [
            "",
            "[[tables]]",
            f"name = {_q(table_name)}",
            f"description = {_q(f'{title} ({rows} rows in this file).')}",
            f"sheets = [{', '.join(_q(f'^{p}$') for p in sheet_patterns)}]",
            'extra_columns = "error"  # a new column in a later edition stops the parse',
            "check_totals = true",
        ]
        seen: set[str] = set()
        for printed, kind in shape:
            column = table_slug(printed, fallback="column")
            while column in seen:
                column += "_2"
            seen.add(column)
            lines += [
                "",
                "[[tables.columns]]",
                f"name = {_q(column)}",
                f"header = {_q('^' + _escape(printed) + '$')}",
                f'type = "{kind}"',
            ]
            if printed.startswith("column_"):
                lines.append("# no header printed over this column: name it")
    return "\n".join(lines) + "\n"


def _sheet_patterns(groups: list[list[str]], sheets: list[Sheet]) -> list[list[str]]:
    """Each table's sheet-name patterns: its sheets' names with their years and figures
    written as patterns ("FY2019 Facilities" -> ``FY\\s*\\d+\\s*Facilities``, so that next
    year's workbook is read) when they still pick exactly that table's sheets of this
    workbook; else the names as printed ("Table 1" and "Table 2" of two shapes)."""
    names = [sheet.name for sheet in sheets]
    out = []
    for group in groups:
        loose = list(dict.fromkeys(line_anchor(name).pattern for name in group))
        compiled = [re.compile(f"^{pattern}$") for pattern in loose]
        picked = {name for name in names if any(c.search(name) for c in compiled)}
        exact = [_escape(name) for name in dict.fromkeys(group)]
        out.append(loose if picked == set(group) else exact)
    return out


def _escape(text: str) -> str:
    """``re.escape`` without the escapes a reader does not need (spaces, hyphens)."""
    return re.escape(text).replace("\\ ", " ").replace("\\-", "-").replace("\\#", "#")


def _q(text: str) -> str:
    """A TOML string: a literal one when it holds no quote (patterns stay readable)."""
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)
