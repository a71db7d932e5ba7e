"""Progress of long commands (`records run`, `parse`, `add`) as the user sees it.

On a terminal: click's progress bar on stderr, counting pages when the documents' page
counts are known (else documents), with a time estimate and the counts beside it
("2/5 documents, 310/1,204 pages, OCR 12 pages"); the pipeline's line messages print
above the bar. Anywhere else (cron, CI, a log file): the same line messages and nothing
more, so logs hold no control characters. The pipeline only reports events
(``records.pipeline.reporting.progress``); drawing is done here.
"""

from __future__ import annotations

import sys
from typing import IO, Any

import click

from records.core.printable import printable
from records.pipeline.reporting.progress import DOCUMENTS, OCR_PAGES, PAGES

#: Clears the terminal line the bar is drawn on (carriage return, erase to end of line).
CLEAR_LINE = "\r\033[K"


class TerminalProgress:
    """A ``Progress`` callable with ``ProgressEvents``: line messages and a bar below them."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.totals: dict[str, int | None] = {}
        self.done: dict[str, int] = {}
        self.unit = DOCUMENTS
        self.bar: Any = None

    def __call__(self, message: str) -> None:
        if self.bar is not None:
            self.stream.write(CLEAR_LINE)
        click.echo(printable(message), file=self.stream)
        if self.bar is not None:
            self.bar._last_line = None  # the line was cleared: draw it again
            self.bar.render_progress()

    def start(self, task: str, total: int | None) -> None:
        self.totals[task] = total
        self.done[task] = 0
        if task == PAGES and total:
            self.unit = PAGES  # pages make a steadier estimate than documents of any size
        if task in (DOCUMENTS, PAGES) and self.totals.get(self.unit):
            if self.bar is None:
                self.bar = click.progressbar(
                    length=self.totals[self.unit],
                    label="Parsing",
                    file=self.stream,
                    show_eta=True,
                    show_percent=True,
                    item_show_func=lambda _: self.counts(),
                    width=24,
                )
            else:
                self.bar.length = self.totals[self.unit]
            self.bar.render_progress()

    def advance(self, task: str, amount: int = 1) -> None:
        self.done[task] = self.done.get(task, 0) + amount
        if self.bar is None:
            return
        if task == self.unit:
            self.bar.update(amount)
        else:
            self.bar.render_progress()

    def finish(self, task: str) -> None:
        if task == DOCUMENTS and self.bar is not None:
            self.bar.render_finish()
            self.bar = None

    def counts(self) -> str:
        parts = []
        for task in (DOCUMENTS, PAGES):
            total = self.totals.get(task)
            if task in self.done and total:
                parts.append(f"{self.done[task]:,}/{total:,} {task}")
        if self.done.get(OCR_PAGES):
            parts.append(f"OCR {self.done[OCR_PAGES]:,} pages")
        return ", ".join(parts)


def line_progress(message: str) -> None:
    """Progress lines go to stderr, so stdout stays data (JSON, CSV, summaries)."""
    click.echo(printable(message), err=True)


def progress_reporter(stream: IO[str] | None = None) -> Any:
    """A bar on a terminal, plain lines otherwise."""
    stream = stream if stream is not None else sys.stderr
    if stream.isatty():
        return TerminalProgress(stream)
    return line_progress
