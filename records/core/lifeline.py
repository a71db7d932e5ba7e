"""Child processes that leave when their parent dies.

A crawl child or a parse worker left behind by a killed `records run` would go on writing
without the source lock, or sit forever waiting for work. Linux sends a signal on the
parent's death (prctl PR_SET_PDEATHSIG); a thread watching the parent's pid covers other
systems and a parent that died before prctl was called.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

#: Linux prctl(2) option: the signal this process gets when its parent dies.
PR_SET_PDEATHSIG = 1
#: Exit status of a child that left because its parent died.
PARENT_GONE_EXIT = 75
#: How often the watch thread checks that the parent is still there.
PARENT_WATCH_SECONDS = 0.2


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def die_with_parent(parent: int, cleanup: Callable[[], None] | None = None) -> None:
    """Leave at once (after ``cleanup``) when the process ``parent`` is gone.

    Call it in the child's main thread (it sets a signal handler)."""

    def leave(*_: object) -> None:
        if cleanup is not None:
            cleanup()
        os._exit(PARENT_GONE_EXIT)

    if sys.platform.startswith("linux"):
        signal.signal(signal.SIGUSR1, leave)
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGUSR1), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch thread below still notices

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_SECONDS)
        leave()

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
