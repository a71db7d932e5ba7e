"""The per-document parse time limit, raised inside the thread that parses."""

from __future__ import annotations

import threading
import time

import pytest

from records.pipeline.workers.timelimit import ParseTimedOut, limit_message, time_limit

GUARD_SECONDS = 120


def spin_until_stopped() -> None:
    deadline = time.monotonic() + GUARD_SECONDS
    while time.monotonic() < deadline:
        pass
    raise AssertionError("the time limit never stopped the loop")


def test_a_runaway_block_is_stopped_at_the_limit() -> None:
    with pytest.raises(ParseTimedOut):
        with time_limit(0.2):
            spin_until_stopped()


def test_a_block_within_its_limit_runs_to_the_end_and_nothing_fires_later() -> None:
    with time_limit(30):
        total = sum(range(1000))
    # Plenty of bytecode after the block: a stray exception would land here.
    for _ in range(100_000):
        total += 1
    assert total == 499500 + 100_000


def test_the_limit_works_in_a_thread_too() -> None:
    outcome: list[str] = []

    def job() -> None:
        try:
            with time_limit(0.2):
                spin_until_stopped()
        except ParseTimedOut:
            outcome.append("stopped")

    thread = threading.Thread(target=job)
    thread.start()
    thread.join(GUARD_SECONDS)
    assert outcome == ["stopped"]


def test_the_message_names_the_setting() -> None:
    assert limit_message(600) == (
        "parsing took longer than 600 s ([settings] parse_timeout); stopped, the document is failed"
    )
