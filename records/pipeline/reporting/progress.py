"""Structured progress of long work, for whoever shows it (a terminal bar, a log).

The pipeline has always reported progress as plain lines (``summary.Progress``, a callable
taking a string). A reporter that also wants counts implements ``ProgressEvents`` —
``start(task, total)``, ``advance(task, amount)``, ``finish(task)`` — and is passed where a
``Progress`` goes; ``events_of`` gives the pipeline the events side (doing nothing for a
plain callable such as ``logging.info``). Rendering belongs to the caller
(``records.cli.progress`` draws a bar on a terminal): nothing here prints.

Tasks: ``DOCUMENTS`` parsed and loaded, their ``PAGES`` (totals known before parsing) and
``OCR_PAGES`` read by OCR (counted apart, as they come: which pages are scans is only known
once a worker has read them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pypdfium2 as pdfium

from records.core.filetypes import sniff

DOCUMENTS = "documents"
PAGES = "pages"
OCR_PAGES = "OCR pages"


@runtime_checkable
class ProgressEvents(Protocol):
    def start(self, task: str, total: int | None) -> None:
        """A task begins; ``total`` is None when not known in advance."""
        ...

    def advance(self, task: str, amount: int = 1) -> None: ...

    def finish(self, task: str) -> None: ...


class _NoEvents:
    def start(self, task: str, total: int | None) -> None:
        return None

    def advance(self, task: str, amount: int = 1) -> None:
        return None

    def finish(self, task: str) -> None:
        return None


NO_EVENTS: ProgressEvents = _NoEvents()


def events_of(progress: Any) -> ProgressEvents:
    """The events side of a progress reporter (nothing happens for a plain callable)."""
    return progress if isinstance(progress, ProgressEvents) else NO_EVENTS


def page_count(path: Path) -> int | None:
    """Pages of the PDF at ``path`` (None: not a PDF, or unreadable — the parse says why)."""
    try:
        with path.open("rb") as handle:
            if sniff(handle.read(1024)) != "pdf":
                return None
        document = pdfium.PdfDocument(path)
    except (OSError, pdfium.PdfiumError):
        return None
    try:
        return len(document)
    finally:
        document.close()


class ParseProgress:
    """Counts for one parse stage: documents, their pages, OCR'd pages."""

    def __init__(self, progress: Any, documents: Sequence[dict[str, Any]], paths: Sequence[Path]):
        self.events = events_of(progress)
        self.pages: list[int] = []
        if self.events is NO_EVENTS:
            return
        for document, path in zip(documents, paths, strict=True):
            known = document.get("pages")
            self.pages.append(known if isinstance(known, int) else page_count(path) or 0)
        self.events.start(DOCUMENTS, len(paths))
        self.events.start(PAGES, sum(self.pages) or None)
        self.events.start(OCR_PAGES, None)

    def loaded(self, index: int, ocr_pages: int = 0) -> None:
        """Document ``index`` (of the sequence given) is loaded or failed: counted done."""
        if self.events is NO_EVENTS:
            return
        self.events.advance(PAGES, self.pages[index])
        if ocr_pages:
            self.events.advance(OCR_PAGES, ocr_pages)
        self.events.advance(DOCUMENTS)

    def close(self) -> None:
        if self.events is NO_EVENTS:
            return
        for task in (OCR_PAGES, PAGES, DOCUMENTS):
            self.events.finish(task)
