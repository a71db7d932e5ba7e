"""Full CSV export of a large table: Datasette's ``?_stream=on`` against ``sqlite3 -csv``.

Fills the DDOR declined-detainers table (schema and indexes from ``db/``, as ``records``
creates them) with N generated rows, then times, in turns:

- ``sqlite3 -csv`` running the query the export amounts to (every column, the table's
  default sort, newest ``declined_date`` first, ties by rowid);
- ``records serve``'s Datasette (its settings and plugins, served by uvicorn on 127.0.0.1
  in a child process) answering ``/r/ddor_declined_detainers.csv?_stream=on`` (the one-pass
  export, ``records.publish.plugin.export``), read to the end by this process;
- with ``--paged``, Datasette's own paged stream of the same table (``&_nocount=1``).

Checks the export is complete and in order (every rowid once, in the same order as
sqlite3's), prints rows per second of each and their ratio. A script, not a test:

    .venv/bin/python bench/bench_export.py [--rows 1000000] [--rounds 1] [--paged]
        [--no-sort-index]

``--no-sort-index`` drops the default sort's index first (the state before it was declared).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TABLE = "ddor_declined_detainers"
ORDER = "order by declined_date desc, rowid"
SERVE = """
import sys, uvicorn, asyncio
from pathlib import Path
from records.core.paths import Paths
from records.publish.serve import build_datasette
root = Path(sys.argv[1])
ds = build_datasette(Paths(db=root / "r.db", archive=root / "archive", sources=root / "none.toml"))
asyncio.run(ds.invoke_startup())
uvicorn.run(ds.app(), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def fill(path: Path, rows: int) -> None:
    """The table with ``rows`` generated rows over 52 weekly documents."""
    from db.connect import open_db
    from parsers.registry import table_specs

    db = open_db(path, specs=table_specs(["ice-ddor"]))
    shas = [f"{week:064x}" for week in range(52)]
    for sha in shas:
        db["documents"].insert({"sha256": sha, "status": "parsed", "first_seen": "2026-01-01"})
    rng = random.Random(26)
    states = ["TX", "CA", "NY", "FL", "IL", "WA", "AZ", "GA"]
    countries = ["Mexico", "Guatemala", "Honduras", "El Salvador", "Cuba", "India"]
    crimes = ["", "Assault", "Traffic Offense", "Dangerous Drugs", "Burglary"]

    def generated():
        for i in range(rows):
            week = i * 52 // rows
            yield (
                shas[week],
                1 + i % 40,
                "[72.0, 100.0, 540.0, 112.0]",
                0,
                i,
                "1",
                rng.choice(states),
                f"County {rng.randrange(300)}",
                f"Facility {rng.randrange(900)}",
                rng.choice(countries),
                f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}",
                f"2026-{1 + week // 5:02d}-{1 + rng.randrange(28):02d}",
                rng.choice(crimes),
            )

    columns = (
        "document, page, bbox, table_index, row_index, parser_version, state, county,"
        " facility, citizenship, detainer_issued_date, declined_date, notable_criminal_activity"
    )
    conn = db.conn
    with conn:
        conn.executemany(
            f"insert into {TABLE} ({columns}) values ({', '.join('?' * 13)})", generated()
        )
    conn.execute("pragma wal_checkpoint(truncate)")
    db.close()


def sqlite3_csv(path: Path) -> tuple[float, list[int]]:
    started = time.perf_counter()
    out = subprocess.run(
        ["sqlite3", "-csv", "-header", str(path), f"select rowid, * from {TABLE} {ORDER}"],
        check=True,
        capture_output=True,
    ).stdout
    seconds = time.perf_counter() - started
    return seconds, _rowids(out)


def datasette_csv(port: int, *, paged: bool = False) -> tuple[float, list[int]]:
    # _nocount=1 (Datasette adds it to every CSV request itself) leaves the request to
    # Datasette's own paged stream instead of the one-pass export.
    extra = "&_nocount=1" if paged else ""
    url = f"http://127.0.0.1:{port}/r/{TABLE}.csv?_stream=on&_size=max{extra}"
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=3600) as response:
        out = response.read()
    seconds = time.perf_counter() - started
    return seconds, _rowids(out)


def _rowids(out: bytes) -> list[int]:
    reader = csv.reader(io.StringIO(out.decode("utf-8")))
    header = next(reader)
    if header[0] != "rowid":
        raise SystemExit(f"unexpected header {header[:3]}")
    rowids = []
    for row in reader:
        if not row or not row[0].isdigit():
            raise SystemExit(f"export broken off or damaged at row {len(rowids)}: {row[:3]}")
        rowids.append(int(row[0]))
    return rowids


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("datasette exited before listening")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("datasette did not start within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-sort-index", action="store_true")
    parser.add_argument("--db", type=Path, help="a database filled by an earlier run (kept)")
    parser.add_argument(
        "--paged", action="store_true", help="also time Datasette's own paged stream"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        root = Path(tmp)
        if args.db:
            (root / "r.db").symlink_to(args.db.resolve())
            with sqlite3.connect(root / "r.db") as conn:
                args.rows = conn.execute(f"select count(*) from {TABLE}").fetchone()[0]
        else:
            started = time.perf_counter()
            fill(root / "r.db", args.rows)
            print(f"{args.rows} rows written in {time.perf_counter() - started:.1f} s")
        if args.no_sort_index:
            with sqlite3.connect(root / "r.db") as conn:
                conn.execute(f"drop index idx_{TABLE}_declined_date")
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(root), str(port)], env=env, cwd=root
        )
        try:
            _wait_listening(port, server)
            for round_ in range(1, args.rounds + 1):
                lite_s, lite_ids = sqlite3_csv(root / "r.db")
                ds_s, ds_ids = datasette_csv(port)
                if ds_ids != lite_ids or len(ds_ids) != args.rows:
                    raise SystemExit(
                        f"export incomplete or out of order: {len(ds_ids)} rows"
                        f" (sqlite3: {len(lite_ids)})"
                    )
                if args.paged:
                    paged_s, paged_ids = datasette_csv(port, paged=True)
                    print(
                        f"round {round_}: Datasette's paged stream {paged_s:6.1f} s"
                        f" {args.rows / paged_s:8.0f} rows/s; ratio {lite_s / paged_s:.2f}x"
                        f" ({'complete, same order' if paged_ids == lite_ids else 'DIFFERENT'})"
                    )
                print(
                    f"round {round_}: sqlite3 -csv {lite_s:6.1f} s"
                    f" {args.rows / lite_s:8.0f} rows/s;"
                    f" _stream=on {ds_s:6.1f} s {args.rows / ds_s:8.0f} rows/s;"
                    f" ratio {lite_s / ds_s:.2f}x (complete, same order)"
                )
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
