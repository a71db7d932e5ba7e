"""Every error this project raises on purpose, in one place.

The CLI turns these into one clear line each; anything else is a bug.
"""

from __future__ import annotations


class RecordsError(Exception):
    """Base class: a problem we can explain to the user in one sentence."""


class ConfigError(RecordsError):
    """Raised by ``records.config`` when ``sources.toml`` (or another sources file) is invalid."""


class ArchiveError(RecordsError):
    """Raised by ``records.archive`` when a file cannot be stored or found in the archive."""


class ParseError(RecordsError):
    """Raised by a parser when a file cannot be read at all (corrupt, encrypted, wrong type)."""


class LayoutMismatch(ParseError):
    """Raised by a parser when a document does not match the layout its template expects."""


class UnsupportedFile(ParseError):
    """Raised by ``parsers.registry`` when no parser can read a file's type."""


class LockHeld(RecordsError):
    """Raised by ``records.locks`` when another process is already ingesting a source."""

    exit_code = 3


class Interrupted(KeyboardInterrupt):
    """Raised by ``records.interrupt.check`` (called by ``records.pipeline`` between documents)
    after SIGTERM or SIGINT asked a run to stop. A KeyboardInterrupt, so it unwinds like Ctrl-C
    and no ``except Exception`` swallows it; the run is then marked ``interrupted``."""


class RequestError(RecordsError):
    """Raised by ``records.requests`` for an unknown request id or an invalid status change."""


class OcrError(RecordsError):
    """Raised by ``records.ocr`` when ocrmypdf/Tesseract is missing or fails on a scanned PDF
    (the pipeline records it and parses the original without OCR text)."""


class TemplateError(ConfigError):
    """Raised by ``parsers.template_spec`` when a report template (``parsers/templates/*.toml``)
    is invalid; the message names the template file and the key at fault."""
