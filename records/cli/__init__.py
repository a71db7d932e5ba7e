"""The ``records`` command line. Thin: every command calls the pipeline, publishing or ``db/``.

One module per command group; ``common`` holds what they share.
"""

from __future__ import annotations

import click

from records.cli import foia, ingest, inspect, publish, schedule, template
from records.cli.common import RecordsGroup
from records.core.paths import Paths


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


for command in (
    ingest.run,
    ingest.crawl,
    ingest.parse,
    ingest.add,
    inspect.sources,
    inspect.status,
    inspect.extract,
    publish.serve,
    publish.demo,
    schedule.schedule,
    foia.request,
    template.template,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="records")
