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

import json
import logging
import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from db.digest import digest
from db.runs import record_error
from records.core.config import HOOK_EVENTS, Config, Hook, Source
from records.pipeline.reporting.health import source_health

log = logging.getLogger("records.notify")

#: Webhooks must answer quickly; a slow chat service must not hold the source's lock.
WEBHOOK_TIMEOUT = 10
COMMAND_TIMEOUT = 60
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
                call_hook(db, hook, {"event": event, **payload}, run_id=run_id, source=source.name)
            fired.append((source.name, event))
    return fired


def call_hook(
    db: sqlite_utils.Database,
    hook: Hook,
    payload: dict[str, Any],
    *,
    run_id: int | None,
    source: str | None,
) -> bool:
    """Call one hook; on failure write an ``errors`` row (stage notify) and return False."""
    body = json.dumps(payload, default=str).encode("utf-8")
    target = hook.command or hook.webhook or "?"
    problem = None
    if hook.command:
        problem = _run_command(hook.command, body, payload)
    if hook.webhook and problem is None:
        problem = _post(hook.webhook, body)
    if problem is not None:
        message = f"{payload.get('event')} hook {target!r} failed: {problem}"
        log.warning(message)
        record_error(
            db, run=run_id, stage="notify", source=source, message=message, url=hook.webhook
        )
        return False
    log.info("%s hook %r called for %s", payload.get("event"), target, source)
    return True


def _run_command(command: str, body: bytes, payload: dict[str, Any]) -> str | None:
    """Run a command hook; return what went wrong, or None."""
    env = dict(os.environ)
    env.update(
        {
            "RECORDS_EVENT": str(payload.get("event", "")),
            "RECORDS_SOURCE": str(payload.get("source", "")),
            "RECORDS_RUN": str(payload.get("run_id", "")),
        }
    )
    try:
        done = subprocess.run(
            command,
            shell=True,
            input=body,
            capture_output=True,
            env=env,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"no exit after {COMMAND_TIMEOUT} s"
    except OSError as exc:
        return str(exc)
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return f"exit {done.returncode}" + (": " + " | ".join(tail) if tail else "")
    return None


def _post(url: str, body: bytes) -> str | None:
    """POST the payload to a webhook; return what went wrong, or None."""
    try:
        # Built inside the try: a malformed URL raises ValueError here, and must fail this
        # hook only, not the hooks after it.
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "agency-records notify"},
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return f"cannot reach webhook: {getattr(exc, 'reason', exc)}"
    except ValueError as exc:  # not a URL urllib can open
        return f"not a webhook URL ({exc})"
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
