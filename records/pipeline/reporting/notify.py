"""Notification hooks: tell someone when a source fails, goes quiet or publishes something.

Hooks come from ``sources.toml`` (a source's own ``hooks`` and the global ``[settings.hooks]``,
both called), per event: ``on_failure`` (the run errored for the source), ``on_stale`` (the
source just became stale: no new document for N expected periods) and ``on_new_document``.

A hook is a shell command (the JSON payload on stdin; ``RECORDS_EVENT``, ``RECORDS_SOURCE``
and ``RECORDS_RUN`` in its environment) or a webhook URL (the payload POSTed as JSON). A hook
that fails is written to the ``errors`` table (stage ``notify``) and logged; it never fails
the run.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import tempfile
import threading
import urllib.parse
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from db.digest import digest
from db.runs import record_error
from records.core.config import (
    DEFAULT_HOOK_TIMEOUT,
    DEFAULT_WEBHOOK_TIMEOUT,
    HOOK_EVENTS,
    Config,
    Hook,
    Source,
)
from records.pipeline.reporting.health import source_health

log = logging.getLogger("records.notify")

#: Webhooks must answer quickly; a slow chat service must not hold the source's lock.
#: Wall clock for the whole call (``[settings] webhook_timeout``).
WEBHOOK_TIMEOUT = DEFAULT_WEBHOOK_TIMEOUT
#: Wall clock for a command hook, its children included (``[settings] hook_timeout``).
COMMAND_TIMEOUT = DEFAULT_HOOK_TIMEOUT
#: At most this many error messages go into a payload (a broken site can produce hundreds).
PAYLOAD_ERRORS = 20


def after_run(
    db: sqlite_utils.Database, config: Config, sources: Iterable[Source], run_id: int
) -> list[tuple[str, str]]:
    """Fire the hooks a finished run calls for; return the (source, event) pairs fired."""
    run = db.table("runs").get(run_id)
    fired: list[tuple[str, str]] = []
    for source in sources:
        hooks = {
            event: [*source.hooks.get(event, ()), *config.settings.hooks.get(event, ())]
            for event in HOOK_EVENTS
        }
        if not any(hooks.values()):
            continue
        health = (source_health(db, [source.name]) or [{}])[0]
        errors = _run_errors(db, run_id, source.name)
        new = _new_documents(db, run_id, source.name)
        payload = {
            "source": source.name,
            "title": source.title,
            "run_id": run_id,
            "run_status": run["status"],
            "trigger": run["trigger"],
            "started": run["started"],
            "finished": run["finished"],
            "counts": {
                key: run[key]
                for key in (
                    "documents_new",
                    "documents_unchanged",
                    "documents_failed",
                    "rows_added",
                    "errors",
                )
            },
            "health": health.get("health"),
            "last_success": health.get("last_success"),
            "last_new_document": health.get("last_new_document"),
            "consecutive_failures": health.get("consecutive_failures"),
            "stale_since": health.get("stale_since"),
            "new_documents": new,
            # What each new parsed document changed (db.digest), for the news alert.
            "digests": [digest(db, d["sha256"]) for d in new if d["status"] == "parsed"],
            "errors": errors[:PAYLOAD_ERRORS],
        }
        events = []
        if _errored(run, errors):
            events.append("on_failure")
        if health.get("health") == "stale" and _just_became_stale(
            db, run_id, source.name, health.get("stale_since")
        ):
            events.append("on_stale")
        if new:
            events.append("on_new_document")
        for event in events:
            for hook in hooks[event]:
                call_hook(
                    db,
                    hook,
                    {"event": event, **payload},
                    run_id=run_id,
                    source=source.name,
                    command_timeout=config.settings.hook_timeout,
                    webhook_timeout=config.settings.webhook_timeout,
                )
            fired.append((source.name, event))
    return fired


def call_hook(
    db: sqlite_utils.Database,
    hook: Hook,
    payload: dict[str, Any],
    *,
    run_id: int | None,
    source: str | None,
    command_timeout: float = COMMAND_TIMEOUT,
    webhook_timeout: float = WEBHOOK_TIMEOUT,
) -> bool:
    """Call one hook; on failure write an ``errors`` row (stage notify) and return False."""
    body = json.dumps(payload, default=str).encode("utf-8")
    target = hook.command or hook.webhook or "?"
    problem = None
    if hook.command:
        problem = _run_command(hook.command, body, payload, command_timeout)
    if hook.webhook and problem is None:
        problem = _post(hook.webhook, body, webhook_timeout)
    if problem is not None:
        message = f"{payload.get('event')} hook {target!r} failed: {problem}"
        log.warning(message)
        record_error(
            db, run=run_id, stage="notify", source=source, message=message, url=hook.webhook
        )
        return False
    log.info("%s hook %r called for %s", payload.get("event"), target, source)
    return True


def _run_command(
    command: str, body: bytes, payload: dict[str, Any], deadline: float = COMMAND_TIMEOUT
) -> str | None:
    """Run a command hook; return what went wrong, or None.

    The command runs in a process group of its own, which is killed whole when the shell
    exits (a child it left in the background would otherwise run on, unwatched) or when the
    deadline passes (wall clock). Payload and output go through files, not pipes: a
    background child holding a pipe open would make reading it wait for that child.
    """
    env = dict(os.environ)
    env.update(
        {
            "RECORDS_EVENT": str(payload.get("event", "")),
            "RECORDS_SOURCE": str(payload.get("source", "")),
            "RECORDS_RUN": str(payload.get("run_id", "")),
        }
    )
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stderr:
        stdin.write(body)
        stdin.seek(0)
        try:
            process = subprocess.Popen(
                command,
                shell=True,
                stdin=stdin,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            return str(exc)
        try:
            returncode = process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
            return f"no exit after {deadline:g} s (killed, with its child processes)"
        leftover = _kill_group(process.pid)
        stderr.seek(0)
        tail = stderr.read(64 * 1024).decode("utf-8", "replace").strip().splitlines()[-3:]
    if returncode != 0:
        return f"exit {returncode}" + (": " + " | ".join(tail) if tail else "")
    if leftover:
        log.warning("hook %r left processes running in the background; killed them", command)
    return None


def _kill_group(pgid: int) -> bool:
    """SIGKILL every process left in the group; True if there was one."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _post(url: str, body: bytes, deadline: float = WEBHOOK_TIMEOUT) -> str | None:
    """POST the payload to a webhook; return what went wrong, or None.

    ``deadline`` is wall-clock seconds for the whole call: a server trickling its answer a
    byte at a time would pass any per-read timeout, so a timer closes the connection.
    """
    try:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            return f"not a webhook URL (unknown url type: {url!r})"
        port = parsed.port
    except ValueError as exc:  # a malformed port or address
        return f"not a webhook URL ({exc})"
    connection_class = (
        http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parsed.hostname, port, timeout=deadline)
    path = parsed.path or "/"
    if parsed.query:
        path += "?" + parsed.query
    timed_out = threading.Event()

    def cut_off() -> None:
        timed_out.set()
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(deadline, cut_off)
    timer.daemon = True
    timer.start()
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": "agency-records notify"},
        )
        response = connection.getresponse()
        response.read(1024)
        status = response.status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if timed_out.is_set():
            return f"no answer within {deadline:g} s (wall clock); gave up"
        return f"cannot reach webhook: {exc}"
    finally:
        timer.cancel()
        connection.close()
    if timed_out.is_set():
        return f"no answer within {deadline:g} s (wall clock); gave up"
    if status >= 400:
        return f"HTTP {status}"
    return None


def _errored(run: dict[str, Any], errors: list[dict[str, Any]]) -> bool:
    if run["status"] != "failed":
        return False
    return bool(errors) or len(json.loads(run["sources"] or "[]")) == 1


def _run_errors(db: sqlite_utils.Database, run_id: int, source: str) -> list[dict[str, Any]]:
    return [
        {k: e[k] for k in ("stage", "url", "document", "message")}
        for e in db.query(
            "select * from errors where run = ? and (source = ? or source is null)"
            " and stage != 'notify' order by id",
            [run_id, source],
        )
    ]


def _new_documents(db: sqlite_utils.Database, run_id: int, source: str) -> list[dict[str, Any]]:
    """Documents of ``source`` not announced yet: first fetched by this run, or by an
    interrupted run since the source's last finished run (hooks only follow finished runs,
    so without this a report archived just before a SIGTERM would never be announced)."""
    return list(
        db.query(
            "with first as (select sha256, min(run) as run from fetches group by sha256)"
            " select d.sha256, d.url, d.filename, d.status, d.rows, d.report_period_start,"
            " d.report_period_end from documents d join first on first.sha256 = d.sha256"
            " where d.source = ? and (first.run = ? or (first.run < ?"
            "   and (select status from runs where id = first.run) = 'interrupted'"
            "   and not exists (select 1 from runs r join json_each(r.sources) j on j.value = ?"
            "     where r.id > first.run and r.id < ? and r.status in ('ok', 'failed'))))"
            " order by d.first_seen, d.rowid",
            [source, run_id, run_id, source, run_id],
        )
    )


def _just_became_stale(
    db: sqlite_utils.Database, run_id: int, source: str, stale_since: str | None
) -> bool:
    """True when the previous finished run of the source was still before the stale point,
    so each quiet spell is announced once, not every week."""
    if not stale_since:
        return False
    row = db.execute(
        "select max(r.finished) from runs r join json_each(r.sources) j on j.value = ?"
        " where r.id < ? and r.status in ('ok', 'failed')",
        [source, run_id],
    ).fetchone()
    previous = row[0] if row else None
    if previous is None:
        return True
    found = db.execute("select julianday(?) < julianday(?)", [previous, stale_since]).fetchone()
    return bool(found and found[0])
