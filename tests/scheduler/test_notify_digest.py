"""The on_new_document hook's payload carries the digest of each new parsed edition (issue
23): what it changed against the edition before, per key."""

from __future__ import annotations

import json
from pathlib import Path

from db.tables import ensure_spec_tables
from db.views import ensure_views
from records.core.config import load_config
from records.core.paths import Paths
from records.pipeline.reporting.notify import after_run
from tests.db.test_changes_by_key import KEYED, PLAIN, _edition
from tests.scheduler.test_notify import add_run, prepared


def test_new_document_payload_carries_the_editions_digest(paths: Paths, tmp_path: Path) -> None:
    calls = tmp_path / "new.log"
    db = prepared(paths, f'on_new_document = [{{command = "cat >> {calls}; echo >> {calls}"}}]')
    ensure_spec_tables(db, [KEYED, PLAIN])
    ensure_views(db)
    september = [("Harris", "Main", 8429), ("Travis", "Del", 2000)]
    october = [("Harris", "Main", 8868), ("Tarrant", "Ctr", 4100)]
    _edition(db, "a" * 64, "2026-09", september)
    _edition(db, "b" * 64, "2026-10", october)
    db.execute("update documents set source = 'ice-ddor'")
    first = add_run(db, 1, "ok")
    db.table("fetches").insert({"run": first, "sha256": "a" * 64, "url": "u"})
    run = add_run(db, 0, "ok")
    db.table("fetches").insert({"run": run, "sha256": "b" * 64, "url": "u"})
    config = load_config(paths.sources)

    assert after_run(db, config, config.sources, run) == [("ice-ddor", "on_new_document")]
    (line,) = calls.read_text().splitlines()
    (digest,) = json.loads(line)["digests"]
    assert digest["document"] == "b" * 64
    assert digest["compared_with"]["document"] == "a" * 64
    assert [c["text"] for c in digest["largest_changes"]] == [
        "Harris: total_population 8,429 → 8,868"
    ]
    assert digest["appeared"] == [{"table": "jail_counts", "key": "Tarrant"}]
    assert digest["summary"].startswith("4 rows added, 4 removed against the report before")
