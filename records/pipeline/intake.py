"""Receiving local files (records-request responses): archive each one; unpack ZIPs.

Called by ``records.pipeline.add.add_files``, so ``records add`` and ``records request
add-files`` behave the same. Each file is stored in the archive exactly as received and
gets a ``documents`` row (with the request id). A ZIP is archived too, then unpacked in
memory (nothing is written to disk under a member's name, so no name can escape), and each
member becomes a document of its own with ``derived_from`` = the ZIP's SHA-256 and filename
``<zip name>/<path in zip>``; the ZIP itself gets status ``unpacked``.

Bad input, one rule for all: nothing an agency sent is lost, and every problem is one
error naming the file.

- A file that cannot be read, or is empty, has no bytes to keep: an ``errors`` row only
  (``records.pipeline.parse``).
- Every other file is archived and recorded. When it cannot be used its document is marked
  ``failed`` with the reason (also in ``errors`` and the run summary):
  a type no parser reads (Word, images, ...), rejected here; a corrupt ZIP, or one refused
  by the limits below (a ZIP bomb), not unpacked at all; an encrypted PDF or a corrupt
  spreadsheet, failed when parsed (``records.pipeline.ocr``, the parser).
- A ZIP member with an unsafe name (absolute, ``..``), a password, or bad data is skipped
  with an error; its bytes stay in the archived ZIP and the other members are ingested.
  Desktop litter (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``) is skipped silently.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

import sqlite_utils

from db.derived import mark_unpacked
from db.documents import record_document
from db.load import fail_document
from db.runs import record_error
from parsers.registry import fallback_parser
from records.core.archive import Archive
from records.core.filetypes import PARSED_TYPES, content_type, names, sniff


@dataclass(frozen=True)
class ZipLimits:
    """What a ZIP may hold before it is refused as a ZIP bomb. Counted over all nesting levels
    of one received file together."""

    max_members: int = 10_000
    #: Unpacked bytes, all members together (they are held in memory one at a time).
    max_total_bytes: int = 1 << 30
    #: A member expanding more than this many times its compressed size is a bomb; the
    #: default is Apache POI's (a minimum inflate ratio of 0.01).
    max_ratio: float = 100.0
    #: ... when it expands to at least this much: small files legitimately compress well.
    ratio_min_bytes: int = 1 << 20
    #: The received ZIP is level 1; a ZIP inside it level 2, and so on.
    max_depth: int = 3


DEFAULT_LIMITS = ZipLimits()

#: Statuses of an already archived document that receiving it again parses again.
_RETRY_STATUSES = frozenset({"fetched", "failed"})

_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Intake:
    """What receiving one file produced: counts, documents to parse, errors."""

    new: int = 0
    unchanged: int = 0
    failed: int = 0
    to_parse: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add_to(self, summary: Any) -> None:
        """Add these counts and errors to a ``records.pipeline.reporting.summary.RunSummary``."""
        summary.documents_new += self.new
        summary.documents_unchanged += self.unchanged
        summary.documents_failed += self.failed
        summary.errors.extend(self.errors)


@dataclass
class _Budget:
    limits: ZipLimits
    members: int = 0
    total_bytes: int = 0


@dataclass
class _Context:
    db: sqlite_utils.Database
    archive: Archive
    source: str | None
    request_id: int | None
    run_id: int | None
    parser_name: str | None
    progress: Callable[[str], None]
    intake: Intake

    def error(self, message: str, document: str | None = None) -> None:
        record_error(
            self.db,
            run=self.run_id,
            stage="add",
            message=message,
            source=self.source,
            document=document,
        )
        self.intake.errors.append({"stage": "add", "url": None, "message": message})

    def fail(self, sha256: str, message: str) -> None:
        fail_document(self.db, sha256, message)
        self.intake.failed += 1
        self.error(message, sha256)


def receive_file(
    db: sqlite_utils.Database,
    archive: Archive,
    data: bytes,
    name: str,
    *,
    source: str | None = None,
    request_id: int | None = None,
    run_id: int | None = None,
    parser_name: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
    limits: ZipLimits = DEFAULT_LIMITS,
) -> Intake:
    """Archive and record one received file (unpacking it if a ZIP); say what to parse."""
    context = _Context(db, archive, source, request_id, run_id, parser_name, progress, Intake())
    _receive(context, data, name, parent=None, depth=1, budget=_Budget(limits))
    return context.intake


def _receive(
    ctx: _Context, data: bytes, name: str, *, parent: str | None, depth: int, budget: _Budget
) -> None:
    kind = sniff(data)
    sha = ctx.archive.put(data)
    is_new = record_document(
        ctx.db,
        sha256=sha,
        source=ctx.source,
        url=None,
        filename=name,
        content_type=content_type(kind),
        size=len(data),
        request_id=ctx.request_id,
        derived_from=parent,
    )
    if is_new:
        ctx.intake.new += 1
    else:
        ctx.intake.unchanged += 1
    ctx.progress(f"archived {name} as {sha[:12]}{'' if is_new else ' (already archived)'}")
    office = _office_kind(data) if kind == "zip" else None
    if kind == "zip" and office is None:
        _unpack(ctx, data, name, sha, depth=depth, budget=budget)
        return
    if ctx.parser_name is None and ctx.source is None and fallback_parser(kind) is None:
        what = office or _describe_unknown(name, kind)
        ctx.fail(
            sha,
            f"{name}: unsupported file type ({what}): kept in the archive, not parsed;"
            f" send a {names(PARSED_TYPES, last='or')}",
        )
        return
    document = ctx.db.table("documents").get(sha)
    # Sent again after failing (or never parsed): try again, since what failed may be fixed
    # by now (an OCR tool installed, a reader improved). Parsed documents are not redone.
    if is_new or ctx.parser_name or document["status"] in _RETRY_STATUSES:
        if document["content_type"] != content_type(kind):
            ctx.db.table("documents").update(sha, {"content_type": content_type(kind)})
            document["content_type"] = content_type(kind)
        ctx.intake.to_parse.append(document)


def _unpack(
    ctx: _Context, data: bytes, name: str, sha: str, *, depth: int, budget: _Budget
) -> None:
    limits = budget.limits
    if depth > limits.max_depth:
        ctx.fail(
            sha, f"{name}: refused to unpack: ZIPs nested more than {limits.max_depth} levels deep"
        )
        return
    try:
        archive_file = zipfile.ZipFile(BytesIO(data))
        infos = archive_file.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        what = "XLSX workbook" if name.lower().endswith((".xlsx", ".xlsm")) else "ZIP file"
        ctx.fail(sha, f"{name}: corrupt or truncated {what} ({exc})")
        return
    with archive_file:
        members = [i for i in infos if not i.is_dir() and not _is_junk(i.filename)]
        problem = _bomb_check(members, budget)
        if problem:
            ctx.fail(sha, f"{name}: refused to unpack: {problem} (looks like a ZIP bomb)")
            return
        budget.members += len(members)
        budget.total_bytes += sum(i.file_size for i in members)
        unpacked = 0
        for info in members:
            member_name = safe_member_name(info.filename)
            if member_name is None:
                ctx.error(
                    f"{name}: member {info.filename!r} has a path that escapes the ZIP; skipped",
                    sha,
                )
                continue
            label = f"{name}/{member_name}"
            if info.flag_bits & 0x1:
                ctx.error(f"{label}: member is password-protected; skipped", sha)
                continue
            try:
                member = read_member(archive_file, info, limits)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
                ctx.error(f"{label}: cannot be extracted ({exc}); skipped", sha)
                continue
            except InflationRefused as exc:
                ctx.error(f"{label}: {exc}; skipped (looks like a ZIP bomb)", sha)
                continue
            if not member:
                ctx.error(f"{label}: empty file; skipped", sha)
                continue
            _receive(ctx, member, label, parent=sha, depth=depth + 1, budget=budget)
            unpacked += 1
    mark_unpacked(ctx.db, sha, unpacked)


class InflationRefused(Exception):
    """Raised by ``read_member`` when a member inflates past what it declared."""


#: Bytes inflated per read: each read of ``zipfile`` inflates at most this much (a single
#: ``read()`` would inflate up to 2 GiB before checking anything).
_INFLATE_CHUNK = 1 << 20


def read_member(archive_file: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    """A member's bytes, inflated a chunk at a time and counted while reading: more than it
    declared (or than the ZIP limits allow) stops the read at once."""
    allowed = min(info.file_size, limits.max_total_bytes)
    chunks: list[bytes] = []
    total = 0
    with archive_file.open(info) as member:
        while True:
            chunk = member.read(_INFLATE_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > allowed:
                raise InflationRefused(
                    f"inflates past the {_size(allowed)} it declares; stopped reading"
                )
            if total >= limits.ratio_min_bytes and total > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise InflationRefused(
                    f"inflates more than {limits.max_ratio:g} times its compressed size"
                    f" ({_size(info.compress_size)}); stopped reading at {_size(total)}"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _bomb_check(members: list[zipfile.ZipInfo], budget: _Budget) -> str | None:
    """Why this ZIP must not be unpacked, judged from its directory before reading anything.

    The declared sizes are only claims: ``read_member`` counts what each member really
    inflates to, a chunk at a time, and stops a member that inflates past them.
    """
    limits = budget.limits
    if budget.members + len(members) > limits.max_members:
        return f"{len(members)} files, more than the limit of {limits.max_members}"
    total = sum(i.file_size for i in members)
    if budget.total_bytes + total > limits.max_total_bytes:
        return f"it expands to {_size(total)}, over the limit of {_size(limits.max_total_bytes)}"
    for info in members:
        if info.file_size < limits.ratio_min_bytes:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            return (
                f"member {info.filename!r} expands {ratio:,.0f} times"
                f" ({_size(info.compress_size)} to {_size(info.file_size)})"
            )
    return None


def safe_member_name(raw: str) -> str | None:
    """The member's path inside the ZIP, normalised; None when absolute or climbing out."""
    name = raw.replace("\\", "/")
    if "\x00" in name or name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _is_junk(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.parts[:1] == ("__MACOSX",) or path.name in _JUNK_NAMES


def _office_kind(data: bytes) -> str | None:
    """A ZIP-based office format other than XLSX (which ``sniff`` names), or None."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive_file:
            names = archive_file.namelist()
            mimetype = (
                archive_file.read("mimetype")[:100].decode("ascii", "replace")
                if "mimetype" in names
                else ""
            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "Word document"
        if any(n.startswith("ppt/") for n in names):
            return "PowerPoint presentation"
        return "Office Open XML document without a workbook"
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return f"OpenDocument file ({mimetype.rsplit('.', 1)[-1]})"
    return None


def _describe_unknown(name: str, kind: str | None) -> str:
    if kind:
        return kind.upper()
    suffix = PurePosixPath(name).suffix.lower()
    return f"{suffix} file" if suffix else "unrecognised content"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n:,} bytes"
    value = float(n)
    for unit in ("KiB", "MiB"):
        value /= 1024
        if value < 1024:
            return f"{value:,.1f} {unit}"
    return f"{value / 1024:,.1f} GiB"
