"""What every command module shares: the error-to-exit-code group, the paths decorator,
reading the sources file, the end-of-run summary."""

from __future__ import annotations

import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import click

from records.core.config import Config, load_config
from records.core.errors import ConfigError, Interrupted, LockHeld, RecordsError
from records.core.paths import Paths
from records.core.printable import printable


class RecordsGroup(click.Group):
    """Turns our own errors into one clear line and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with signals_interrupt():
                return super().invoke(ctx)
        except ConfigError as exc:
            click.secho(f"Configuration error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except Interrupted as exc:
            # SIGTERM/SIGINT: the pipeline finished or rolled back the document in hand and
            # marked the run interrupted. 130 is the shell's code for "stopped by a signal".
            click.secho(
                "Interrupted: the run stopped between documents and is marked"
                " 'interrupted'; nothing was half-written.",
                fg="yellow",
                err=True,
            )
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            # A second signal, or a signal to a command with no graceful stop (status,
            # extract): never click's "Aborted!" and exit 1.
            why = f" ({exc})" if str(exc) else ""
            click.secho(
                f"Interrupted{why}: an open transaction was rolled back; nothing was half-written.",
                fg="yellow",
                err=True,
            )
            ctx.exit(Interrupted.exit_code)
        except LockHeld as exc:
            click.secho(str(exc), fg="yellow", err=True)
            ctx.exit(exc.exit_code)
        except RecordsError as exc:
            click.secho(f"Error: {printable(exc)}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except (sqlite3.DatabaseError, OSError) as exc:
            # A full disk or a damaged database: one line naming the file, no traceback.
            from records.cli.problems import explain

            found = explain(exc, ctx.find_object(Paths))
            if found is None:
                raise
            message, code = found
            click.secho(f"Error: {message}", fg="red", err=True)
            ctx.exit(code)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """SIGTERM stops a command like Ctrl-C does (KeyboardInterrupt, exit 130), not with the
    default 143. Commands with a graceful stop (run, parse, add, schedule) install their
    own handlers inside this block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")


#: Passes the ``Paths`` resolved by the ``records`` group (options > environment > defaults).
pass_paths = click.make_pass_decorator(Paths)


def load_sources(paths: Paths, *, to_crawl: bool = False) -> Config:
    """The sources file in use, validated, parser names included. A file of ``[settings]``
    alone (a desk that only adds records-request responses, with its own templates) is
    valid, except for a command that crawls (``to_crawl``)."""
    from parsers.registry import parser_names

    config = load_config(paths.sources, known_parsers=parser_names)
    if to_crawl and not config.sources:
        raise ConfigError(
            f"{config.path}: no [[source]] entries: nothing to crawl (README, 'Adding a source')"
        )
    return config


def say(message: str) -> None:
    """Progress lines go to stderr, so stdout stays data (JSON, CSV, summaries); names in
    them are shown with control characters escaped (``records.core.printable``)."""
    click.echo(printable(message), err=True)


def print_summary(summary: Any) -> None:
    """The end-of-run summary every ingesting command prints."""
    click.echo(
        f"run {summary.run_id}: {summary.documents_new} new document(s),"
        f" {summary.documents_unchanged} unchanged, {summary.documents_failed} failed,"
        f" {summary.documents_quarantined} quarantined; {summary.rows_added} row(s) added;"
        + (
            f" {summary.drift_rows} row(s) of quarantined documents loaded flagged layout_drift;"
            if getattr(summary, "drift_rows", 0)
            else ""
        )
        + f" {len(summary.errors)} error(s)"
        + (f"; {len(summary.warnings)} warning(s)" if getattr(summary, "warnings", None) else "")
    )
    for error in summary.errors:
        where = error.get("url") or error.get("source") or ""
        message = error["message"]
        line = (
            message if where and where in message else f"{where}: {message}" if where else message
        )
        click.secho(f"  error [{error.get('stage', '?')}] {printable(line)}", fg="red", err=True)
    for warning in getattr(summary, "warnings", ()):
        message = printable(warning["message"])
        click.secho(f"  warning [{warning['kind']}] {message}", fg="yellow", err=True)


def exit_for(summary: Any) -> None:
    if not summary.ok:
        sys.exit(1)


def check_parser(name: str, settings: Any = None) -> None:
    from parsers.registry import parser_names

    known = parser_names(settings)
    if name not in known:
        raise click.BadParameter(
            f"unknown parser {name!r} (known: {', '.join(known)})", param_hint="--parser"
        )


def sources_settings(paths: Paths) -> Any:
    """The sources file's ``[settings]`` (its template folders) when there is a sources
    file; None for commands that work without one, such as ``records extract``."""
    if not paths.sources.exists():
        return None
    return load_config(paths.sources).settings
