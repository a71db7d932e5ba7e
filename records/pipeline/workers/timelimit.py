"""A time limit on one document's parse, enforced in the thread doing the parsing.

A file can make a parser run for hours (a 150 MB PDF padded with NUL bytes was still being
read after 900 s), holding the weekly run behind it. ``time_limit`` starts a watchdog
thread; when the limit passes, it raises ``ParseTimedOut`` inside the parsing thread
(CPython's ``PyThreadState_SetAsyncExc``), which works in a pool worker, in the main
process and in a scheduler thread alike, where an alarm signal would not. pdfminer and the
parsers are Python code, so the exception lands within a few bytecodes; a long C call
(a regex on a huge string) delays it until that call returns.

``ParseTimedOut`` is a BaseException so that a parser's broad ``except Exception`` does
not swallow it; ``records.pipeline.parse`` turns it into the document's failure message.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ParseTimedOut(BaseException):
    """Raised in the parsing thread when the document's time is up."""


def limit_message(seconds: float) -> str:
    return (
        f"parsing took longer than {seconds:g} s ([settings] parse_timeout); stopped, the"
        " document is failed"
    )


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``ParseTimedOut`` in this thread if the block runs longer than ``seconds``."""
    if not seconds:
        yield
        return
    target = ctypes.c_ulong(threading.get_ident())
    guard = threading.Lock()
    finished = threading.Event()
    fired = False

    def watchdog() -> None:
        nonlocal fired
        if finished.wait(seconds):
            return
        with guard:
            if not finished.is_set():
                fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(ParseTimedOut))

    thread = threading.Thread(target=watchdog, name="parse-time-limit", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with guard:
            finished.set()
            if fired:
                # Not delivered yet (the block ended just as time ran out): cancel it.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
        thread.join()
