"""Before a PDF is parsed: read its page text and OCR its scanned pages, in three steps.

``plan`` (main process) asks the database what the document needs; ``prepare`` (a parse
worker of ``records.pipeline.parse``, no database) reads the page text, finds pages with no text
layer (see ``parsers.reading.pagetext``), runs ``ocrmypdf`` (Tesseract) on those pages only and
stores the result in the archive beside the original (which is never changed); the parser
then reads that copy. ``record_prepared`` (main process) writes what was done: the page
text and the copy's ``documents`` row (``derived_from`` = the original, status ``ocr-copy``).
Parsers stay pure and never OCR.

Rows parsed from the copy are recorded against the original, flagged by the document facts
``ocr``/``ocr_pages``/``ocr_copy``/``ocr_confidence`` (``db.derived.ocr_facts``), page rows
read by OCR have ``pages.ocr`` = 1, and typed-table rows of those pages ``ocr`` = 1 with the
page's mean Tesseract word confidence (``db.typed``). A document is OCR'd once: later
parses reuse the archived copy.

Needs Debian's ``ocrmypdf`` and ``tesseract-ocr-eng`` (other languages: install
``tesseract-ocr-LANG`` and set ``RECORDS_OCR_LANGUAGES``, e.g. ``eng+spa``). When they are
missing, or OCR fails, the document is still parsed from its original and the error is
recorded naming the file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils

from db.derived import ocr_copy_of, record_ocr_copy
from db.pages import index_pages, pages_indexed, unread_scans
from db.runs import record_error
from parsers.generic.spill import SpilledRows
from parsers.reading.pagetext import PageText, read_pages
from records.core.archive import Archive
from records.core.errors import OcrError
from records.core.filetypes import sniff

#: Tesseract languages, '+'-joined; each needs its Debian package tesseract-ocr-LANG.
DEFAULT_LANGUAGES = "eng"

#: Give up on one page after this long (a page of dense small print takes ~5 s).
PAGE_TIMEOUT_SECONDS = 180

#: ocrmypdf's exit codes worth explaining (see its documentation, "Return codes").
_EXIT_REASONS = {
    2: "the input is not a PDF ocrmypdf can read",
    3: "a program ocrmypdf needs is missing",
    6: "the page already has text",
    8: "the PDF is encrypted",
}


def languages() -> str:
    return os.environ.get("RECORDS_OCR_LANGUAGES") or DEFAULT_LANGUAGES


def missing_tools() -> list[str]:
    """The OCR programs not on PATH (empty when OCR can run)."""
    return [tool for tool in ("ocrmypdf", "tesseract") if shutil.which(tool) is None]


@cache
def engine_version() -> str:
    """e.g. ``ocrmypdf 14.0.1 + tesseract 5.3.0``, stored with each OCR copy."""
    parts = []
    for tool in ("ocrmypdf", "tesseract"):
        try:
            out = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            parts.append(f"{tool} ?")
            continue
        first = (out.stdout or out.stderr).strip().splitlines()
        version = first[0].split()[-1] if first else "?"
        parts.append(f"{tool} {version}")
    return " + ".join(parts)


def run_ocr(path: Path, pages: list[int], *, name: str) -> bytes:
    """OCR the given pages (1-based) of the PDF at ``path``; return the new PDF's bytes.

    Only those pages are rasterised and read; the others pass through untouched.
    """
    return run_ocr_with_confidence(path, pages, name=name)[0]


def run_ocr_with_confidence(
    path: Path, pages: list[int], *, name: str
) -> tuple[bytes, dict[int, float]]:
    """``run_ocr``, and Tesseract's mean word confidence (0-100) of each page it read.

    The hOCR renderer keeps Tesseract's word confidences (``x_wconf``) in its work files;
    ocrmypdf keeps those (``--keep-temporary-files``) in our temporary folder (``TMPDIR``),
    deleted with it.
    """
    missing = missing_tools()
    if missing:
        raise OcrError(
            f"{name}: {_pages_text(pages)} without a text layer (scanned), but OCR is"
            f" unavailable: {' and '.join(missing)} not found"
            " (apt-get install ocrmypdf tesseract-ocr-eng)"
        )
    with tempfile.TemporaryDirectory(prefix="records-ocr-") as tmp:
        output = Path(tmp) / "ocr.pdf"
        command = [
            "ocrmypdf",
            # Rasterise the selected pages even if a stamp left a few characters of text.
            "--force-ocr",
            "--pages", ",".join(str(p) for p in pages),
            # Plain PDF: no PDF/A conversion, images kept as they were (faster, faithful).
            "--output-type", "pdf",
            "--optimize", "0",
            "--language", languages(),
            "--tesseract-timeout", str(PAGE_TIMEOUT_SECONDS),
            # hOCR keeps the word confidences; its work files stay in tmp (see above).
            "--pdf-renderer", "hocr",
            "--keep-temporary-files",
            "--quiet",
            str(path),
            str(output),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=60 + PAGE_TIMEOUT_SECONDS * len(pages),
                # One thread per Tesseract: its OpenMP threads spin on a busy machine and a
                # page then takes minutes (past the page timeout, leaving it without text).
                env={**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": tmp},
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"{name}: OCR took longer than {exc.timeout:.0f} s; gave up") from exc
        except OSError as exc:
            raise OcrError(f"{name}: cannot run ocrmypdf ({exc.strerror})") from exc
        if done.returncode != 0 or not output.exists():
            reason = _EXIT_REASONS.get(done.returncode, "")
            detail = _last_line(done.stderr)
            why = "; ".join(x for x in (reason, detail) if x)
            raise OcrError(f"{name}: OCR failed (ocrmypdf exit {done.returncode}: {why})")
        return output.read_bytes(), page_confidences(Path(tmp))


_WORD_CONFIDENCE = re.compile(r"x_wconf (\d+)")


def page_confidences(folder: Path) -> dict[int, float]:
    """Page -> mean word confidence, from the ``NNNNNN_ocr_hocr.hocr`` files under ``folder``."""
    found: dict[int, float] = {}
    for hocr in folder.rglob("*_ocr_hocr.hocr"):
        prefix = hocr.name.split("_", 1)[0]
        if not prefix.isdigit():
            continue
        scores = [int(v) for v in _WORD_CONFIDENCE.findall(hocr.read_text(errors="replace"))]
        if scores:
            found[int(prefix)] = round(sum(scores) / len(scores), 1)
    return found


@dataclass(frozen=True)
class Plan:
    """What a document needs before parsing, decided from the database (main process)."""

    read_pages: bool  # read its page text (and OCR the scanned pages)
    ocr_copy: str | None = None  # sha256 of an OCR copy made earlier: parse that


@dataclass
class Prepared:
    """What a worker did before parsing: page text read, OCR copy archived, or why not."""

    target: Path
    pages: list[PageText] | None = None
    ocr_sha256: str | None = None
    ocr_size: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    #: Text of the OCR'd pages, read from the OCR copy (page -> text).
    ocr_texts: dict[int, str] = field(default_factory=dict)
    #: Tesseract's mean word confidence of each OCR'd page (page -> 0-100).
    ocr_confidence: dict[int, float] = field(default_factory=dict)
    ocr_error: str | None = None
    #: A long PDF's page text, read by the generic extractor's page workers and kept in its
    #: parse's spill (``parsers.generic.spill``) instead of ``pages``.
    spilled_pages: SpilledRows | None = None


def plan(db: sqlite_utils.Database, archive: Archive, document: dict[str, Any], path: Path) -> Plan:
    """Nothing for a non-PDF; else reuse an earlier OCR copy, and read page text unless the
    pages are already indexed by the current extractor with every scan read."""
    with path.open("rb") as handle:
        if sniff(handle.read(1024)) != "pdf":
            return Plan(read_pages=False)
    sha = document["sha256"]
    copy = ocr_copy_of(db, sha)
    if copy is not None and copy[0] in archive:
        return Plan(read_pages=not pages_indexed(db, sha), ocr_copy=copy[0])
    return Plan(read_pages=not (pages_indexed(db, sha) and not unread_scans(db, sha)))


def prepare(path: Path, label: str, archive_root: Path, work: Plan) -> Prepared:
    """Read page text and OCR the scanned pages (worker process: no database).

    Raises ParseError (naming the file) when the PDF cannot be opened, e.g. encrypted. An
    OCR failure is returned in ``ocr_error``: the original is parsed instead.
    """
    archive = Archive(archive_root)
    if work.ocr_copy is not None:
        copy = archive.get(work.ocr_copy)
        if not work.read_pages:
            return Prepared(target=copy)
        pages = read_pages(path, label)
        scanned = [p.page for p in pages if p.needs_ocr]
        return Prepared(target=copy, pages=pages, ocr_texts=_texts(copy, scanned, label))
    if not work.read_pages:
        return Prepared(target=path)
    pages = read_pages(path, label)
    scanned = [p.page for p in pages if p.needs_ocr]
    if not scanned:
        return Prepared(target=path, pages=pages)
    try:
        data, confidence = run_ocr_with_confidence(path, scanned, name=label)
    except OcrError as exc:
        return Prepared(target=path, pages=pages, ocr_error=str(exc))
    copy_sha = archive.put(data)
    copy = archive.get(copy_sha)
    return Prepared(
        target=copy,
        pages=pages,
        ocr_sha256=copy_sha,
        ocr_size=len(data),
        ocr_pages=scanned,
        ocr_texts=_texts(copy, scanned, label),
        ocr_confidence=confidence,
    )


def _texts(copy: Path, pages: list[int], label: str) -> dict[int, str]:
    """The OCR copy's text of the given pages."""
    wanted = set(pages)
    return {p.page: p.text for p in read_pages(copy, label) if p.page in wanted}


def record_prepared(
    db: sqlite_utils.Database,
    document: dict[str, Any],
    prepared: Prepared,
    *,
    run_id: int | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> None:
    """Write what ``prepare`` did: the OCR copy's documents row, an OCR error, page text."""
    sha = document["sha256"]
    if prepared.ocr_error:
        record_error(
            db,
            run=run_id,
            stage="ocr",
            message=prepared.ocr_error,
            source=document.get("source"),
            url=document.get("url"),
            document=sha,
        )
        if errors is not None:
            errors.append(
                {"stage": "ocr", "url": document.get("url"), "message": prepared.ocr_error}
            )
    if prepared.ocr_sha256:
        record_ocr_copy(
            db,
            original=document,
            sha256=prepared.ocr_sha256,
            size=prepared.ocr_size,
            pages=prepared.ocr_pages,
            engine=engine_version(),
            confidence=prepared.ocr_confidence,
        )
    if prepared.pages is not None:
        index_pages(db, sha, prepared.pages, prepared.ocr_texts)
    elif prepared.spilled_pages is not None:
        index_pages(db, sha, prepared.spilled_pages.page_texts())


def _pages_text(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:10])
    more = f" and {len(pages) - 10} more" if len(pages) > 10 else ""
    return f"page{'s' if len(pages) > 1 else ''} {shown}{more}"


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
