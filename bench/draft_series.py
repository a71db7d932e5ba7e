"""The draft loaded as-is on the real series: rows it returns vs the rows printed.

For each PDF edition of ``shared/fixtures/series``: ``draft_template`` writes a template,
the template is loaded unchanged and run on the same file, and the rows of each expected
table are compared with the count checked by hand (``expected/*.json``). Also shown: the
warnings page accounting raised and the quarantine reason, so a shortfall that is not named
stands out ("SILENT": fewer rows on the table's pages than printed, and no warning).
Run: ``.venv/bin/python bench/draft_series.py [slug ...]``.

``--across``: a data editor's next week instead. The template drafted from each edition (a
PDF's or a workbook's) is
loaded unchanged on every other edition of its series: recognised or not (``[detect]``),
then read (every printed row, nothing quarantined) or quarantined, with the reason (a
changed layout, a failed check) and the rows read against the rows printed.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from parsers.base import ParseResult  # noqa: E402
from parsers.templates.draft import draft_template  # noqa: E402
from parsers.templates.engine import TemplateParser  # noqa: E402
from parsers.templates.spec import parse_template  # noqa: E402
from tests.shared import series_editions  # noqa: E402


def _drafted_rows(result: ParseResult, table: dict) -> int:
    """Rows of the drafted table holding the expected first row on the expected pages (0
    when no drafted table holds it)."""
    first, last = table["page_first"], table["page_last"]
    by_table: dict[str, list] = {}
    for row in result.rows:
        if first <= row.page <= last:
            by_table.setdefault(row.table, []).append(row)
    want = [w for cell in table["first_rows"][0] for w in cell.split()][:2]
    for rows in by_table.values():
        for row in rows[:3]:
            got = " ".join(str(v) for v in row.values.values() if v is not None).split()
            got += [w.strip("*") for w in got]
            if want and all(w in got for w in want):
                return len(rows)
    return 0


def main(slugs: list[str]) -> None:
    print(
        "| edition | expected rows | draft rows (matching table) | share | rows of all"
        " drafted tables on those pages | warned | quarantined |"
    )
    print("|---|---|---|---|---|---|---|")
    for slug, pdf, truth in series_editions(slugs or None, kind="pdf"):
        try:
            text = draft_template(pdf)
            template = parse_template(Path(f"{slug}.toml"), tomllib.loads(text))
            result = TemplateParser(template).parse(pdf)
        except Exception as exc:  # a bench: report and go on
            print(f"| {pdf.name} | - | error: {type(exc).__name__}: {str(exc)[:120]} | | | | |")
            continue
        expected = sum(t["row_count"] for t in truth["tables"])
        got = sum(_drafted_rows(result, t) for t in truth["tables"])
        pages = {p for t in truth["tables"] for p in range(t["page_first"], t["page_last"] + 1)}
        every = sum(1 for r in result.rows if r.page in pages)
        warned = "; ".join(w.message[:90] for w in result.warnings) or "-"
        reason = (result.quarantine_reason() or "-")[:90]
        silent = every < expected and warned == "-" and reason == "-"
        share = f"{100 * got / expected:.0f}%" if expected else "-"
        print(
            f"| {pdf.name} | {expected} | {got} | {share}{' SILENT' if silent else ''} |"
            f" {every} | {warned} | {reason} |"
        )
        sys.stdout.flush()


def _drafted(slug: str, path: Path) -> Any:
    """The parser of the template drafted from ``path`` (a PDF or a workbook)."""
    if path.suffix.lower() == ".pdf":
        text = draft_template(path)
        return TemplateParser(parse_template(Path(f"{slug}.toml"), tomllib.loads(text)))
    from parsers.spreadsheets.draft import draft_sheet_template
    from parsers.spreadsheets.template import SheetTemplateParser, read_sheet_template

    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / f"{slug}.sheet.toml"
        saved.write_text(draft_sheet_template(path), encoding="utf-8")
        return SheetTemplateParser(read_sheet_template(saved))


def across(slugs: list[str]) -> None:
    print("| series | drafted from | loaded on | outcome | rows read / printed | why |")
    print("|---|---|---|---|---|---|")
    outcomes: Counter[str] = Counter()
    by_series: dict[str, list[tuple[Path, dict]]] = {}
    for slug, pdf, truth in series_editions(slugs or None):
        by_series.setdefault(slug, []).append((pdf, truth))
    for slug, editions in by_series.items():
        templates: dict[Path, Any] = {}
        for pdf, _ in editions:
            try:
                templates[pdf] = _drafted(slug, pdf)
            except Exception as exc:  # a bench: report and go on
                templates[pdf] = None
                print(f"| {slug} | {pdf.name} | - | no draft | - | {type(exc).__name__} |")
        for (first, _), (other, truth) in itertools.permutations(editions, 2):
            template = templates[first]
            if template is None:
                continue
            printed = sum(t["row_count"] for t in truth["tables"])
            if not template.detect(other):
                outcome, rows, why = "not recognised", 0, "its [detect] does not match"
            else:
                result = template.parse(other)
                rows = len(result.rows)
                reason = result.quarantine_reason()
                outcome = "quarantined" if reason else "read"
                why = (reason or "; ".join(w.kind for w in result.warnings) or "-")[:110]
                why = why.replace(str(other), other.name).replace("|", "/")
            outcomes[outcome] += 1
            print(
                f"| {slug} | {first.name} | {other.name} | {outcome} | {rows} / {printed} | {why} |"
            )
            sys.stdout.flush()
    print()
    print(", ".join(f"{n} {outcome}" for outcome, n in outcomes.most_common()))


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--across" in args:
        across([a for a in args if a != "--across"])
    else:
        main(args)
