"""`--cluster`: the parse stage on a real Dask cluster (``distributed.LocalCluster``, two worker
processes on 127.0.0.1): same rows as on this machine, tasks on the cluster's workers, a worker
killed mid-parse, a stop on the coordinator, an unreachable scheduler."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner
from distributed import Client, LocalCluster, get_task_stream

from db.connect import open_db
from db.documents import record_document
from records.cli import cli
from records.core.archive import Archive
from records.core.paths import Paths
from records.pipeline.guards import interrupt
from records.pipeline.workers.cluster import _sees_archive
from tests.conftest import sources_for
from tests.httpserver import Site
from tests.records.cluster_helpers import (
    GUARD_SECONDS,
    HoldParses,
    let_parses_go,
    local_cluster,
    next_started,
    parse_tasks_on_scheduler,
    worker_left,
)
from tests.records.test_ocr import _letter_and_scan_pdf
from tests.scheduler.agency_site import ddor_bytes, start_records, write_sources
from tests.shared import DDOR_TRUTH, DECLINED_COLUMNS, expected

#: Rows the ice-ddor parser loads from the DDOR reproduction, per table.
DDOR_TABLE_ROWS = {"ddor_declined_detainers": 206, "ddor_top_jurisdictions": 10}
#: Columns that say when, not what: they differ between any two runs.
WHEN_COLUMNS = {"parsed_at", "first_seen", "last_seen", "started", "finished", "fetched_at"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[LocalCluster, Client]]:
    with local_cluster() as running:
        yield running


@pytest.fixture(autouse=True)
def no_stop_left_over() -> Iterator[None]:
    interrupt.reset()
    yield
    interrupt.reset()


def run_cli(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["--db", str(folder / "records.db"), "--archive", str(folder / "archive"), *args],
        catch_exceptions=False,
    )
    return result.exit_code, result.output


def contents(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a parse wrote: every parsed table, the documents, their facts and pages, errors;
    without the columns that only say when."""
    db = sqlite_utils.Database(db_path)
    tables = [r["name"] for r in db["parsed_tables"].rows] + [
        "documents",
        "document_facts",
        "pages",
        "errors",
    ]
    found = {}
    for table in tables:
        columns = [c.name for c in db[table].columns if c.name not in WHEN_COLUMNS]
        if table == "errors":
            columns = [c for c in columns if c not in ("id", "run")]
        listed = ", ".join(f"[{c}]" for c in columns)
        found[table] = sorted(db.execute(f"select {listed} from [{table}]").fetchall(), key=repr)
    return found


def test_run_on_the_cluster_loads_the_206_rows_on_its_workers_as_a_local_parse_does(
    tmp_path: Path, ddor_site: Site, cluster: tuple[LocalCluster, Client]
) -> None:
    local_cluster_, client = cluster
    address = local_cluster_.scheduler_address
    remote = tmp_path / "remote"
    remote.mkdir()
    sources = sources_for(ddor_site.url, remote)
    with get_task_stream(client=client) as stream:
        code, output = run_cli(
            remote, "--sources", str(sources), "run", "ice-ddor", "--cluster", address
        )
    assert code == 0, output
    assert f"parsing on the Dask cluster at {address}: 2 worker thread(s)" in output

    db = sqlite_utils.Database(remote / "records.db")
    for table, count in DDOR_TABLE_ROWS.items():
        assert db[table].count == count
    got = list(
        db.query(
            f"select page, {', '.join(DECLINED_COLUMNS)} from ddor_declined_detainers"
            " order by row_index"
        )
    )
    want = expected(DDOR_TRUTH)["sections"]["II"]["rows"]
    assert got == [
        {k: (w[k] if w[k] != "" else None) for k in ("page", *DECLINED_COLUMNS)} for w in want
    ]
    (document,) = list(db["documents"].rows)
    assert (document["status"], document["rows"]) == ("parsed", 371)
    assert db["pages"].count == 35

    # The scheduler ran the document's parse task, on one of its own workers.
    sha = document["sha256"]
    workers = set(client.scheduler_info()["workers"])
    parses = [t for t in stream.data if str(t["key"]).startswith("records-parse-")]
    assert [str(t["key"]).split("-")[2] for t in parses] == [sha[:16]]
    assert parses[0]["worker"] in workers
    assert f"ddor2017_01-28to02-03.pdf: parsed on worker {parses[0]['worker']}" in output

    # The same document parsed on this machine (page text read again too) writes the same.
    local = tmp_path / "local"
    shutil.copytree(remote, local)
    with sqlite3.connect(local / "records.db") as conn:
        conn.execute("delete from pages")
    code, output = run_cli(local, "--sources", str(sources), "parse", "--all", "--cluster", "local")
    assert code == 0, output
    assert "Dask" not in output
    assert contents(local / "records.db") == contents(remote / "records.db")


def archived_ddor(paths: Paths) -> str:
    """The DDOR reproduction in the archive, waiting for the parser (as a crawl leaves it)."""
    data = ddor_bytes()
    sha = Archive(paths.archive).put(data)
    db = open_db(paths.db)
    record_document(
        db,
        sha256=sha,
        source="ice-ddor",
        url="http://127.0.0.1:9/doclib/ddor/a.pdf",
        filename="a.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    db.table("documents").update(sha, {"status": "fetched"})
    return sha


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait (bounded) for a condition the cluster reaches on its own time."""
    pause = threading.Event()
    for _ in range(GUARD_SECONDS * 20):
        if condition():
            return
        pause.wait(0.05)
    raise AssertionError(f"gave up waiting: {what}")


def kill_held_worker(client: Client) -> str:
    """Kill the worker process running the held parse; return its address once the
    scheduler has noticed."""
    started = next_started(client)
    os.kill(started["pid"], signal.SIGKILL)
    wait_until(lambda: worker_left(client, started["worker"]), "the scheduler drops the worker")
    return started["worker"]


@pytest.fixture
def parse_paths(tmp_path: Path) -> Paths:
    paths = Paths(
        db=tmp_path / "records.db", archive=tmp_path / "archive", sources=tmp_path / "sources.toml"
    )
    write_sources(tmp_path, "http://127.0.0.1:9")
    return paths


def finish(process: Any) -> tuple[str, str]:
    try:
        return process.communicate(timeout=GUARD_SECONDS * 2)
    finally:
        if process.poll() is None:
            process.kill()


def test_a_worker_killed_mid_parse_is_replaced_and_the_document_loads(
    parse_paths: Paths,
) -> None:
    sha = archived_ddor(parse_paths)
    with local_cluster() as (running, client):
        client.register_plugin(HoldParses())
        # The workers read the archive folder themselves (same machine: same path).
        process = start_records(
            parse_paths, "parse", "--cluster", running.scheduler_address, "--shared-archive"
        )
        try:
            killed = kill_held_worker(client)
            let_parses_go(client)
            again = next_started(client)  # the scheduler ran it again, elsewhere
        finally:
            stdout, stderr = finish(process)
    assert process.returncode == 0, stderr
    assert "2 worker thread(s), workers read the shared archive" in stderr
    assert again["worker"] != killed
    assert f"a.pdf: parsed on worker {again['worker']}" in stderr
    assert "Traceback" not in stderr
    db = open_db(parse_paths.db)
    assert db["documents"].get(sha)["status"] == "parsed"
    for table, count in DDOR_TABLE_ROWS.items():
        assert db[table].count == count
    assert db["errors"].count == 0


def test_a_document_whose_workers_all_die_is_failed_naming_the_worker(
    parse_paths: Paths,
) -> None:
    sha = archived_ddor(parse_paths)
    # No second chance: the first worker lost fails the task (Dask's KilledWorker).
    with local_cluster(allowed_failures=0) as (running, client):
        client.register_plugin(HoldParses())
        process = start_records(parse_paths, "parse", "--cluster", running.scheduler_address)
        try:
            killed = kill_held_worker(client)
        finally:
            let_parses_go(client)
            stdout, stderr = finish(process)
    assert process.returncode == 1, stderr
    assert "1 failed" in stdout
    db = open_db(parse_paths.db)
    document = db["documents"].get(sha)
    assert document["status"] == "failed"
    assert document["rows"] is None
    (error,) = list(db["errors"].rows)
    assert error["stage"] == "parse"
    assert error["document"] == sha
    assert error["message"].startswith(
        f"a.pdf: the Dask cluster at {running.scheduler_address} lost it:"
    )
    assert killed in error["message"]
    assert not db["ddor_declined_detainers"].exists() or db["ddor_declined_detainers"].count == 0


def test_sigterm_on_the_coordinator_cancels_the_parses_and_loads_nothing(
    tmp_path: Path, ddor_site: Site
) -> None:
    paths = Paths(
        db=tmp_path / "records.db",
        archive=tmp_path / "archive",
        sources=sources_for(ddor_site.url, tmp_path),
    )
    with local_cluster() as (running, client):
        client.register_plugin(HoldParses())
        process = start_records(paths, "run", "ice-ddor", "--cluster", running.scheduler_address)
        try:
            next_started(client)  # crawled, archived, and now being parsed on a worker
            assert parse_tasks_on_scheduler(client)
            process.send_signal(signal.SIGTERM)
            stdout, stderr = finish(process)
            # The coordinator cancelled its parse: the scheduler holds none of them.
            wait_until(lambda: not parse_tasks_on_scheduler(client), "the parse is cancelled")
        finally:
            let_parses_go(client)
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted (received SIGTERM)" in stderr
    db = open_db(paths.db)
    (run,) = list(db.query("select status from runs"))
    assert run["status"] == "interrupted"
    (document,) = list(db["documents"].rows)
    assert (document["status"], document["rows"]) == ("fetched", None)
    assert db["ddor_declined_detainers"].count == 0
    assert db["pages"].count == 0


@pytest.mark.ocr
def test_a_scan_ocrd_on_a_worker_is_archived_by_the_coordinator(
    tmp_path: Path, cluster: tuple[LocalCluster, Client]
) -> None:
    """Without a shared archive the worker's OCR copy comes back as bytes and is archived
    here, beside the original, as a local OCR would have left it."""
    running, _ = cluster
    response = _letter_and_scan_pdf(tmp_path)
    code, output = run_cli(
        tmp_path,
        "add",
        str(response),
        "--parser",
        "generic",
        "--cluster",
        running.scheduler_address,
    )
    assert code == 0, output
    assert "worker thread(s), documents sent" in output
    db = sqlite_utils.Database(tmp_path / "records.db")
    docs = {d["filename"]: d for d in db.query("select * from documents")}
    original, copy = docs["response.pdf"], docs["response.ocr.pdf"]
    assert (original["status"], copy["status"], copy["derived_from"]) == (
        "parsed",
        "ocr-copy",
        original["sha256"],
    )
    archived = tmp_path / "archive" / copy["sha256"][:2] / copy["sha256"]
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == copy["sha256"]
    facts = {
        f["name"]: f["value"]
        for f in db.query("select * from document_facts where document = ?", [original["sha256"]])
    }
    assert (facts["ocr"], facts["ocr_copy"]) == ("true", copy["sha256"])
    pages = list(db.query("select page, scanned, ocr, text from pages order by page"))
    assert [(p["page"], p["scanned"], p["ocr"]) for p in pages] == [(1, 0, 0), (2, 1, 1)]
    assert "WALLISVILLE" in pages[1]["text"]
    # Nothing points into the worker's temporary folder.
    assert "records-parse-" not in json.dumps(list(db.query("select * from documents")))


def test_a_worker_sees_a_shared_archive_only_with_the_probe_in_it(tmp_path: Path) -> None:
    probe = tmp_path / ".cluster-check-x"
    assert not _sees_archive(str(probe), "token")
    probe.write_text("token", encoding="utf-8")
    assert _sees_archive(str(probe), "token")
    assert not _sees_archive(str(probe), "another")
    assert list(tmp_path.iterdir()) == [probe]


def test_losing_the_scheduler_stops_the_run_and_leaves_the_document_waiting(
    parse_paths: Paths,
) -> None:
    sha = archived_ddor(parse_paths)
    with local_cluster() as (running, client):
        client.register_plugin(HoldParses())
        address = running.scheduler_address
        process = start_records(parse_paths, "parse", "--cluster", address)
        try:
            next_started(client)
            client.shutdown()  # the scheduler and its workers go away mid-parse
            stdout, stderr = finish(process)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 1, stderr
    assert f"Error: lost the Dask scheduler at {address} while parsing a.pdf" in stderr
    assert "Traceback" not in stderr
    db = open_db(parse_paths.db)
    (run,) = list(db.query("select status from runs"))
    assert run["status"] == "failed"
    assert db["documents"].get(sha)["status"] == "fetched"  # parsed by the next run
    assert not db["ddor_declined_detainers"].exists() or db["ddor_declined_detainers"].count == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", ["run", "parse"])
def test_an_unreachable_cluster_is_one_error_before_anything_is_done(
    tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDS_CLUSTER_TIMEOUT", "1")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    sources = write_sources(tmp_path, "http://127.0.0.1:9")
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "a"), "--sources",
         str(sources), command, "ice-ddor", "--cluster", address],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Error: cannot reach the Dask scheduler at {address} within 1 s" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.db").exists()  # no run was started, nothing crawled


def test_a_scheduler_without_workers_is_one_error_before_anything_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDS_CLUSTER_TIMEOUT", "1")
    sources = write_sources(tmp_path, "http://127.0.0.1:9")
    with LocalCluster(
        n_workers=0, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as empty:
        monkeypatch.setenv("RECORDS_CLUSTER", empty.scheduler_address)  # no --cluster option
        code, output = run_cli(tmp_path, "--sources", str(sources), "parse")
    assert code == 1, output
    assert (
        f"Error: the Dask scheduler at {empty.scheduler_address} has no workers (waited 1 s);"
        f" start some with `dask worker {empty.scheduler_address}`"
    ) in output
    assert not (tmp_path / "records.db").exists()


def test_the_cluster_comes_from_the_environment_then_the_settings(tmp_path: Path) -> None:
    from records.core.config import load_config
    from records.pipeline.workers.choose import cluster_address

    sources = write_sources(tmp_path, "http://127.0.0.1:9")
    text = sources.read_text(encoding="utf-8").replace(
        "[settings]\n", '[settings]\ncluster = "tcp://10.0.0.5:8786"\nshared_archive = true\n'
    )
    sources.write_text(text, encoding="utf-8")
    settings = load_config(sources).settings
    assert (settings.cluster, settings.shared_archive) == ("tcp://10.0.0.5:8786", True)
    assert cluster_address(None, settings) == "tcp://10.0.0.5:8786"
    assert cluster_address("tcp://10.0.0.6:8786", settings) == "tcp://10.0.0.6:8786"
    assert cluster_address("local", settings) is None
    assert cluster_address(None, None) is None
