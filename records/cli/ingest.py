"""`records run`, `crawl`, `parse` and `add`: the commands that ingest documents (with a
progress bar on a terminal, plain lines otherwise: ``records.cli.progress``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from records.cli.common import check_parser, exit_for, load_sources, pass_paths, print_summary
from records.cli.progress import progress_reporter
from records.core.paths import Paths


def cluster_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--cluster`` and ``--shared-archive``: where the parse stage runs (docs/scaling.md)."""
    command = click.option(
        "--shared-archive/--send-documents",
        "shared_archive",
        default=None,
        help="Cluster workers read the archive folder at this same path (a shared mount),"
        " or get each document sent with its job [default: [settings] shared_archive, else"
        " send].",
    )(command)
    return click.option(
        "--cluster",
        metavar="tcp://HOST:PORT",
        envvar="RECORDS_CLUSTER",
        default=None,
        help="Parse on this Dask scheduler's workers (needs pip install"
        " 'agency-records[cluster]'); `local`: this machine [default: [settings] cluster, else"
        " this machine; env RECORDS_CLUSTER].",
    )(command)


@click.command()
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@cluster_options
@pass_paths
def run(
    paths: Paths, source_names: tuple[str, ...], cluster: str | None, shared_archive: bool | None
) -> None:
    """Crawl, parse and load the named sources (default: all).

    Exit status: 0 all went well, 1 some source or document failed (the rest loaded),
    2 usage or configuration error, 3 another process is ingesting the source.
    """
    _crawl_and_run(
        paths, source_names, cluster=cluster, shared_archive=shared_archive, do_parse=True
    )


def _crawl_and_run(paths: Paths, source_names: tuple[str, ...], **options: Any) -> None:
    """Run the pipeline on the named sources, its crawl child started first: the child
    imports Scrapy while this process imports the pipeline and reads the sources (an
    unchanged weekly run is mostly that child's start). Prints the summary and exits."""
    from scrapers.crawl import CrawlChild

    with CrawlChild(database=paths.db) as crawler:
        from records.pipeline.run import run as run_pipeline

        config = load_sources(paths, to_crawl=True)
        summary = run_pipeline(
            config,
            source_names,
            paths=paths,
            progress=progress_reporter(),
            crawler=crawler,
            **options,
        )
    print_summary(summary)
    exit_for(summary)


@click.command(short_help="Only download new documents into the archive.")
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@pass_paths
def crawl(paths: Paths, source_names: tuple[str, ...]) -> None:
    """Download new documents of the named sources into the archive, without parsing."""
    _crawl_and_run(paths, source_names, do_parse=False)


@click.command(short_help="Parse archived documents not parsed yet.")
@click.option(
    "--reparse", is_flag=True, help="Also re-parse documents parsed by an older parser version."
)
@click.option("--all", "everything", is_flag=True, help="Re-parse every archived document.")
@click.option("--workers", type=int, default=None, help="Parallel parser processes.")
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@cluster_options
@pass_paths
def parse(
    paths: Paths,
    reparse: bool,
    everything: bool,
    workers: int | None,
    source_names: tuple[str, ...],
    cluster: str | None,
    shared_archive: bool | None,
) -> None:
    """Parse archived documents that have not been parsed yet (and, with --reparse, those
    parsed by an older parser version), replacing their rows one document at a time."""
    from records.pipeline.parse import parse_archived

    summary = parse_archived(
        load_sources(paths),
        source_names,
        paths=paths,
        reparse=reparse,
        everything=everything,
        workers=workers,
        progress=progress_reporter(),
        cluster=cluster,
        shared_archive=shared_archive,
    )
    print_summary(summary)
    exit_for(summary)


@click.command(short_help="Archive and parse local files (records-request responses).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", "source_name", help="Source the files belong to (optional).")
@click.option(
    "--parser", "parser_name", help="Parser to use [default: the source's, else detected]."
)
@click.option("--request", "request_id", type=int, help="Records request these files answer.")
@cluster_options
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse files larger than this [default: [settings] max_bytes, 500 MB].",
)
@pass_paths
def add(
    paths: Paths,
    files: tuple[str, ...],
    source_name: str | None,
    parser_name: str | None,
    request_id: int | None,
    cluster: str | None,
    shared_archive: bool | None,
    max_bytes: int | None,
) -> None:
    """Archive local files (records-request responses, downloads) and parse them."""
    from records.pipeline.add import add_files

    config = load_sources(paths) if paths.sources.exists() else None
    if source_name and config is not None:
        config.source(source_name)
    if parser_name:
        # Templates in the sources file's folders are parsers too.
        check_parser(parser_name, config.settings if config is not None else None)
    summary = add_files(
        [Path(f) for f in files],
        paths=paths,
        config=config,
        source=source_name,
        parser_name=parser_name,
        request_id=request_id,
        progress=progress_reporter(),
        cluster=cluster,
        shared_archive=shared_archive,
        max_bytes=max_bytes,
    )
    print_summary(summary)
    exit_for(summary)
