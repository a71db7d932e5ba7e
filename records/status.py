"""`records status`: the last runs, documents by status, recent errors."""

from __future__ import annotations

import json
from collections.abc import Callable

from db.connect import open_db
from records.paths import Paths


def print_status(paths: Paths, *, limit: int, echo: Callable[[str], None]) -> None:
    db = open_db(paths.db)
    echo(f"database: {paths.db}")
    counts = list(db.query("select status, count(*) as n from documents group by status"))
    total = sum(r["n"] for r in counts)
    echo(f"\ndocuments: {total}" + (" (" + ", ".join(f"{r['n']} {r['status']}" for r in counts) + ")" if counts else ""))
    runs = list(db.query("select * from runs order by id desc limit ?", [limit]))
    echo("\nlast runs:" if runs else "\nno runs yet: try `records run` or `records demo`")
    for r in runs:
        names = ", ".join(json.loads(r["sources"] or "[]")) or "-"
        echo(
            f"  #{r['id']} {r['started']} {r['trigger']:<8} {r['status']:<11} {names}:"
            f" {r['documents_new']} new, {r['rows_added']} rows, {r['errors']} error(s)"
        )
    errors = list(db.query("select * from errors order by id desc limit ?", [limit]))
    if errors:
        echo("\nrecent errors:")
        for e in errors:
            echo(f"  run {e['run']} [{e['stage']}] {e['message']}")
