"""`records sources`, `status` and `extract`: commands that look, and write nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from records.cli.common import check_parser, load_sources, pass_paths, sources_settings
from records.core.paths import Paths


@click.command()
@pass_paths
def sources(paths: Paths) -> None:
    """List the configured sources."""
    config = load_sources(paths)
    click.echo(f"{len(config.sources)} source(s) in {config.path}:")
    for source in config.sources:
        click.echo(f"\n{click.style(source.name, bold=True)}  {source.title}")
        click.echo(f"  agency:   {source.agency}")
        click.echo(f"  url:      {source.url}")
        click.echo(f"  parser:   {source.parser}")
        click.echo(f"  schedule: {source.schedule} ({config.settings.timezone})")


@click.command()
@click.option("--limit", default=5, show_default=True, help="How many recent runs and errors.")
@pass_paths
def status(paths: Paths, limit: int) -> None:
    """Show the last runs, documents by status and recent errors."""
    from records.cli.status_report import print_status

    print_status(paths, limit=limit, echo=click.echo)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--parser", "parser_name", help="Parser to use [default: detected].")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--pages",
    "pages_text",
    metavar="RANGE",
    help='Only the tables printed on these pages, e.g. "3" or "1-2,5" [default: all].',
)
@pass_paths
def extract(
    paths: Paths, file: str, parser_name: str | None, fmt: str, pages_text: str | None
) -> None:
    """Print what FILE parses to, without touching the database."""
    from parsers.templates.spec import page_numbers
    from records.cli.extracting import extract as extract_tables
    from records.cli.extracting import page_count, to_csv
    from records.core.errors import TemplateError

    settings = sources_settings(paths)
    if parser_name:
        check_parser(parser_name, settings)
    warnings: list[str] = []
    notices: list[str] = []
    pages = None
    if pages_text:
        try:
            pages = page_numbers(pages_text, page_count(Path(file)))
        except TemplateError as exc:
            raise click.BadParameter(str(exc), param_hint="--pages") from exc
        if not pages:
            raise click.BadParameter(f"{file} has no page {pages_text}", param_hint="--pages")
    tables = extract_tables(
        Path(file),
        parser_name,
        warn=warnings.append,
        notice=notices.append,
        settings=settings,
        pages=pages,
    )
    if fmt == "json":
        click.echo(json.dumps(tables, indent=2, ensure_ascii=False, default=str))
    else:
        keep = settings is not None and settings.csv_formulas == "keep"
        click.echo(to_csv(tables, neutralise=not keep), nl=False)
    # A template that refused the file: the generic tables are printed, and this says why
    # (exit 0: what is printed is a complete generic extraction).
    for note in notices:
        click.secho(f"Warning: {note}", fg="yellow", err=True)
    for warning in warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if warnings:
        sys.exit(1)
