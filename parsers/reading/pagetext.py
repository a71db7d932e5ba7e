"""The plain text of each page of a PDF, and whether the page is a scan needing OCR.

Pure like every parser module: a file in, values out. ``db.pages`` stores the result for
full-text search; ``records.pipeline.ocr`` uses ``needs_ocr`` to decide which pages to OCR.

A page counts as a scan when it has (almost) no text layer but is mostly covered by
images. "Almost": records offices often stamp a Bates number or a "page 3 of 9" as real
text on top of a scanned page, which must not hide the scan from OCR.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from records.core.errors import ParseError

#: Version of the extraction; stored with each page so a change re-indexes old pages.
VERSION = "1"

#: A page with fewer printed characters than this has no real text layer (a Bates stamp
#: or page number at most).
SCAN_MAX_TEXT_CHARS = 20

#: ... and is a scan when images cover at least this share of it (a blank page is not).
SCAN_MIN_IMAGE_SHARE = 0.5


@dataclass(frozen=True)
class PageText:
    """One page: its number (1-based), text, how many characters it prints, image cover."""

    page: int
    text: str
    n_chars: int
    image_share: float

    @property
    def needs_ocr(self) -> bool:
        return self.n_chars < SCAN_MAX_TEXT_CHARS and self.image_share >= SCAN_MIN_IMAGE_SHARE


def read_pages(path: Path, name: str | None = None) -> list[PageText]:
    """Text and scan signs of every page; ParseError naming the file when it cannot be read.

    ``name`` is what to call the file in messages (archived files are named by digest).
    """
    # Imported here, not at the top: ``db.pages`` stores ``PageText``, and commands that
    # open the database without parsing (``records status``) must not load pdfplumber.
    from parsers.reading.document import open_document

    label = name or path.name
    try:
        document = open_document(path)
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ParseError(_open_error(label, exc)) from exc
    try:
        with document:
            pages = []
            for page in document.pages:
                try:
                    pages.append(_read_page(page))
                except Exception as exc:  # one broken page spoils the document
                    raise ParseError(
                        f"{label}: page {page.page_number} cannot be read "
                        f"({type(exc).__name__}: {exc})"
                    ) from exc
                finally:
                    # The parse reads the same page next: kept unless the document is huge.
                    document.done_with(page)
    except ParseError:
        raise
    except Exception as exc:  # the page tree itself is broken
        raise ParseError(_open_error(label, exc)) from exc
    if not pages:
        raise ParseError(f"{label}: PDF has no pages")
    return pages


def page_text(page: Any) -> PageText:
    """One open pdfplumber page's ``PageText``, as ``read_pages`` reads it (for a reader
    that has the page open already: the generic extractor's page workers)."""
    return _read_page(page)


def _read_page(page: Any) -> PageText:
    from parsers.reading.chars import light_chars  # imports pdfplumber: see read_pages

    n_chars = sum(1 for char in light_chars(page) if not char["text"].isspace())
    text = page.extract_text() or ""
    return PageText(
        page=page.page_number,
        text=text,
        n_chars=n_chars,
        image_share=_image_share(page),
    )


def _image_share(page: Any) -> float:
    """Share of the page covered by images (overlaps counted once at most as the page)."""
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return 0.0
    x_min, y_min = float(page.bbox[0]), float(page.bbox[1])
    covered = 0.0
    for image in page.images:
        x0 = max(float(image["x0"]), x_min)
        x1 = min(float(image["x1"]), x_min + width)
        top = max(float(image["top"]), y_min)
        bottom = min(float(image["bottom"]), y_min + height)
        if x1 > x0 and bottom > top:
            covered += (x1 - x0) * (bottom - top)
    return min(1.0, covered / (width * height))


def _open_error(label: str, exc: Exception) -> str:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(
        exc, PDFPasswordIncorrect | PDFEncryptionError
    ):
        return f"{label}: encrypted PDF: it needs a password to open (ask for an unlocked copy)"
    return f"{label}: not a readable PDF ({type(cause).__name__}: {cause})"
