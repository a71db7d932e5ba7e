"""`records serve` and `records demo`: publishing with Datasette."""

from __future__ import annotations

from pathlib import Path

import click

from records.cli.common import pass_paths
from records.core.paths import Paths


@click.command(short_help="Publish the database with Datasette (read-only).")
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
    """Publish the database with Datasette (read-only, with our metadata and plugins).

    Records requests (their tables, notes and history) are private: anonymous visitors get
    403; the data desk sees them after logging in. To log in through a proxy such as nginx
    (deploy/nginx/), set `desk_header = "X-Records-User"` in the sources file's [settings]:
    the proxy checks the password and passes the user's name in that header, believed only
    from 127.0.0.1 (keep --host 127.0.0.1). Any Datasette auth plugin that sets an actor
    (datasette-auth-passwords) works too. Step by step: docs/deploy.md.

    CSV downloads put a ' before cells a spreadsheet would run as formulas; set
    `csv_formulas = "keep"` in [settings] to turn that off.
    """
    from records.publish.serve import serve as serve_datasette

    serve_datasette(paths, host=host, port=port, base_url=base_url)


@click.command(short_help="Run the offline demo end to end and serve it.")
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
    from records.demo.run import run_demo

    run_demo(Path(workdir), serve=not no_serve, host=host, port=port, echo=click.echo)
