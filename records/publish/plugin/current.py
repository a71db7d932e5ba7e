"""Shown rows by default: a parsed table's page, its row count, facets, CSV and JSON carry
the rows of the documents ``shown_documents`` lists (``db.views``): current documents (no
correction supersedes them), so a reporter who opens or downloads the table counts a
corrected report once, as the charts and canned queries do; and quarantined documents no
correction replaced, whose tables a plain parser loaded flagged ``layout_drift`` (the only
published form of their data).

``?_editions=superseded`` shows only the rows of reports a correction replaced (marked so
above the table), ``?_editions=all`` every row; the table page links to both
(``templates/table.html``). Tables other than parsed ones (``parsed_tables``) and typed ones
(``typed_tables``: a template-less read of a corrected spreadsheet re-posted at its URL) are
left alone.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from datasette.filters import FilterArguments

from db.editions import replaced_sql
from parsers.base import LAYOUT_DRIFT_COLUMN

#: The query parameter, its values, and what each shows.
PARAMETER = "_editions"
CURRENT, SUPERSEDED, ALL = "current", "superseded", "all"

#: The rows each mode shows (``_editions``); the export reads them here too.
SHOWN = "[document] in (select sha256 from shown_documents)"
#: Rows of the documents not shown by default, found through the table's index on
#: ``document`` (a seek per such document), not by reading every row: a million-row
#: table's page counted them in 0.44 s on every view, 1 ms this way.
NOT_SHOWN = (
    "[document] in (select d.sha256 from documents d"
    " where d.sha256 not in (select sha256 from shown_documents))"
)
REPLACED = f"[document] in (select d.sha256 from documents d where {replaced_sql('d')})"
WHERE_BY_MODE = {CURRENT: SHOWN, SUPERSEDED: REPLACED, ALL: None}
#: ``SHOWN`` for a full export, read in the table's sort order: the ``+`` keeps SQLite from
#: reading the rows through the index on ``document`` and sorting them all in a temporary
#: b-tree before sending the first (200,000 rows: the first chunk after 420-575 ms, not
#: 7-13 ms; a million-row export 0.28-0.32x ``sqlite3 -csv``); it filters each row as it
#: reads the sort's index. Not for the table page: its counts and facets are quicker through
#: the index on ``document``.
SHOWN_IN_ORDER = "+" + SHOWN


#: The end of a sentence: a full stop after a lower-case letter, digit or bracket, then a
#: capital ("i.e. a person" and "Co. IA" do not end one).
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")


def split_description(text: str) -> tuple[str, str]:
    """A table's description as its first sentence and the rest (series notes, caveats),
    which the table page folds behind one line."""
    parts = _SENTENCE_END.split(text, maxsplit=1)
    if len(parts) == 1:
        return text, ""
    return parts[0] + ".", parts[1]


#: The registers of tables whose rows come from documents: parsers' declared tables and the
#: typed tables of template-less reads (``db.typed``).
REGISTERS = ("parsed_tables", "typed_tables")


async def is_parsed_table(db: Any, table: str) -> bool:
    """Whether ``table`` holds rows parsed from documents (a parser's table, its raw layer or
    a typed table): its rows of reports a correction replaced are left out by default."""
    if "shown_documents" not in await db.view_names():
        return False
    for register in REGISTERS:
        if await db.table_exists(register):
            found = await db.execute(f"select 1 from {register} where name = ?", [table])
            if found.first():
                return bool(await db.table_exists(table))
    return False


def _link(path: str, request: Any, mode: str) -> str:
    """This page's address with ``_editions`` set to ``mode`` (current: left out)."""
    args = [(k, v) for k in request.args.keys() if k != PARAMETER for v in request.args.getlist(k)]
    if mode != CURRENT:
        args.append((PARAMETER, mode))
    query = urlencode(args)
    return f"{path}?{query}" if query else path


async def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    if not table:
        return None
    db = datasette.get_database(database)
    if not await is_parsed_table(db, table):
        return None
    mode = request.args.get(PARAMETER) or CURRENT
    if mode not in (CURRENT, SUPERSEDED, ALL):
        mode = CURRENT
    counted = await db.execute(
        f"select (select count(*) from [{table}] where {NOT_SHOWN}),"
        f" (select count(*) from [{table}] where {REPLACED})"
    )
    left_out, superseded = counted.first()
    path = datasette.urls.table(database, table)
    lead, more = split_description(
        datasette.metadata("description", database=database, table=table) or ""
    )
    context = {
        "description_lead": lead,
        "description_more": more,
        "editions": {
            "mode": mode,
            "superseded": superseded,
            # Rows of documents neither shown nor replaced: their last parse failed or waits.
            "unparsed": left_out - superseded,
            "current_url": _link(path, request, CURRENT),
            "superseded_url": _link(path, request, SUPERSEDED),
            "all_url": _link(path, request, ALL),
        },
    }
    where = WHERE_BY_MODE[mode]
    if where is None or (mode == CURRENT and not left_out):
        return FilterArguments([], extra_context=context)
    # Only a plain parser's tables hold rows of quarantined documents (``layout_drift``).
    drift = LAYOUT_DRIFT_COLUMN.name in await db.table_columns(table)
    described = {
        CURRENT: "document is current"
        + (" (or quarantined: rows flagged layout_drift)" if drift else ""),
        SUPERSEDED: "document was replaced by a correction",
    }
    return FilterArguments([where], human_descriptions=[described[mode]], extra_context=context)
