"""Every error this project raises on purpose, in one place.

The CLI turns these into one clear line each; anything else is a bug.
"""

from __future__ import annotations


class RecordsError(Exception):
    """Base class: a problem we can explain to the user in one sentence. Raised as such by
    ``scrapers.crawl`` (the crawl process crashed or wrote no report) and ``records.publish.serve``
    (the port is taken).

    ``exit_code`` is the status the CLI exits with (README, "Exit status"); a subclass that
    means something else to a script sets its own."""

    exit_code = 1


class ConfigError(RecordsError):
    """Raised by ``records.core.config`` when a sources file (``sources.toml``) is invalid."""

    exit_code = 2


class ArchiveError(RecordsError):
    """Raised by ``records.core.archive`` when a file cannot be stored or found in the archive."""


class ParseError(RecordsError):
    """Raised by a parser (or ``parsers.reading.pagetext``) when a file cannot be read at all
    (corrupt, encrypted, wrong type), and by ``records.cli.extracting`` for a missing file (an
    unknown parser name is its subclass ``UnknownParser``)."""


class LayoutMismatch(ParseError):
    """Raised by ``records.cli.extracting`` when a template finds no rows in a document, with the
    reason (the pipeline quarantines such a document instead)."""


class UnsupportedFile(ParseError):
    """Raised by ``parsers.registry`` when no parser can read a file's type."""


class UnknownParser(ParseError):
    """Raised by ``parsers.registry.get_parser`` for a parser name that is neither a Python
    parser nor a template in the folders in use; the message lists the known names."""

    def __init__(self, name: str, known: list[str], where: str = "") -> None:
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}unknown parser {name!r} (known: {', '.join(known)})")
        self.name = name
        self.known = known


class LockHeld(RecordsError):
    """Raised by ``records.pipeline.guards.locks`` when another process is already ingesting a
    source."""

    exit_code = 3


class Interrupted(KeyboardInterrupt):
    """Raised by ``records.pipeline.guards.interrupt.check`` (called between documents) after
    SIGTERM or SIGINT asked a run to stop. A KeyboardInterrupt, so it unwinds like Ctrl-C
    and no ``except Exception`` swallows it; the run is then marked ``interrupted``."""

    #: The shell's code for "stopped by a signal" (128 + SIGINT).
    exit_code = 130


class RequestError(RecordsError):
    """Raised by ``records.foia.requests`` for an unknown request id or an invalid status change."""


class OcrError(RecordsError):
    """Raised by ``records.pipeline.ocr`` when ocrmypdf/Tesseract is missing or fails on a scan
    (the pipeline records it and parses the original without OCR text)."""


class TemplateError(ConfigError):
    """Raised by ``parsers.templates.spec`` when a report template (``parsers/templates/*.toml``)
    is invalid; the message names the template file and the key at fault."""


class MissingExtra(ConfigError):
    """Raised by ``records.pipeline.workers.cluster`` when a cluster is asked for (``--cluster``,
    ``[settings] cluster``) and the optional ``cluster`` extra (Dask) is not installed; the
    message is the one line that installs it."""


class ClusterError(RecordsError):
    """Raised by ``records.pipeline.workers.cluster`` when the Dask cluster given by ``--cluster``
    cannot be reached, has no workers, or its workers cannot see a ``--shared-archive``."""
