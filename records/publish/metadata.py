"""The Datasette metadata, generated from what the code declares so the two cannot drift.

Parsed tables take their descriptions, columns, facets, default sort, label column, canned
queries and charts from the parsers' ``TableSpec``; core tables from ``_CORE_DESCRIPTIONS``
below; views (and any other table a ``db`` module adds through ``db.schema.EXTRA_SCHEMA``)
from that module's ``TABLE_METADATA``; source, licence and caveats from the sources file in
use; the typed tables (``db.typed``) from the served database's ``typed_tables`` register
(``typed_table_metadata``). Core canned queries live in ``records.publish.queries``.

``records serve`` builds it at start-up (``runtime_metadata``) for the database it serves:
named after the database file, with the archive folder, the sources file in use, and only
the tables, queries and charts of tables that database has, so a deployment that loads only
WARN notices shows nothing of the DDOR. The committed ``datasette-metadata.json`` is the same
document for every parser and the repository's ``sources.toml`` (for ``datasette -m``);
regenerate it after changing any of those::

    python -m records.publish.metadata sources.toml > datasette-metadata.json

``tests/publish/test_metadata.py`` fails when the committed file is stale or a published
column has no description.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import sys
from collections.abc import Collection
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from db.keyed import changes_by_key_sql
from db.schema import CORE_TABLES, EXTRA_SCHEMA
from db.tables import ensure_spec_tables
from db.views import TABLE_CHANGES_PREFIX, ensure_views, table_changes_metadata
from parsers.base import PROVENANCE_COLUMNS, Chart, Parser, TableSpec
from records.core.config import Config, Source, load_config
from records.publish.queries import QUERIES

#: The database name in the committed file: the stem of the default ``data/records.db``.
DATABASE = "records"
#: Key of this project's plugin configuration in the metadata's ``plugins``.
PLUGIN = "agency-records"

TITLE = "Agency records"


def description_html(database: str, charts: Collection[Chart] = ()) -> str:
    """The home and database pages' introduction, linking into ``database`` and to the
    charts of the tables it has.

    Links are relative (no leading slash) so they keep Datasette's ``base_url`` when it is
    served under a path prefix: both pages sit at the top of the site, where they resolve.
    """
    chart_links = ", ".join(
        f'<a href="-/charts/{escape(c.name)}">{escape(c.title)}</a>' for c in charts
    )
    start = (
        f"<p>Charts: {chart_links}.</p><p>Start with the charts, the canned queries below, or "
        if charts
        else "<p>Start with the canned queries below, or "
    )
    return (
        "<p>Government agency reports, archived as published and parsed into tables. Every "
        "parsed row names the <strong>document</strong> it came from and the <strong>page"
        "</strong> it is printed on: follow the document link for the original URL, fetch "
        "time and SHA-256, or the page number to open the archived file at that page.</p>"
        f'{start}the <a href="'
        f'{database}/changes">changes</a> view (what a correction or a new report added and '
        f'removed). <a href="{database}/search_pages">Search the text of every PDF page</a>; '
        f'follow up on <a href="{database}/requests_status">records requests</a>. New '
        f'documents: <a href="{database}/new_documents.atom">Atom feed</a>.</p>'
    )


_CORE_DESCRIPTIONS: dict[str, dict[str, Any]] = {
    "sources": {
        "title": "Sources",
        "description": "The agency reports this database follows, as configured in sources.toml.",
        "columns": {
            "name": "Short name of the source (used by `records run NAME`).",
            "agency": "Agency that publishes the report.",
            "title": "Title of the report series.",
            "description": "What the series is, and its history.",
            "url": "Page the crawler starts from to find new documents.",
            "parser": "Parser that turns the source's documents into rows.",
            "schedule": "When the source is checked (cron expression, newsroom time zone).",
            "source_url": "Page to cite as the source.",
            "license": "Licence or copyright status of the agency's documents.",
            "license_url": "Where the licence is explained.",
            "updated": "When this row was last written from sources.toml (UTC).",
        },
    },
    "documents": {
        "title": "Documents",
        "description": (
            "Every archived file, one row per distinct content (SHA-256), named by its "
            "edition (file name and report period). New bytes at a URL that had a file, or a "
            "report its parser marks as re-issued, name the earlier file in 'supersedes': a "
            "correction when both cover the same period (or a period is unknown), a new "
            "edition when the periods differ (docs/editions.md). Nothing is overwritten: the "
            "earlier file and its rows are kept. Download the archived file from the sha256 "
            "link."
        ),
        "columns": {
            "sha256": "SHA-256 of the file's bytes: its identity, and its name in the archive.",
            "source": "Source (sources.name) the file was found through; empty if added by hand.",
            "url": "Original URL the file was downloaded from (first seen).",
            "filename": "File name, from the URL or the added file.",
            "content_type": "Media type of the file (from its bytes, not from the server).",
            "bytes": "Size of the file in bytes.",
            "pages": "Number of pages (PDF) when the parser reported it.",
            "first_seen": "When the file was first fetched or added (UTC).",
            "last_seen": "When the file was last seen at its URL (UTC).",
            "etag": "ETag header the server sent with the file.",
            "last_modified": "Last-Modified header the server sent with the file.",
            "report_period_start": "First day of the period the report covers, as it states.",
            "report_period_end": "Last day of the period the report covers, as it states.",
            "status": (
                "fetched (archived, not parsed yet), parsed, failed (the parser could not "
                "read it) or quarantined (parsed, but a check failed; rows held back)."
            ),
            "parser": "Parser that read the file.",
            "parser_version": "Version of that parser.",
            "parsed_at": "When the file was last parsed (UTC).",
            "rows": "Data rows the parse loaded, over all tables (not the rows describing the"
            " tables found: extracted_tables, spreadsheet_sheets).",
            "error": "Why the document failed or was quarantined (the quarantine reason).",
            "warnings": (
                "What the parse may have missed, though its rows are published: pages with"
                " table-like lines that landed in no table, and how many (page accounting)."
            ),
            "supersedes": (
                "SHA-256 of the earlier document at the same URL, or of the report this one "
                "re-issues: corrected when both cover the same period, else a new edition."
            ),
            "derived_from": "SHA-256 of the file this one was made from (e.g. an OCRed copy).",
            "request_id": "Public-records request this file answers, if any.",
            "capture_url": "Web-archive capture the file was taken from, if not the live site.",
            "capture_time": "Time of that web-archive capture.",
            "link_text": "The link's text on the agency's listing page.",
            "release_date": (
                "Date the listing page printed beside the link (the release date, when the "
                "agency gives it there; many reports do not print it themselves)."
            ),
            "edition": (
                "The document's name for citing: file name and the period it covers (else "
                "its release date, else 'period not stated'), ', correction' when it corrects "
                "an earlier file of the same period."
            ),
        },
    },
    "document_urls": {
        "title": "Document URLs",
        "description": "Every URL each document was found at (the same file can be posted twice).",
        "columns": {
            "document": "SHA-256 of the document (links to documents).",
            "url": "URL the file was found at.",
            "first_seen": "When the file was first seen at this URL (UTC).",
            "last_seen": "When the file was last seen at this URL (UTC).",
            "capture_url": "Web-archive capture, when the file came from one.",
            "capture_time": "Time of that capture.",
        },
    },
    "document_facts": {
        "title": "Document facts",
        "description": (
            "What a parser learned about a document as a whole, e.g. the total the report "
            "states, whether it is marked corrected, its scope notes."
        ),
        "columns": {
            "document": "SHA-256 of the document (links to documents).",
            "name": "Name of the fact.",
            "value": "Its value (text, or JSON for numbers and lists).",
        },
    },
    "fetches": {
        "title": "Fetches",
        "description": "Every download attempt the crawler made, successful or not.",
        "columns": {
            "id": "Fetch number.",
            "run": "Run (runs.id) the fetch belongs to.",
            "source": "Source being crawled.",
            "url": "URL requested.",
            "time": "When the response arrived (UTC).",
            "http_status": "HTTP status code of the response.",
            "sha256": "SHA-256 of the file received (documents.sha256), if any.",
            "not_modified": "1 when the server answered 304 Not Modified.",
            "bytes": "Size of the response body in bytes.",
            "error": "What went wrong, if the fetch failed.",
        },
    },
    "runs": {
        "title": "Runs",
        "description": "Every crawl/parse run: when, why, and what it did.",
        "columns": {
            "id": "Run number.",
            "started": "When the run started (UTC).",
            "finished": "When it finished (UTC); empty while running or if it was killed.",
            "trigger": "What started it: cli, schedule or demo.",
            "sources": "Sources the run covered (JSON list).",
            "status": (
                "running, ok, failed (some source or document failed), or interrupted"
                " (stopped by a signal, or its process died: see docs/failures.md)."
            ),
            "documents_new": "Documents seen for the first time.",
            "documents_unchanged": "Documents fetched again with the same content.",
            "documents_failed": "Documents that failed to parse.",
            "rows_added": "Rows loaded into the published tables.",
            "errors": "Number of errors recorded (see errors).",
            "pid": "Process id of the run.",
            "host": "Machine the run ran on (with pid, how a dead run is recognised).",
        },
    },
    "errors": {
        "title": "Errors",
        "description": "Errors recorded during runs, with the stage and the document or URL.",
        "columns": {
            "id": "Error number.",
            "run": "Run (runs.id) during which it happened.",
            "source": "Source concerned.",
            "url": "URL concerned, if any.",
            "document": "SHA-256 of the document concerned, if any.",
            "stage": "Pipeline stage: crawl, fetch, parse, add or load.",
            "message": "What went wrong.",
            "time": "When (UTC).",
        },
    },
    "quarantined_rows": {
        "title": "Quarantined rows",
        "description": (
            "Rows of quarantined documents, held back from the published tables because a "
            "check failed (see documents.error). Kept for inspection, not for counting."
        ),
        "columns": {
            "document": "SHA-256 of the document (links to documents).",
            "table_name": "Table the row would have gone to.",
            "page": "Page of the document the row is printed on (1-based).",
            "bbox": dict(PROVENANCE_COLUMNS)["bbox"],
            "table_index": "Which table on the page (0-based).",
            "row_index": "Row number within its table in the document (0-based).",
            "parser_version": "Version of the parser that produced the row.",
            "values_json": "The row's values as JSON.",
        },
    },
}

#: Default sort of core tables (Datasette's ``sort``/``sort_desc``): newest first where there
#: is time. Parsed tables declare theirs on their ``TableSpec``.
SORTS: dict[str, tuple[str, str]] = {
    "documents": ("sort_desc", "first_seen"),
    "fetches": ("sort_desc", "id"),
    "runs": ("sort_desc", "id"),
    "errors": ("sort_desc", "id"),
}
#: Column shown instead of the key where another table links to these.
LABELS = {"documents": "edition", "sources": "title"}
#: Bookkeeping tables, listed apart from the reporter's tables (Datasette's "hidden
#: tables", one click away at the foot of the database page).
INTERNAL_TABLES = (
    "document_facts",
    "document_urls",
    "errors",
    "fetches",
    "parsed_tables",
    "quarantined_rows",
    "runs",
)
#: Facets of core tables (parsed tables take theirs from the TableSpec).
CORE_FACETS: dict[str, list[str]] = {
    "documents": ["status", "source", "parser"],
    "errors": ["stage", "source"],
    "quarantined_rows": ["table_name", "document"],
    "fetches": ["http_status"],
    "runs": ["status", "trigger"],
}
#: Facets of views (each must be a column the view returns).
VIEW_FACETS: dict[str, list[str]] = {
    "changes": ["comparison", "table_name", "change"],
    "changes_by_key": ["comparison", "table_name", "change"],
    "current_documents": ["source", "parser"],
    "shown_documents": ["source", "status"],
    "requests_status": ["status", "overdue", "agency"],
    "request_documents": ["request_id", "status", "content_type"],
    "pages": ["document", "ocr", "scanned"],
}
#: Default sorts of views and tables from ``EXTRA_SCHEMA`` modules.
EXTRA_SORTS: dict[str, tuple[str, str]] = {
    "requests_status": ("sort_desc", "days_overdue"),
    "request_documents": ("sort_desc", "received"),
    "requests": ("sort_desc", "id"),
    "request_history": ("sort_desc", "id"),
}


def core_table_metadata() -> dict[str, dict[str, Any]]:
    """The core tables' metadata; raises when a core table or column is undescribed."""
    tables: dict[str, dict[str, Any]] = {}
    for spec in CORE_TABLES:
        described = _CORE_DESCRIPTIONS.get(spec.name)
        if described is None:
            raise KeyError(f"core table {spec.name} has no description in records.publish.metadata")
        missing = [c for c in spec.columns if c not in described["columns"]]
        if missing:
            raise KeyError(f"core table {spec.name}: columns without description: {missing}")
        tables[spec.name] = {
            **described,
            "columns": {c: described["columns"][c] for c in spec.columns},
        }
        if spec.name in CORE_FACETS:
            tables[spec.name]["facets"] = CORE_FACETS[spec.name]
    return tables


def extra_table_metadata(core: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``TABLE_METADATA`` of every ``EXTRA_SCHEMA`` module (views, records requests, ...).

    A ``"columns"`` value that names a table instead of listing columns (a view that selects
    ``documents.*``) reuses that table's column descriptions.
    """
    tables: dict[str, dict[str, Any]] = {}
    for hook in [*EXTRA_SCHEMA, ensure_views, changes_by_key_sql, ensure_spec_tables]:
        module = sys.modules[hook.__module__]
        for name, meta in getattr(module, "TABLE_METADATA", {}).items():
            meta = dict(meta)
            if isinstance(meta.get("columns"), str):
                meta["columns"] = dict(core[meta["columns"]]["columns"])
            if name in VIEW_FACETS:
                meta["facets"] = VIEW_FACETS[name]
            if name in EXTRA_SORTS:
                key, column = EXTRA_SORTS[name]
                meta[key] = column
            tables[name] = meta
    return tables


def _title(spec: TableSpec, parser: Parser) -> str:
    """'DDOR section II: ...' + ddor_declined_detainers -> 'DDOR section II: declined detainers'."""
    words = spec.name.split("_")
    if words[0] in parser.name.split("-") and len(words) > 1:
        words = words[1:]
    topic = " ".join(words)
    prefix, colon, _ = spec.description.partition(":")
    if colon and len(prefix) <= 40:
        return f"{prefix}: {topic}"
    return topic[:1].upper() + topic[1:]


def _sources_note(sources: list[Source]) -> dict[str, str]:
    """source, source_url, license, license_url for tables filled from these sources."""
    if not sources:
        return {
            "source": "Files added with `records add` (see each row's document)",
            "license": "Varies by document; see the document's source",
        }
    note = {
        "source": "; ".join(f"{s.agency}: {s.title}" if s.agency else s.title for s in sources),
        "source_url": sources[0].source_url or sources[0].url,
    }
    licenses = {(s.license, s.license_url) for s in sources if s.license}
    if len(licenses) == 1:
        license_name, license_url = licenses.pop()
        note["license"] = license_name or ""
        if license_url:
            note["license_url"] = license_url
    else:
        note["license"] = "Varies by source; see the sources table"
    return note


def parsed_table_metadata(
    parsers: list[Parser], config: Config | None
) -> dict[str, dict[str, Any]]:
    sources = list(config.sources) if config else []
    tables: dict[str, dict[str, Any]] = {}
    for parser in parsers:
        used_by = [s for s in sources if s.parser == parser.name]
        for spec in parser.tables:
            if spec.name in tables:
                continue
            description = spec.description
            for source in used_by:
                if source.description:
                    description += f" About the series: {source.description}"
                if source.caveats:
                    description += f" Caveats: {source.caveats}"
            description += (
                " The page, its counts, facets, CSV and JSON hold the rows of current "
                "documents, as the charts and canned queries count them, and those loaded "
                "flagged layout_drift for quarantined documents (shown_documents); rows of "
                "reports a correction replaced are one click away (?_editions=superseded) "
                "and in the changes view."
            )
            meta: dict[str, Any] = {
                "title": _title(spec, parser),
                "description": description,
                **_sources_note(used_by),
                "columns": {
                    **{c.name: c.description for c in spec.columns},
                    **dict(PROVENANCE_COLUMNS),
                },
                "facets": [*spec.facets, "document"],
            }
            for key in ("sort", "sort_desc", "label_column"):
                if getattr(spec, key):
                    meta[key] = getattr(spec, key)
            tables[spec.name] = meta
            changes = table_changes_metadata(
                spec.name, {c.name: c.description for c in spec.columns}
            )
            tables[TABLE_CHANGES_PREFIX + spec.name] = {
                **changes,
                "facets": ["comparison", "change"],
            }
    return tables


def _declared_specs(parsers: list[Parser]) -> list[TableSpec]:
    specs: dict[str, TableSpec] = {}
    for parser in parsers:
        for spec in parser.tables:
            specs.setdefault(spec.name, spec)
    return list(specs.values())


def declared_queries(specs: list[TableSpec]) -> dict[str, dict[str, Any]]:
    """The canned queries: the core ones, then those the tables declare."""
    queries = dict(QUERIES)
    for spec in specs:
        for query in spec.queries:
            queries.setdefault(query.name, query.metadata())
    return queries


def declared_charts(specs: list[TableSpec]) -> list[Chart]:
    return [chart for spec in specs for chart in spec.charts]


def build_metadata(
    parsers: list[Parser] | None = None,
    config: Config | None = None,
    *,
    present: Collection[str] | None = None,
    database: str = DATABASE,
) -> dict[str, Any]:
    """The whole metadata document: every parser's tables (default), or only the tables,
    views, queries and charts of the tables in ``present`` (a database's table names)."""
    if parsers is None:
        from parsers.registry import all_parsers

        parsers = list(all_parsers(config.settings if config else None).values())
    specs = [s for s in _declared_specs(parsers) if present is None or s.name in present]
    core = core_table_metadata()
    tables = {**core, **extra_table_metadata(core), **parsed_table_metadata(parsers, config)}
    if present is not None:
        tables = {name: meta for name, meta in tables.items() if name in present}
    for name, (key, column) in SORTS.items():
        if name in tables and name in core:
            tables[name][key] = column
    for name, column in LABELS.items():
        if name in tables:
            tables[name]["label_column"] = column
    for name in INTERNAL_TABLES:
        if name in tables:
            tables[name]["hidden"] = True
    queries = declared_queries(specs)
    for query in queries.values():
        # A reporter opens a query for its answer; the SQL is one click away ("show").
        query.setdefault("hide_sql", True)
    charts = declared_charts(specs)
    description = description_html(database, charts)
    # A deep copy: Datasette adds keys to the dicts it is given (a query's "name"), which
    # must not leak into the module-level declarations or the next build.
    return copy.deepcopy(
        {
            "title": TITLE,
            "description_html": description,
            "databases": {
                database: {
                    "title": TITLE,
                    "description_html": description,
                    "tables": dict(sorted(tables.items())),
                    "queries": queries,
                }
            },
            "plugins": {PLUGIN: {"charts": [asdict(c) for c in charts]}},
        }
    )


def render(metadata: dict[str, Any]) -> str:
    return json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"


def database_tables(path: Path) -> set[str]:
    """Names of the tables and views of the database at ``path`` (none if it does not exist)."""
    if not path.is_file():
        return set()
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute("select name from sqlite_master where type in ('table', 'view')")
        return {name for (name,) in rows}
    finally:
        con.close()


#: What the columns every typed table has say (``db.typed``), beside the parsed tables' ones.
TYPED_COLUMNS: dict[str, str] = {
    **dict(PROVENANCE_COLUMNS),
    "table_title": "The title printed above the table this row was read from (tables of one"
    " header but different titles, a ballot's propositions, share this table).",
    "sheet_name": "The sheet this row was read from (spreadsheets; empty for PDFs).",
    "source_row": "The sheet's own row number of this row (spreadsheets; empty for PDFs).",
    "ocr": "1 when the row was read from a scanned page by OCR.",
    "ocr_confidence": "Tesseract's mean word confidence on that page (0-100), when read by OCR.",
    "untyped_cells": "Cells of this row that do not fit their column's type, as printed (JSON"
    " object by column): the typed column is empty there.",
}


def typed_table_metadata(path: Path) -> dict[str, dict[str, Any]]:
    """The metadata of the typed tables (``db.typed``) of the database at ``path``: each holds
    the rows of every table read without a template with its header, so its page opens
    faceted by the printed table (``table_title``), the sheet and the document."""
    if not path.is_file():
        return {}
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if not con.execute(
            "select 1 from sqlite_master where type = 'table' and name = 'typed_tables'"
        ).fetchone():
            return {}
        register = [
            (
                *row,
                {c for (_, c, *_) in con.execute("select * from pragma_table_info(?)", [row[0]])},
            )
            for row in con.execute("select name, title, columns, parser from typed_tables")
        ]
    finally:
        con.close()
    tables: dict[str, dict[str, Any]] = {}
    for name, title, columns, parser, present in register:
        if not present:
            continue  # registered, then dropped by hand
        printed = [c for c, _ in json.loads(columns)]
        first = f", first seen as {title!r}" if title else ""
        tables[name] = {
            "description": (
                f"Every table read without a template with this header ({len(printed)}"
                f" columns{first}), from every document. table_title says which printed"
                " table a row comes from and sheet_name which sheet; page, row_index and bbox"
                " say where it is printed."
            ),
            "columns": {
                **TYPED_COLUMNS,
                **{c: f"Printed header {c!r}." for c in printed if c not in TYPED_COLUMNS},
            },
            # An older database's table may not have them yet (``db.typed`` adds them).
            "facets": [
                c
                for c in (
                    "table_title",
                    "sheet_name" if parser == "spreadsheet" else "",
                    "document",
                )
                if c in present
            ],
        }
    return tables


def runtime_metadata(db: Path, archive: Path | str, sources: Path | None = None) -> dict[str, Any]:
    """The metadata ``records serve`` gives Datasette for the database file ``db``.

    Database-level metadata is keyed by database name (the file's stem); the archive folder
    and the charts reach the plugin as plugin config. Table notes (source, licence, caveats)
    come from ``sources`` when it is a sources file.
    """
    config = load_config(sources) if sources is not None and sources.is_file() else None
    metadata = build_metadata(config=config, present=database_tables(db), database=db.stem)
    tables = metadata["databases"][db.stem]["tables"]
    for name, meta in typed_table_metadata(db).items():
        tables.setdefault(name, meta)  # a typed table never takes a declared table's name
    metadata["plugins"][PLUGIN]["archive"] = str(Path(archive).resolve())
    if config is not None:
        # Page images' bounds (records.publish.plugin.pages), from [settings].
        metadata["plugins"][PLUGIN]["max_render_pixels"] = config.settings.max_render_pixels
        metadata["plugins"][PLUGIN]["renders_at_once"] = config.settings.renders_at_once
        # CSV formulas, the desk's login header (records.publish.plugin formulas, desk).
        metadata["plugins"][PLUGIN].update(
            csv_formulas=config.settings.csv_formulas, desk_header=config.settings.desk_header
        )
        # The template folders, so a document page names a template's tables
        # (records.publish.plugin.panels).
        metadata["plugins"][PLUGIN]["templates"] = [str(f) for f in config.settings.templates]
    return metadata


def main(argv: list[str] | None = None) -> None:
    """``python -m records.publish.metadata [SOURCES_FILE]``: the metadata for every parser."""
    args = sys.argv[1:] if argv is None else argv
    sources = Path(args[0] if args else "sources.toml")
    config = load_config(sources) if sources.is_file() else None
    sys.stdout.write(render(build_metadata(config=config)))


if __name__ == "__main__":
    main()
