"""The ``records`` command line. Thin: every command calls the pipeline or ``db/``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from records.exceptions import ConfigError, Interrupted, LockHeld, RecordsError
from records.paths import Paths


class RecordsGroup(click.Group):
    """Turns our own errors into one clear line and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.secho(f"Configuration error: {exc}", fg="red", err=True)
            ctx.exit(2)
        except Interrupted:
            # SIGTERM/SIGINT: the pipeline finished or rolled back the document in hand and
            # marked the run interrupted. 130 is the shell's code for "stopped by a signal".
            click.secho(
                "Interrupted: the run stopped between documents and is marked"
                " 'interrupted'; nothing was half-written.",
                fg="yellow",
                err=True,
            )
            ctx.exit(130)
        except LockHeld as exc:
            click.secho(str(exc), fg="yellow", err=True)
            ctx.exit(3)
        except RecordsError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(1)


pass_paths = click.make_pass_decorator(Paths)


@click.group(cls=RecordsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="RECORDS_DB",
    help="SQLite database [default: data/records.db; env RECORDS_DB].",
)
@click.option(
    "--archive",
    type=click.Path(file_okay=False),
    envvar="RECORDS_ARCHIVE",
    help="Archive folder [default: data/archive; env RECORDS_ARCHIVE].",
)
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False),
    envvar="RECORDS_SOURCES",
    help="Sources file [default: sources.toml; env RECORDS_SOURCES].",
)
@click.version_option(package_name="agency-records")
@click.pass_context
def cli(ctx: click.Context, db: str | None, archive: str | None, sources_file: str | None) -> None:
    """Turn agency reports and public-records responses into a database reporters can
    query, check and cite.

    New here? `records demo` runs everything offline on a sample site. Then add your
    agency to sources.toml (see README.md), check it with `records sources`, load it with
    `records run`, and browse it with `records serve`.

    \b
    Exit status: 0 all went well; 1 a source or document failed (the rest loaded; see
    `records status`); 2 usage or configuration error; 3 another process is ingesting.
    """
    ctx.obj = Paths.resolve(db, archive, sources_file)


def _config(paths: Paths) -> Any:
    from records.config import load_config

    return load_config(paths.sources)


def _say(message: str) -> None:
    click.echo(message, err=True)


def print_summary(summary: Any) -> None:
    """The end-of-run summary every ingesting command prints."""
    click.echo(
        f"run {summary.run_id}: {summary.documents_new} new document(s),"
        f" {summary.documents_unchanged} unchanged, {summary.documents_failed} failed,"
        f" {summary.documents_quarantined} quarantined; {summary.rows_added} row(s) added;"
        f" {len(summary.errors)} error(s)"
    )
    for error in summary.errors:
        where = error.get("url") or error.get("source") or ""
        message = error["message"]
        line = (
            message if where and where in message else f"{where}: {message}" if where else message
        )
        click.secho(f"  error [{error.get('stage', '?')}] {line}", fg="red", err=True)


def _exit_for(summary: Any) -> None:
    if not summary.ok:
        sys.exit(1)


@cli.command()
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@pass_paths
def run(paths: Paths, source_names: tuple[str, ...]) -> None:
    """Crawl, parse and load the named sources (default: all).

    Exit status: 0 all went well, 1 some source or document failed (the rest loaded),
    2 usage or configuration error, 3 another process is ingesting the source.
    """
    from records.pipeline import run as run_pipeline

    config = _config(paths)
    summary = run_pipeline(config, source_names, paths=paths, progress=_say)
    print_summary(summary)
    _exit_for(summary)


@cli.command(short_help="Only download new documents into the archive.")
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@pass_paths
def crawl(paths: Paths, source_names: tuple[str, ...]) -> None:
    """Download new documents of the named sources into the archive, without parsing."""
    from records.pipeline import run as run_pipeline

    config = _config(paths)
    summary = run_pipeline(config, source_names, paths=paths, progress=_say, do_parse=False)
    print_summary(summary)
    _exit_for(summary)


@cli.command(short_help="Parse archived documents not parsed yet.")
@click.option(
    "--reparse", is_flag=True, help="Also re-parse documents parsed by an older parser version."
)
@click.option("--all", "everything", is_flag=True, help="Re-parse every archived document.")
@click.option("--workers", type=int, default=None, help="Parallel parser processes.")
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@pass_paths
def parse(
    paths: Paths,
    reparse: bool,
    everything: bool,
    workers: int | None,
    source_names: tuple[str, ...],
) -> None:
    """Parse archived documents that have not been parsed yet (and, with --reparse, those
    parsed by an older parser version), replacing their rows one document at a time."""
    from records.pipeline import parse_archived

    summary = parse_archived(
        _config(paths),
        source_names,
        paths=paths,
        reparse=reparse,
        everything=everything,
        workers=workers,
        progress=_say,
    )
    print_summary(summary)
    _exit_for(summary)


@cli.command(short_help="Archive and parse local files (records-request responses).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", "source_name", help="Source the files belong to (optional).")
@click.option(
    "--parser", "parser_name", help="Parser to use [default: the source's, else detected]."
)
@click.option("--request", "request_id", type=int, help="Records request these files answer.")
@pass_paths
def add(
    paths: Paths,
    files: tuple[str, ...],
    source_name: str | None,
    parser_name: str | None,
    request_id: int | None,
) -> None:
    """Archive local files (records-request responses, downloads) and parse them."""
    from records.pipeline import add_files

    config = _config(paths) if paths.sources.exists() else None
    if source_name and config is not None:
        config.source(source_name)
    if parser_name:
        _check_parser(parser_name)
    summary = add_files(
        [Path(f) for f in files],
        paths=paths,
        config=config,
        source=source_name,
        parser_name=parser_name,
        request_id=request_id,
        progress=_say,
    )
    print_summary(summary)
    _exit_for(summary)


def _check_parser(name: str) -> None:
    from parsers.registry import parser_names

    if name not in parser_names():
        raise click.BadParameter(
            f"unknown parser {name!r} (known: {', '.join(parser_names())})", param_hint="--parser"
        )


@cli.command()
@pass_paths
def sources(paths: Paths) -> None:
    """List the configured sources."""
    config = _config(paths)
    click.echo(f"{len(config.sources)} source(s) in {config.path}:")
    for source in config.sources:
        click.echo(f"\n{click.style(source.name, bold=True)}  {source.title}")
        click.echo(f"  agency:   {source.agency}")
        click.echo(f"  url:      {source.url}")
        click.echo(f"  parser:   {source.parser}")
        click.echo(f"  schedule: {source.schedule} ({config.settings.timezone})")


@cli.command()
@click.option("--limit", default=5, show_default=True, help="How many recent runs and errors.")
@pass_paths
def status(paths: Paths, limit: int) -> None:
    """Show the last runs, documents by status and recent errors."""
    from records.status import print_status

    print_status(paths, limit=limit, echo=click.echo)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--parser", "parser_name", help="Parser to use [default: detected].")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
def extract(file: str, parser_name: str | None, fmt: str) -> None:
    """Print what FILE parses to, without touching the database."""
    from records.extract import extract as extract_tables
    from records.extract import to_csv

    if parser_name:
        _check_parser(parser_name)
    warnings: list[str] = []
    tables = extract_tables(Path(file), parser_name, warn=warnings.append)
    if fmt == "json":
        click.echo(json.dumps(tables, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(to_csv(tables), nl=False)
    for warning in warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if warnings:
        sys.exit(1)


@cli.command(short_help="Publish the database with Datasette (read-only).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--base-url",
    default="/",
    show_default=True,
    help="Path prefix when served behind a proxy at a sub-path, e.g. /records/.",
)
@pass_paths
def serve(paths: Paths, host: str, port: int, base_url: str) -> None:
    """Publish the database with Datasette (read-only, with our metadata and plugins)."""
    from records.serve import serve as serve_datasette

    serve_datasette(paths, host=host, port=port, base_url=base_url)


@cli.command(short_help="Run the offline demo end to end and serve it.")
@click.option("--no-serve", is_flag=True, help="Load the demo, print it, and stop.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False),
    default="data/demo",
    show_default=True,
    help="Where the demo keeps its site, database and archive.",
)
def demo(no_serve: bool, host: str, port: int, workdir: str) -> None:
    """Run the whole pipeline offline on a sample agency site this project generates,
    then serve the result with Datasette."""
    from records.demo import run_demo

    run_demo(Path(workdir), serve=not no_serve, host=host, port=port, echo=click.echo)


def main() -> None:
    cli(prog_name="records")


# Command groups that live in their own modules.
from records.cli_requests import request  # noqa: E402 - needs `cli` defined above
from records.cli_schedule import schedule  # noqa: E402

cli.add_command(schedule)
cli.add_command(request)
