"""``records request``: file public-records requests, follow their status, ingest the answers.

Thin like the rest of the CLI: each command calls ``records.requests`` or the pipeline.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from records.paths import Paths

pass_paths = click.make_pass_decorator(Paths)

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _db(paths: Paths):  # noqa: ANN202 - sqlite_utils imported lazily to keep --help fast
    from db.connect import open_db

    return open_db(paths.db)


def _as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.group()
def request() -> None:
    """Track public-records requests and ingest what agencies send back.

    File a request with `records request new`, record each answer with
    `records request update`, and load the files received with
    `records request add-files` (PDFs, scans, spreadsheets, CSVs, ZIPs of them).
    """


@request.command("new")
@click.option("--agency", required=True, help="Agency the request was sent to.")
@click.option("--subject", required=True, help="What was requested.")
@click.option("--filed", type=_DATE, help="Date filed, YYYY-MM-DD [default: today].")
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
    from records.requests import file_request, require_request

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
    if row["due"]:
        unit = "business" if business_days else "calendar"
        due = f"due {row['due']} ({statute_days} {unit} days after {row['filed']})"
    else:
        due = "no due date (give --statute-days to compute one)"
    click.echo(f"request {request_id} filed with {row['agency']}: {due}")


@request.command("update")
@click.argument("request_id", type=int, metavar="ID")
@click.option(
    "--status",
    required=True,
    type=click.Choice(["acknowledged", "partial", "fulfilled", "denied", "appealed", "withdrawn"]),
    help="The request's new status.",
)
@click.option("--note", help="What happened (kept in the request's history).")
@click.option("--due", type=_DATE, help="New due date, YYYY-MM-DD (e.g. after an extension).")
@pass_paths
def update(
    paths: Paths, request_id: int, status: str, note: str | None, due: datetime | None
) -> None:
    """Record a change in a request's status."""
    from records.requests import update_request

    row = update_request(_db(paths), request_id, status=status, note=note, due=_as_date(due))
    click.echo(
        f"request {request_id} is now {row['status']}"
        + (f", due {row['due']}" if row["due"] else "")
    )


@request.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include closed requests.")
@pass_paths
def list_command(paths: Paths, show_all: bool) -> None:
    """List open requests (all with --all) by due date, with days overdue."""
    from records.requests import list_requests

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
    from db.requests import request_documents, request_history
    from records.requests import require_request

    db = _db(paths)
    row = require_request(db, request_id)
    click.echo(f"request {row['id']}: {row['agency']}: {row['subject']}")
    for key in ("status", "filed", "due", "tracking_number", "statute_days"):
        if row[key] is not None:
            click.echo(f"  {key.replace('_', ' ')}: {row[key]}")
    click.echo("history:")
    for event in request_history(db, request_id):
        note = f" - {event['note']}" if event["note"] else ""
        click.echo(f"  {event['time']}  {event['status']}{note}")
    documents = request_documents(db, request_id)
    click.echo(f"documents: {len(documents)}")
    for doc in documents:
        error = f" ({doc['error']})" if doc["status"] == "failed" and doc["error"] else ""
        click.echo(f"  {doc['document'][:12]}  {doc['status']:<10}  {doc['filename']}{error}")


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

    from records.cli import _check_parser, print_summary
    from records.pipeline import add_files
    from records.requests import require_request

    if parser_name:
        _check_parser(parser_name)
    require_request(_db(paths), request_id)
    config = None
    if paths.sources.exists():
        from records.config import load_config

        config = load_config(paths.sources)
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
