"""Progress of long commands: a bar with counts on a terminal, plain lines in a pipe."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium

from records.demo.sample_reports import demo_series
from records.pipeline.reporting.progress import DOCUMENTS, NO_EVENTS, PAGES, events_of, page_count
from tests.shared import storage_args

RECORDS = Path(sys.executable).with_name("records")


def _report(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    path = demo_series()[0].write(tmp_path / "in")
    with pdfium.PdfDocument(path) as pdf:
        assert len(pdf) > 1  # a multi-page PDF
    return path


def _under_terminal(command: list[str], timeout: float = 240) -> tuple[int, str]:
    """Run ``command`` with a pseudo-terminal as its stdin, stdout and stderr."""
    master, slave = os.openpty()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_add_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    pdf = _report(tmp_path)
    pages = page_count(pdf)
    code, output = _under_terminal([str(RECORDS), *storage_args(tmp_path), "add", str(pdf)])
    assert code == 0, output
    assert "Parsing  [" in output
    # The bar drawn in place (carriage returns), full at the end, with the counts beside it.
    assert "\r" in output
    assert "[########################]  100%" in output
    assert f"1/1 documents, {pages}/{pages} pages" in output
    # Line messages still print, above the bar.
    assert f"{pdf.name}: parsed" in output
    assert "run 1: 1 new document(s)" in output


def test_add_in_a_pipe_prints_plain_lines(tmp_path: Path) -> None:
    pdf = _report(tmp_path)
    result = subprocess.run(
        [str(RECORDS), *storage_args(tmp_path), "add", str(pdf)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert f"{pdf.name}: parsed" in output and "run 1: 1 new document(s)" in output
    assert "Parsing" not in output and "%" not in output
    # No control characters at all: every line is plain text.
    assert all(c == "\n" or c.isprintable() for c in output), repr(output)


def test_page_counts_and_plain_callables(tmp_path: Path) -> None:
    pdf = _report(tmp_path)
    with pdfium.PdfDocument(pdf) as document:
        assert page_count(pdf) == len(document)
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert page_count(tmp_path / "notes.csv") is None
    assert events_of(print) is NO_EVENTS

    class Recorder:
        def __init__(self) -> None:
            self.events: list[tuple] = []

        def __call__(self, message: str) -> None:
            self.events.append(("line", message))

        def start(self, task: str, total: int | None) -> None:
            self.events.append(("start", task, total))

        def advance(self, task: str, amount: int = 1) -> None:
            self.events.append(("advance", task, amount))

        def finish(self, task: str) -> None:
            self.events.append(("finish", task))

    recorder = Recorder()
    assert events_of(recorder) is recorder
    from records.pipeline.reporting.progress import ParseProgress

    counts = ParseProgress(recorder, [{"pages": None}, {"pages": 7}], [pdf, pdf])
    counts.loaded(0)
    counts.loaded(1, ocr_pages=2)
    counts.close()
    n = page_count(pdf)
    assert recorder.events[:2] == [("start", DOCUMENTS, 2), ("start", PAGES, n + 7)]
    assert ("advance", PAGES, n) in recorder.events and ("advance", PAGES, 7) in recorder.events
    assert ("advance", "OCR pages", 2) in recorder.events
    assert recorder.events[-1] == ("finish", DOCUMENTS)
