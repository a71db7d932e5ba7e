"""The pipeline stage run before a PDF is parsed: OCR its scanned pages, index its page text.

Parsers stay pure and never OCR: this stage finds pages with no text layer (see
``parsers.pagetext``), runs ``ocrmypdf`` (Tesseract) on those pages only, stores the result
in the archive beside the original (which is never changed) with a ``documents`` row
(``derived_from`` = the original, status ``ocr-copy``), and hands the copy to the parser.
Rows parsed from the copy are recorded against the original, flagged by the document facts
``ocr``/``ocr_pages``/``ocr_copy`` (``db.derived.ocr_facts``), and page rows read by OCR have
``pages.ocr`` = 1. A document is OCR'd once: later parses reuse the archived copy.

Needs Debian's ``ocrmypdf`` and ``tesseract-ocr-eng`` (other languages: install
``tesseract-ocr-LANG`` and set ``RECORDS_OCR_LANGUAGES``, e.g. ``eng+spa``). When they are
missing, or OCR fails, the document is still parsed from its original and the error is
recorded naming the file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils

from db.derived import ocr_copy_of, record_ocr_copy
from db.pages import index_pages, pages_indexed, unread_scans
from db.runs import record_error
from parsers.pagetext import read_pages
from records.archive import Archive
from records.exceptions import OcrError
from records.filetypes import sniff

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
        return output.read_bytes()


def prepare_for_parsing(
    db: sqlite_utils.Database,
    archive: Archive,
    document: dict[str, Any],
    path: Path,
    *,
    run_id: int | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Path:
    """For a PDF: OCR its scanned pages once and index its page text; return the file the
    parser should read (the OCR copy when there is one). Other files pass through.

    Raises ParseError (naming the file) when the PDF cannot be opened, e.g. encrypted. An
    OCR failure is recorded in ``errors`` (and the errors table); parsing goes on.
    """
    with path.open("rb") as handle:
        if sniff(handle.read(1024)) != "pdf":
            return path
    sha = document["sha256"]
    label = document.get("filename") or sha[:12]
    copy = ocr_copy_of(db, sha)
    if copy is not None and copy[0] in archive:
        if not pages_indexed(db, sha):
            index_pages(db, archive, sha, name=label)
        return archive.get(copy[0])
    if pages_indexed(db, sha) and not unread_scans(db, sha):
        return path
    pages = read_pages(path, label)
    scanned = [p.page for p in pages if p.needs_ocr]
    target = path
    if scanned:
        try:
            data = run_ocr(path, scanned, name=label)
        except OcrError as exc:
            record_error(
                db,
                run=run_id,
                stage="ocr",
                message=str(exc),
                source=document.get("source"),
                url=document.get("url"),
                document=sha,
            )
            if errors is not None:
                errors.append({"stage": "ocr", "url": document.get("url"), "message": str(exc)})
        else:
            copy_sha = archive.put(data)
            record_ocr_copy(
                db,
                original=document,
                sha256=copy_sha,
                size=len(data),
                pages=scanned,
                engine=engine_version(),
            )
            target = archive.get(copy_sha)
    index_pages(db, archive, sha, pages=pages, name=label)
    return target


def _pages_text(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:10])
    more = f" and {len(pages) - 10} more" if len(pages) > 10 else ""
    return f"page{'s' if len(pages) > 1 else ''} {shown}{more}"


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
