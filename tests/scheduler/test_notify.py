"""Notification hooks: called with a JSON payload on failure, staleness and new documents;
a hook that fails is recorded (stage notify) and never fails the run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import sqlite_utils

from db.connect import open_db
from db.sources import sync_sources
from records.core.config import load_config
from records.core.paths import Paths
from records.pipeline.reporting.health import record_expectations
from records.pipeline.reporting.notify import after_run


@dataclass
class Receiver:
    url: str = ""
    posts: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    """A 127.0.0.1 server taking JSON POSTs: 204 on /ok, 500 on anything else."""
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_POST(self) -> None:  # stdlib name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.posts.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(204 if self.path == "/ok" else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


#: One clock reading for the whole module, so values compared later never straddle a second.
NOW = datetime.now(UTC).replace(microsecond=0)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def prepared(paths: Paths, source_hooks: str, settings_hooks: str = "") -> sqlite_utils.Database:
    """A one-source sources.toml with the given hooks, synced into a fresh database."""
    paths.sources.write_text(
        f'[settings]\ntimezone = "America/New_York"\n{settings_hooks}\n'
        '[[source]]\nname = "ice-ddor"\nurl = "https://agency.example.gov/ddor"\n'
        'link_regex = "\\\\.pdf$"\nparser = "ice-ddor"\n'
        f"[source.hooks]\n{source_hooks}\n",
        encoding="utf-8",
    )
    db = open_db(paths.db)
    config = load_config(paths.sources)
    sync_sources(db, config.sources)
    record_expectations(db, config)
    return db


def add_run(db: sqlite_utils.Database, days: float, status: str, **counts: int) -> int:
    table = db.table("runs")
    table.insert(
        {
            "started": ago(days),
            "finished": ago(days),
            "trigger": "schedule",
            "sources": '["ice-ddor"]',
            "status": status,
            **counts,
        }
    )
    run_id = table.last_pk
    assert isinstance(run_id, int)
    return run_id


def test_failure_calls_command_and_webhook_and_records_broken_hooks(
    paths: Paths, tmp_path: Path
) -> None:
    payload_file = tmp_path / "payload.json"
    with webhook_receiver() as receiver:
        db = prepared(
            paths,
            f'on_failure = [{{command = "cat > {payload_file}"}},'
            ' {command = "echo no pager >&2; exit 4"}]',
            f'hooks.on_failure = [{{webhook = "{receiver.url}/ok"}},'
            f' {{webhook = "{receiver.url}/down"}}]',
        )
        config = load_config(paths.sources)
        add_run(db, 3, "ok")
        run_id = add_run(
            db,
            0,
            "failed",
            documents_new=0,
            documents_unchanged=2,
            documents_failed=1,
            rows_added=0,
            errors=1,
        )
        db.table("errors").insert(
            {
                "run": run_id,
                "source": "ice-ddor",
                "stage": "fetch",
                "url": "https://agency.example.gov/ddor",
                "message": "HTTP 503",
            }
        )
        fired = after_run(db, config, config.sources, run_id)
        assert fired == [("ice-ddor", "on_failure")]
        assert [(path, body["event"]) for path, _, body in receiver.posts] == [
            ("/ok", "on_failure"),
            ("/down", "on_failure"),
        ]
        _, headers, posted = receiver.posts[0]
        assert headers["Content-Type"] == "application/json"
    sent = json.loads(payload_file.read_text())
    assert sent == posted
    assert (sent["source"], sent["run_id"], sent["run_status"], sent["health"]) == (
        "ice-ddor",
        run_id,
        "failed",
        "ok",
    )
    assert sent["counts"] == {
        "documents_new": 0,
        "documents_unchanged": 2,
        "documents_failed": 1,
        "rows_added": 0,
        "errors": 1,
    }
    assert sent["errors"] == [
        {
            "stage": "fetch",
            "url": "https://agency.example.gov/ddor",
            "document": None,
            "message": "HTTP 503",
        }
    ]
    assert sent["consecutive_failures"] == 1
    notify_errors = list(
        db.query(
            "select run, source, stage, message from errors where stage = 'notify' order by id"
        )
    )
    assert notify_errors == [
        {
            "run": run_id,
            "source": "ice-ddor",
            "stage": "notify",
            "message": "on_failure hook 'echo no pager >&2; exit 4' failed: exit 4: no pager",
        },
        {
            "run": run_id,
            "source": "ice-ddor",
            "stage": "notify",
            "message": f"on_failure hook '{receiver.url}/down' failed: HTTP 500",
        },
    ]
    # The run itself is untouched by its hooks' troubles.
    assert db.table("runs").get(run_id)["status"] == "failed"


def test_stale_is_announced_once_per_quiet_spell(paths: Paths, tmp_path: Path) -> None:
    calls = tmp_path / "stale.log"
    db = prepared(paths, f'on_stale = [{{command = "cat >> {calls}; echo >> {calls}"}}]')
    config = load_config(paths.sources)
    # Read the clock once: under load a second can pass between two calls.
    first_seen = ago(30)
    db.table("documents").insert(
        {"sha256": "a" * 64, "source": "ice-ddor", "first_seen": first_seen, "status": "parsed"}
    )
    add_run(db, 30, "ok")
    add_run(db, 21, "ok")  # the document was 9 days old: not stale yet (14 days)
    first = add_run(db, 14 - 1, "ok")  # 17 days: just became stale
    second = add_run(db, 7 - 1, "ok")  # still stale, already announced
    assert after_run(db, config, config.sources, first) == [("ice-ddor", "on_stale")]
    assert after_run(db, config, config.sources, second) == []
    (line,) = calls.read_text().splitlines()
    sent = json.loads(line)
    assert (sent["event"], sent["health"], sent["last_new_document"]) == (
        "on_stale",
        "stale",
        first_seen,
    )
    assert sent["stale_since"] == ago(30 - 14)


def test_unreachable_webhook_is_logged_not_raised(paths: Paths) -> None:
    db = prepared(paths, 'on_failure = [{webhook = "http://127.0.0.1:9/hook"}]')
    config = load_config(paths.sources)
    run_id = add_run(db, 0, "failed")
    assert after_run(db, config, config.sources, run_id) == [("ice-ddor", "on_failure")]
    (error,) = list(db.query("select message from errors where stage = 'notify'"))
    assert error["message"].startswith(
        "on_failure hook 'http://127.0.0.1:9/hook' failed: cannot reach webhook:"
    )


def test_document_fetched_by_an_interrupted_run_is_announced_by_the_next_run(
    paths: Paths, tmp_path: Path
) -> None:
    calls = tmp_path / "new.log"
    db = prepared(paths, f'on_new_document = [{{command = "cat >> {calls}; echo >> {calls}"}}]')
    config = load_config(paths.sources)
    sha = "b" * 64
    db.table("documents").insert(
        {"sha256": sha, "source": "ice-ddor", "first_seen": ago(1), "status": "fetched"}
    )
    url = "https://agency.example.gov/ddor/b.pdf"
    interrupted = add_run(db, 1, "interrupted")  # SIGTERM after b.pdf was archived
    db.table("fetches").insert({"run": interrupted, "sha256": sha, "url": url})
    resumed = add_run(db, 0.5, "ok")  # parses b.pdf; the server answers 304 for it
    db.table("fetches").insert({"run": resumed, "sha256": sha, "url": url, "not_modified": 1})
    later = add_run(db, 0, "ok")
    db.table("fetches").insert({"run": later, "sha256": sha, "url": url, "not_modified": 1})

    assert after_run(db, config, config.sources, resumed) == [("ice-ddor", "on_new_document")]
    assert after_run(db, config, config.sources, later) == []  # announced once
    (line,) = calls.read_text().splitlines()
    assert [d["sha256"] for d in json.loads(line)["new_documents"]] == [sha]


def test_malformed_webhook_url_fails_that_hook_only(paths: Paths, tmp_path: Path) -> None:
    calls = tmp_path / "after.log"
    db = prepared(
        paths,
        f'on_failure = [{{webhook = "not a url"}}, {{command = "cat > {calls}"}}]',
    )
    config = load_config(paths.sources)
    run_id = add_run(db, 0, "failed")
    assert after_run(db, config, config.sources, run_id) == [("ice-ddor", "on_failure")]
    assert json.loads(calls.read_text())["event"] == "on_failure"  # the next hook still ran
    (error,) = list(db.query("select message from errors where stage = 'notify'"))
    assert error["message"] == (
        "on_failure hook 'not a url' failed: not a webhook URL (unknown url type: 'not a url')"
    )
