"""Hook attacks: a webhook that trickles its answer, a command hook that leaves a child
running in the background or never exits."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from db.connect import open_db
from records.core.config import Hook
from records.pipeline.reporting.notify import call_hook

PAYLOAD = {"event": "on_failure", "source": "test-agency", "run_id": 1}


@contextmanager
def trickling_server() -> Iterator[str]:
    """Answers every connection one header byte every 0.2 s, for up to two minutes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 600:
                    if stop.is_set():
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break  # the client gave up: the point of the test
                    stop.wait(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    finally:
        stop.set()
        listener.close()


def notify_errors(db: sqlite_utils.Database) -> list[str]:
    return [r["message"] for r in db.query("select message from errors where stage = 'notify'")]


def test_trickling_webhook_is_cut_off_at_the_wall_clock_deadline(tmp_path: Path) -> None:
    db = open_db(tmp_path / "records.db")
    with trickling_server() as url:
        called = call_hook(
            db, Hook(webhook=url), PAYLOAD, run_id=None, source="test-agency", webhook_timeout=2
        )
    assert called is False
    assert notify_errors(db) == [
        f"on_failure hook '{url}' failed: no answer within 2 s (wall clock); gave up"
    ]


def gone(pid: int, within: float = 60.0) -> bool:
    """True once ``pid`` no longer runs (or is a zombie nobody reaped); polls ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def wait_for_file(path: Path, within: float = 60.0) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


def test_background_child_of_a_command_hook_is_killed_with_it(tmp_path: Path) -> None:
    db = open_db(tmp_path / "records.db")
    pidfile = tmp_path / "child.pid"
    command = f"sleep 600 & echo $! > {pidfile}"
    called = call_hook(db, Hook(command=command), PAYLOAD, run_id=None, source="test-agency")
    assert called is True  # the hook itself exited 0 at once; no 60 s wait for the child
    assert notify_errors(db) == []
    assert gone(int(wait_for_file(pidfile)))


def test_command_hook_past_its_deadline_is_killed_whole(tmp_path: Path) -> None:
    db = open_db(tmp_path / "records.db")
    pidfile = tmp_path / "child.pid"
    command = f"sleep 600 & echo $! > {pidfile}; wait"
    called = call_hook(
        db, Hook(command=command), PAYLOAD, run_id=None, source="test-agency", command_timeout=2
    )
    assert called is False
    assert notify_errors(db) == [
        f"on_failure hook {command!r} failed: no exit after 2 s (killed, with its child processes)"
    ]
    assert gone(int(wait_for_file(pidfile)))
