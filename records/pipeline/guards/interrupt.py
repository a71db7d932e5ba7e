"""Graceful stop on SIGTERM / SIGINT: nothing half-written, the run marked ``interrupted``.

The signal handler does no I/O on the database: it sets a flag and asks the crawl child to
stop (Scrapy shuts down cleanly on SIGTERM). The pipeline calls ``check`` between documents,
so the document being loaded finishes its one transaction and the next one never starts;
``check`` then raises ``Interrupted`` and ``records.pipeline.run.run`` marks the run.

A second signal means "now": KeyboardInterrupt is raised wherever the code is, and the open
``db.atomic()`` transaction rolls back, so even then no document is half-loaded
(``timeout N records run`` sends SIGTERM twice, to the process and to its group: that is
this case). A third signal leaves at once with status 130 (the next command then closes
the run as dead, ``records.pipeline.guards.deadruns``). Every path ends in exit status 130
(``records.cli.common.RecordsGroup``).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from records.core.errors import Interrupted
from scrapers.crawl import stop_child

#: Set once a stop was asked for; shared by every thread (the scheduler runs jobs in one).
STOP = threading.Event()
_reason = "stop requested"
#: Whether a second signal already asked for "now".
_hurried = False
#: Exit status of every signal path: the shell's "stopped by a signal".
SIGNAL_EXIT = Interrupted.exit_code

SIGNALS = (signal.SIGTERM, signal.SIGINT)


def request_stop(signum: int | None = None) -> None:
    """Ask the current run to stop at the next document boundary (safe in a signal handler)."""
    global _reason
    _reason = f"received {signal.Signals(signum).name}" if signum else "stop requested"
    STOP.set()
    stop_child()


def stop_requested() -> bool:
    return STOP.is_set()


def reason() -> str:
    return _reason


def check() -> None:
    """Raise ``Interrupted`` if a stop was asked for; call between units of work."""
    if STOP.is_set():
        raise Interrupted(_reason)


def reset() -> None:
    STOP.clear()


def _handle(signum: int, frame: FrameType | None) -> None:
    global _hurried
    if STOP.is_set():
        stop_child()
        if _hurried:
            # Third signal: whatever is hanging, leave now.
            os._exit(SIGNAL_EXIT)
        # Second signal: stop at once; the open transaction rolls back.
        _hurried = True
        raise KeyboardInterrupt(f"second {signal.Signals(signum).name}: stopped at once")
    request_stop(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM/SIGINT into a graceful stop for the block (main thread only).

    In another thread (a scheduler job) this does nothing: whoever owns the main thread
    installs the handlers and calls ``request_stop``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _hurried
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    STOP.clear()
    _hurried = False
    for sig in SIGNALS:
        signal.signal(sig, _handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        STOP.clear()
