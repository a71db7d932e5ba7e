"""Editions and corrections: which documents replace which, and the label naming each one.

The rule (docs/editions.md):

- A document **supersedes** another when it is new bytes at a URL that had a document
  (``db.documents.record_document``) or when its parser marks it a corrected re-issue of
  the same source and period (``db.load``). The link is recorded either way; what it means
  is decided here, from the report periods the parsers read.
- It is a **correction** when both cover the same report period (start and end), or when
  either period is unknown (the fallback: the newer file at the URL is taken to replace the
  older one, as a cumulative list re-posted under one name does). The corrected document
  stops being current; ``changes`` compares the two as a 'correction'.
- It is a **new edition** when both periods are known and differ: an agency that overwrites
  a fixed "current" file each month publishes a new edition each time. Both stay current;
  ``changes`` compares them as consecutive reports ('next report').

``edition`` on every document names it for a reporter: the file name and the period it
covers (else its release date on the listing page, else "period not stated"), with
"correction" on a correction and "superseded" on the report a correction replaced (its rows
are marked so wherever they show). Triggers keep it up to date as documents are recorded and
parsed; ``ensure_editions`` creates them and fills in the column for existing rows.
"""

from __future__ import annotations

import sqlite_utils


def same_period_sql(new: str, old: str) -> str:
    """SQL, true when documents ``new`` and ``old`` (table aliases) cover the same period or
    either period is unknown: ``new`` superseding ``old`` is then a correction."""
    return (
        f"({new}.report_period_start is null or {old}.report_period_start is null"
        f" or ({new}.report_period_start = {old}.report_period_start"
        f" and {new}.report_period_end is {old}.report_period_end))"
    )


def is_correction_sql(alias: str) -> str:
    """SQL, true when document ``alias`` supersedes another and is a correction of it."""
    return (
        f"({alias}.supersedes is not null and exists (select 1 from documents corrected"
        f" where corrected.sha256 = {alias}.supersedes"
        f" and {same_period_sql(alias, 'corrected')}))"
    )


def replaced_sql(alias: str) -> str:
    """SQL, true when a correction replaces document ``alias``: a parsed document corrects
    it, or, ``alias`` being quarantined, a quarantined one does (both stand in the plain
    parser's tables, flagged ``layout_drift``). A quarantined correction leaves a parsed
    report current: its rows are in other tables, and charts count parsed documents only."""
    return (
        f"exists (select 1 from documents newer where newer.supersedes = {alias}.sha256"
        f" and (newer.status = 'parsed' or (newer.status = 'quarantined'"
        f" and {alias}.status = 'quarantined')) and {same_period_sql('newer', alias)})"
    )


def edition_sql(alias: str) -> str:
    """SQL for the label of document ``alias``: 'file.pdf (2026-10-01 to 2026-10-31)'."""
    d = alias
    period = (
        f"case when {d}.status = 'fetched' and {d}.report_period_start is null"
        " then 'not parsed yet'"
        f" when {d}.report_period_start is not null then {d}.report_period_start"
        f" || case when {d}.report_period_end is not null"
        f" and {d}.report_period_end != {d}.report_period_start"
        f" then ' to ' || {d}.report_period_end else '' end"
        f" when {d}.release_date is not null then 'released ' || {d}.release_date"
        " else 'period not stated' end"
    )
    correction = (
        f"case when {d}.status is not 'fetched' and {is_correction_sql(d)}"
        " then ', correction' else '' end"
    )
    superseded = (
        f"case when {d}.status is not 'fetched' and {replaced_sql(d)}"
        " then ', superseded' else '' end"
    )
    name = f"coalesce({d}.filename, substr({d}.sha256, 1, 12))"
    return f"{name} || ' (' || {period} || {correction} || {superseded} || ')'"


#: Columns whose change can change a document's edition label.
_LABEL_INPUTS = (
    "filename",
    "report_period_start",
    "report_period_end",
    "release_date",
    "supersedes",
    "status",
)

#: A document's label changes with its own fields, and the label of the document it
#: supersedes (old and new link) with them: ", superseded" comes and goes.
TRIGGERS = {
    "documents_edition_insert": (
        "CREATE TRIGGER documents_edition_insert AFTER INSERT ON documents BEGIN"
        f" UPDATE documents SET edition = {edition_sql('documents')}"
        " WHERE sha256 IN (NEW.sha256, NEW.supersedes); END"
    ),
    "documents_edition_update": (
        "CREATE TRIGGER documents_edition_update AFTER UPDATE OF"
        f" {', '.join(_LABEL_INPUTS)} ON documents BEGIN"
        f" UPDATE documents SET edition = {edition_sql('documents')}"
        " WHERE sha256 IN (NEW.sha256, NEW.supersedes, OLD.supersedes); END"
    ),
}


def ensure_editions(db: sqlite_utils.Database) -> None:
    """Create (or replace, when their SQL changed) the triggers that keep ``edition`` up to
    date, and label any document whose label is missing or stale."""
    existing = {
        name: sql
        for name, sql in db.execute("select name, sql from sqlite_master where type = 'trigger'")
    }
    with db.atomic():
        for name, sql in TRIGGERS.items():
            if existing.get(name) != sql:
                db.execute(f"drop trigger if exists [{name}]")
                db.execute(sql)
        label = edition_sql("documents")
        db.execute(f"UPDATE documents SET edition = {label} WHERE edition IS NOT {label}")


def periods_unknown(db: sqlite_utils.Database) -> int:
    """Parsed documents whose report period is unknown (the fallback rule applies to them)."""
    row = db.execute(
        "select count(*) from documents where status = 'parsed' and report_period_start is null"
    ).fetchone()
    return int(row[0])
