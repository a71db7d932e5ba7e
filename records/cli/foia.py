"""``records request``: file public-records requests, follow their status, ingest the answers.

Thin like the rest of the CLI: each command calls ``records.foia.requests`` or the pipeline.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from records.cli.common import check_parser, load_sources, pass_paths, print_summary
from records.core.paths import Paths
from records.core.printable import printable

#: ISO first; US month/day/year too, as agencies' letters print dates (never day/month).
_DATE = click.DateTime(formats=["%Y-%m-%d", "%m/%d/%Y"])


def _db(paths: Paths):  # sqlite_utils imported lazily to keep --help fast
    from db.connect import open_db

    return open_db(paths.db)


def _as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.group(short_help="Track records requests and load what agencies send back.")
def request() -> None:
    """Track public-records requests and ingest what agencies send back.

    File a request with `records request new`, record each answer with
    `records request update`, and load the files received with
    `records request add-files` (PDFs, scans, spreadsheets, CSVs, ZIPs of them).
    """


@request.command("new")
@click.option("--agency", required=True, help="Agency the request was sent to.")
@click.option("--subject", required=True, help="What was requested.")
@click.option("--filed", type=_DATE, help="Date filed, YYYY-MM-DD or MM/DD/YYYY [default: today].")
@click.option(
    "--statute-days", type=click.IntRange(min=0), help="Days the law gives the agency to answer."
)
@click.option(
    "--business-days",
    is_flag=True,
    help="Count --statute-days as business days (skip weekends and US federal"
    " holidays), as the federal FOIA does.",
)
@click.option(
    "--state",
    "holiday_state",
    metavar="XX",
    help="Also skip this US state's holidays when counting business days.",
)
@click.option("--tracking-number", help="The agency's tracking number, once known.")
@click.option("--note", help="A note kept with the request.")
@pass_paths
def new(
    paths: Paths,
    agency: str,
    subject: str,
    filed: datetime | None,
    statute_days: int | None,
    business_days: bool,
    holiday_state: str | None,
    tracking_number: str | None,
    note: str | None,
) -> None:
    """File (record) a new public-records request."""
    from records.foia.requests import file_request, require_request

    db = _db(paths)
    request_id = file_request(
        db,
        agency=agency,
        subject=subject,
        filed=_as_date(filed) or date.today(),
        statute_days=statute_days,
        business_days=business_days,
        holiday_state=holiday_state.upper() if holiday_state else None,
        tracking_number=tracking_number,
        note=note,
    )
    row = require_request(db, request_id)
    click.echo(f"request {request_id} filed with {row['agency']}: {_due_text(row)}")


@request.command("update")
@click.argument("request_id", type=int, metavar="ID")
@click.option(
    "--status",
    type=click.Choice(["acknowledged", "partial", "fulfilled", "denied", "appealed", "withdrawn"]),
    help="The request's new status [default: unchanged].",
)
@click.option("--note", help="What happened (kept in the request's history).")
@click.option(
    "--due", type=_DATE, help="New due date, YYYY-MM-DD or MM/DD/YYYY (e.g. after an extension)."
)
@click.option("--tracking-number", help="The agency's tracking number.")
@pass_paths
def update(
    paths: Paths,
    request_id: int,
    status: str | None,
    note: str | None,
    due: datetime | None,
    tracking_number: str | None,
) -> None:
    """Record a change in a request: its status, a note, a new due date, its tracking number.

    Only --note: the note is added and the status stays as it is.
    """
    from records.foia.requests import update_request

    row = update_request(
        _db(paths),
        request_id,
        status=status,
        note=note,
        due=_as_date(due),
        tracking_number=tracking_number,
    )
    click.echo(
        f"request {request_id} is now {row['status']}"
        + (f", due {row['due']}" if row["due"] else "")
        + (f", tracking number {row['tracking_number']}" if row["tracking_number"] else "")
    )


@request.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include closed requests.")
@pass_paths
def list_command(paths: Paths, show_all: bool) -> None:
    """List open requests (all with --all) by due date, with days overdue."""
    from records.foia.requests import list_requests

    lines = list_requests(_db(paths), today=date.today(), open_only=not show_all)
    if not lines:
        click.echo("no open requests" if not show_all else "no requests")
        return
    click.echo(
        f"{'ID':>4}  {'STATUS':<12}  {'FILED':<10}  {'DUE':<10}  {'OVERDUE':>7}  AGENCY / SUBJECT"
    )
    for line in lines:
        overdue = f"{line.days_overdue}d" if line.days_overdue else ""
        text = (
            f"{line.id:>4}  {line.status:<12}  {line.filed:<10}  {line.due or '-':<10}  "
            f"{overdue:>7}  {line.agency}: {line.subject}"
        )
        click.secho(text, fg="red" if line.days_overdue else None)


@request.command("show")
@click.argument("request_id", type=int, metavar="ID")
@pass_paths
def show(paths: Paths, request_id: int) -> None:
    """Show one request: its details, status history and documents received."""
    from db.foia import request_documents, request_history
    from records.foia.requests import require_request

    db = _db(paths)
    row = require_request(db, request_id)
    click.echo(f"request {row['id']}: {row['agency']}: {row['subject']}")
    state = "closed" if row["status"] in ("fulfilled", "denied", "withdrawn") else "open"
    click.echo(f"  status: {row['status']} ({state})")
    click.echo(f"  filed: {row['filed']}")
    due = _due_text(row)
    overdue = _days_overdue(row) if state == "open" else 0
    if overdue:
        due += f"; OVERDUE by {overdue} day{'s' if overdue != 1 else ''}"
    click.echo(f"  {due}")
    if row["tracking_number"]:
        click.echo(f"  tracking number: {row['tracking_number']}")
    click.echo("history:")
    for event in request_history(db, request_id):
        note = f": {event['note']}" if event["note"] else ""
        change = event["status"]
        if event["previous_status"] == event["status"]:
            change = "note" if event["note"] else "updated"
        click.echo(f"  {_utc_minute(event['time'])}  {change}{note}")
    documents = request_documents(db, request_id)
    counts: dict[str, int] = {}
    for doc in documents:
        counts[doc["status"]] = counts.get(doc["status"], 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    click.echo(f"documents received: {len(documents)}" + (f" ({summary})" if summary else ""))
    for doc in documents:
        click.echo("  " + printable(_document_line(doc)))


def _due_text(row: dict) -> str:
    """'due 2026-11-30 (5 business days after 2026-11-20, skipping Thanksgiving 11-26)'."""
    from records.foia.dates import holiday_name, holidays_between

    if not row["due"]:
        return "no due date (give --statute-days when filing, or --due when updating)"
    if row["statute_days"] is None:
        return f"due {row['due']}"
    due = date.fromisoformat(row["due"])
    filed = date.fromisoformat(row["filed"])
    unit = "business" if row["business_days"] else "calendar"
    why = f"{row['statute_days']} {unit} day{'s' if row['statute_days'] != 1 else ''}"
    why += f" after {row['filed']}"
    if row["business_days"]:
        skipped = holidays_between(filed, due, row["holiday_state"])
        if skipped:
            names = ", ".join(f"{holiday_name(d, row['holiday_state'])} {d:%m-%d}" for d in skipped)
            why += f", skipping {names}"
    elif due.weekday() >= 5:
        why += f"; falls on a {due:%A}"
    return f"due {row['due']} ({why})"


def _days_overdue(row: dict) -> int:
    from records.foia.dates import days_overdue

    return days_overdue(date.fromisoformat(row["due"]) if row["due"] else None, date.today())


def _utc_minute(stamp: str) -> str:
    """'2026-11-29T05:16:04+00:00' -> '2026-11-29 05:16 UTC'."""
    return stamp[:16].replace("T", " ") + " UTC" if len(stamp) >= 16 else stamp


def _document_line(doc: dict) -> str:
    what = doc["status"]
    if doc["status"] in ("parsed", "quarantined") and doc["rows"] is not None:
        what += f", {doc['rows']} row{'s' if doc['rows'] != 1 else ''}"
    line = f"{doc['document'][:12]}  {doc['filename']}: {what}"
    if doc["status"] in ("failed", "quarantined") and doc["error"]:
        # Errors start with the file's name, already printed.
        line += f": {doc['error'].removeprefix(doc['filename'] + ': ')}"
    return line


@request.command("add-files")
@click.argument("request_id", type=int, metavar="ID")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--parser", "parser_name", help="Parser to use [default: detected].")
@pass_paths
def add_files_command(
    paths: Paths, request_id: int, files: tuple[Path, ...], parser_name: str | None
) -> None:
    """Archive and load the files an agency sent for request ID (ZIPs are unpacked).

    Exit status 1 when some file could not be loaded; the others still are.
    """
    import sys

    from records.foia.requests import require_request
    from records.pipeline.add import add_files

    config = None
    if paths.sources.exists():
        config = load_sources(paths)
    if parser_name:
        # Templates in the sources file's folders are parsers too.
        check_parser(parser_name, config.settings if config is not None else None)
    require_request(_db(paths), request_id)
    summary = add_files(
        list(files),
        paths=paths,
        config=config,
        parser_name=parser_name,
        request_id=request_id,
        progress=lambda m: click.echo(m, err=True),
    )
    print_summary(summary)
    if not summary.ok:
        sys.exit(1)
