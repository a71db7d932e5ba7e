"""End-to-end throughput: crawl -> archive -> parse -> load for a series of weekly reports.

Generates N DDOR-style weekly reports (synthetic, ``records.demo.sample_reports``), serves them on
127.0.0.1, and times ``records.pipeline.run.run`` on them: a first run that loads everything and
a second (weekly, nothing changed) run that must download and parse nothing. Prints
documents, pages and rows per second, what the second run fetched (requests, 304 answers,
body bytes), each run's CPU seconds (this process and its child processes: the crawl child and
the parse workers) and the second run's time as a share of the first's. A script, not a test:

    .venv/bin/python bench/bench_pipeline.py [--weeks 12] [--repo DIR] [--pairs N] [--cli]
        [--timeline] [--cold] [--http10] [--unchanged N]

In-process (the default), both runs are ``run()`` calls in this one process, as the jobs of
``records schedule`` are: like the scheduler at its start, the process first imports what its
forked crawl children need (``scrapers.crawl.import_for_forks``, timed apart, before either
run; ``--cold``: not, as a library caller that never calls it; a checkout without it is cold).

``--cli``: each run is a fresh ``records run`` process (as cron or a systemd timer starts
it), so its interpreter start and imports count, as they do every week.
``--repo DIR`` times another checkout's code (``git archive COMMIT | tar -x -C DIR``; its
crawl child runs from DIR too). ``--pairs N`` with ``--repo``: N pairs in turns, DIR's code
then this checkout's, each measure in a fresh process, and a table of both runs' times.
``--unchanged N``: the second run N times over, each finding nothing new, as every week
does; the unchanged run's time is their median (a single short run on this throttled 2-core
machine varies by a third from one to the next).
``--timeline``: the (last) unchanged run's steps by the clock, in the parent and in its
(forked) crawl child: where the time of a run that finds nothing new goes.

The site is served by ``bench/site_server.py`` in a process of its own (the same server
whichever checkout is timed), as a web server serves: HTTP/1.1, connections kept open.
``--http10``: as Python's ``http.server`` defaults, which figures before 2026-12-07 used
(then served by a thread of the timed process): HTTP/1.0, so each of the crawl's requests
opened a TCP connection of its own, and a listen backlog of 5.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]
if "--repo" in sys.argv and "--pairs" not in sys.argv:
    CODE = Path(sys.argv[sys.argv.index("--repo") + 1]).resolve()
    # Older checkouts start their crawl child with ``python -m``, which looks in the current
    # folder first: run from DIR, or its crawl child would be this checkout's.
    os.chdir(CODE)
else:
    CODE = HERE
sys.path.insert(0, str(CODE))

from db.connect import open_db  # noqa: E402 (the checkout timed is chosen above)
from records.core.config import Config, load_config  # noqa: E402
from records.core.paths import Paths  # noqa: E402
from records.demo.run import DEMO_SOURCE, write_sources  # noqa: E402
from records.demo.sample_reports import weekly_series  # noqa: E402
from records.pipeline.run import run  # noqa: E402


def _cpu() -> tuple[float, float]:
    """CPU seconds so far: (this process, its waited-for children)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@dataclass
class Ran:
    """What a run said, from its ``runs`` row (``--cli``) or its summary."""

    run_id: int
    documents_new: int
    documents_unchanged: int
    rows_added: int
    errors: int


@contextmanager
def serve_site(folder: Path, http10: bool = False) -> Iterator[str]:
    """The site on 127.0.0.1 (``bench/site_server.py``: a process of its own, the same server
    whichever checkout is timed); its URL."""
    server = subprocess.Popen(
        [sys.executable, str(HERE / "bench" / "site_server.py"), str(folder)]
        + (["--http10"] if http10 else []),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=60)


#: Where ``--timeline`` writes its events (the crawl child appends to it too).
TIMELINE: Path | None = None


def _event(who: str, what: str) -> None:
    if TIMELINE is not None:
        with TIMELINE.open("a") as out:
            out.write(f"{time.perf_counter():.6f}\t{who}\t{what}\n")


def watch_timeline(path: Path) -> None:
    """Note the unchanged run's steps in ``path``: the parent's, and its forked crawl
    child's (a crawl child started as a new interpreter notes nothing)."""
    global TIMELINE
    import scrapers.crawl as crawl

    TIMELINE = path
    started, crawled = crawl.CrawlChild.__init__, crawl.CrawlChild.crawl
    forked_main = getattr(crawl, "_forked_main", None)

    def child_init(self: Any, *args: Any, **kwargs: Any) -> None:
        _event("parent", "starts the crawl child")
        started(self, *args, **kwargs)
        _event("parent", "crawl child started; parent gets the run ready")

    sent = getattr(crawl.CrawlChild, "send", None)  # older checkouts send it as they wait

    def child_send(self: Any, *args: Any, **kwargs: Any) -> None:
        _event("parent", "sends the crawl its job, gets the parse stage ready")
        assert sent is not None
        sent(self, *args, **kwargs)

    def child_crawl(self: Any, *args: Any, **kwargs: Any) -> Any:
        _event("parent", "waits for the crawl" if sent else "sends the crawl its job, waits")
        try:
            return crawled(self, *args, **kwargs)
        finally:
            _event("parent", "has the crawl's report")

    def child_main(start: Path, report: Path, jobs: Any) -> int:
        _event("child", "forked")
        import gc

        gc.disable()
        with crawl.frames_without_source():
            from scrapers import crawl_child
        _event("child", "Scrapy and Twisted imported, waits for its job")
        load_config, process_start = crawl_child.load_config, crawl_child.CrawlerProcess.start
        process_init = crawl_child.CrawlerProcess.__init__

        def make_process(self: Any, *args: Any, **kwargs: Any) -> None:
            _event("child", "makes the crawler process")
            process_init(self, *args, **kwargs)
            _event("child", "crawler process made")

        def read_job(*args: Any, **kwargs: Any) -> Any:
            _event("child", "has its job, creates the crawler(s)")
            return load_config(*args, **kwargs)

        def crawl_now(self: Any, *args: Any, **kwargs: Any) -> Any:
            _event("child", "reactor starts: robots.txt, listing, conditional requests")
            try:
                return process_start(self, *args, **kwargs)
            finally:
                _event("child", "reactor stopped, writes its report")

        crawl_child.CrawlerProcess.__init__ = make_process  # type: ignore[method-assign]
        crawl_child.load_config = read_job  # type: ignore[attr-defined]
        crawl_child.CrawlerProcess.start = crawl_now  # type: ignore[method-assign]
        status = int(crawl_child.run([str(start), str(report)], jobs))
        _event("child", "exits")
        return status

    crawl.CrawlChild.__init__ = child_init  # type: ignore[method-assign]
    crawl.CrawlChild.crawl = child_crawl  # type: ignore[method-assign]
    if sent is not None:
        crawl.CrawlChild.send = child_send  # type: ignore[method-assign]
    if forked_main is not None:
        crawl._forked_main = child_main  # type: ignore[attr-defined]


def print_timeline(path: Path) -> None:
    events = [line.split("\t") for line in path.read_text().splitlines()]
    start = float(events[0][0])
    print("unchanged run, by the clock (ms since run() was called):")
    for at, who, what in events:
        print(f"  {(float(at) - start) * 1000:7.1f}  {who:6s}  {what}")


def _run(config: Config, paths: Paths, cli: bool) -> Ran:
    if not cli:
        summary = run(config, [DEMO_SOURCE], paths=paths)
        assert summary.run_id is not None
        return Ran(
            summary.run_id,
            summary.documents_new,
            summary.documents_unchanged,
            summary.rows_added,
            len(summary.errors),
        )
    env = dict(os.environ, PYTHONPATH=str(CODE))
    env.update(
        RECORDS_DB=str(paths.db),
        RECORDS_ARCHIVE=str(paths.archive),
        RECORDS_SOURCES=str(paths.sources),
    )
    subprocess.run(
        [sys.executable, "-c", "from records.cli import main; main()", "run", DEMO_SOURCE],
        env=env,
        cwd=CODE,
        check=True,
        capture_output=True,
    )
    row = (
        open_db(paths.db, ensure=False)
        .execute(
            "select id, documents_new, documents_unchanged, rows_added, errors from runs"
            " order by id desc limit 1"
        )
        .fetchone()
    )
    return Ran(*row)


def warm_up(cli: bool, cold: bool) -> float | None:
    """What ``records schedule`` does at its start, if this checkout has it: seconds taken."""
    if cli or cold:
        return None
    import scrapers.crawl as crawl

    import_for_forks = getattr(crawl, "import_for_forks", None)
    if import_for_forks is None:
        return None
    started = time.perf_counter()
    import_for_forks()
    return time.perf_counter() - started


def measure(
    weeks: int,
    cli: bool = False,
    timeline: Path | None = None,
    cold: bool = False,
    http10: bool = False,
    unchanged: int = 1,
) -> dict[str, Any]:
    """Both runs over a generated site of ``weeks`` reports, with the code at ``CODE``;
    ``unchanged`` runs after the first (the unchanged run's time: their median; its CPU:
    their mean; what it fetched: the last one's)."""
    warm_s = warm_up(cli, cold)
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        root = Path(tmp)
        site = root / "site"
        (site / "doclib" / "ddor").mkdir(parents=True)
        reports = weekly_series(weeks)
        for report in reports:
            report.write(site / "doclib" / "ddor")
        links = "".join(
            f'<li><a href="doclib/ddor/{r.filename}">{r.filename}</a></li>' for r in reports
        )
        (site / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>")
        (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
        paths = Paths(db=root / "r.db", archive=root / "archive", sources=root / "sources.toml")
        with serve_site(site, http10) as url:
            write_sources(paths.sources, url)
            config = load_config(paths.sources)
            cpu0, started = _cpu(), time.perf_counter()
            first = _run(config, paths, cli)
            first_s = time.perf_counter() - started
            if timeline is not None:
                watch_timeline(timeline)
            cpu1 = _cpu()
            times = []
            for _ in range(unchanged):
                if timeline is not None:
                    timeline.write_text("")  # the last unchanged run's steps
                started = time.perf_counter()
                _event("parent", "run() called")
                second = _run(config, paths, cli)
                _event("parent", "run() returned")
                times.append(time.perf_counter() - started)
            cpu2 = _cpu()
        db = open_db(paths.db)
        pages = db.execute("select sum(pages) from documents").fetchone()[0] or 0
        # What the second run fetched: answers, 304s among them, and body bytes downloaded.
        fetched = db.execute(
            "select count(*), coalesce(sum(not_modified), 0), coalesce(sum(bytes), 0)"
            " from fetches where run = ?",
            [second.run_id],
        ).fetchone()
    return {
        "code": str(CODE)
        + (" (records run processes)" if cli else " (warm)" if warm_s is not None else ""),
        "site": "HTTP/1.0, a connection per request" if http10 else "HTTP/1.1, kept open",
        "warm_s": warm_s,
        "reports": len(reports),
        "pages": pages,
        "rows": first.rows_added,
        "first_s": first_s,
        "first_new": first.documents_new,
        "first_errors": first.errors,
        "first_cpu_self": cpu1[0] - cpu0[0],
        "first_cpu_children": cpu1[1] - cpu0[1],
        "second_s": statistics.median(times),
        "second_times": times,
        "second_new": second.documents_new,
        "second_unchanged": second.documents_unchanged,
        "second_rows": second.rows_added,
        "second_cpu_self": (cpu2[0] - cpu1[0]) / unchanged,
        "second_cpu_children": (cpu2[1] - cpu1[1]) / unchanged,
        "requests": fetched[0],
        "not_modified": fetched[1],
        "body_bytes": fetched[2],
    }


def report(m: dict[str, Any]) -> None:
    first_s, second_s = float(m["first_s"]), float(m["second_s"])
    print(f"code: {m['code']}; site served {m['site']}")
    if m["warm_s"] is not None:
        print(
            f"before the runs, once: crawl modules imported for forks in {m['warm_s']:.2f} s"
            " (as `records schedule` at its start)"
        )
    print(f"{m['reports']} weekly reports, {m['pages']} pages, {m['rows']} rows")
    print(
        f"first run:  {first_s:6.2f} s  {int(m['reports']) / first_s:5.2f} documents/s"
        f"  {int(m['pages']) / first_s:6.1f} pages/s  {int(m['rows']) / first_s:7.0f} rows/s"
        f"  ({m['first_new']} new, {m['first_errors']} errors;"
        f" CPU {m['first_cpu_self']:.2f} s here, {m['first_cpu_children']:.2f} s children)"
    )
    print(
        f"second run: {second_s:6.2f} s  ({m['second_new']} new,"
        f" {m['second_unchanged']} unchanged, {m['second_rows']} rows: nothing re-parsed;"
        f" {m['requests']} document requests, {m['not_modified']} answered 304,"
        f" {m['body_bytes']} body bytes downloaded;"
        f" CPU {m['second_cpu_self']:.2f} s here, {m['second_cpu_children']:.2f} s children)"
    )
    if len(m["second_times"]) > 1:
        times = sorted(m["second_times"])
        print(
            f"the second run, {len(times)} times (each finding nothing new; above: their"
            f" median, mean CPU): {times[0]:.2f}-{times[-1]:.2f} s,"
            f" {times[0] / first_s:.1%}-{times[-1] / first_s:.1%} of the first"
        )
    print(f"second / first: {second_s / first_s:.1%}")


def pairs(
    weeks: int, other: Path, count: int, cli: bool, cold: bool, http10: bool, unchanged: int = 1
) -> None:
    """``count`` pairs in turns, ``other``'s code first, each in a fresh process."""
    rows = []
    for n in range(count):
        for code in (other, HERE):
            load = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, __file__, "--weeks", str(weeks), "--json"]
                + (["--repo", str(code)] if code != HERE else [])
                + (["--cli"] if cli else [])
                + (["--cold"] if cold else [])
                + (["--http10"] if http10 else [])
                + (["--unchanged", str(unchanged)] if unchanged != 1 else []),
                capture_output=True,
                text=True,
                check=True,
                cwd=code,
            )
            m = json.loads(out.stdout.strip().splitlines()[-1])
            m["load"] = load
            rows.append(m)
            print(
                f"pair {n + 1} {m['code']}: first {m['first_s']:.2f} s (CPU"
                f" {m['first_cpu_self'] + m['first_cpu_children']:.1f} s), unchanged"
                f" {m['second_s']:.2f} s ({m['second_s'] / m['first_s']:.1%}),"
                f" first run {m['first_new']} new and {m['first_errors']} error(s),"
                f" unchanged run {m['second_new']} new,"
                f" {m['body_bytes']} body bytes, {m['not_modified']} x 304, unchanged run CPU"
                f" {m['second_cpu_self'] + m['second_cpu_children']:.2f} s,"
                f" load average {load:.1f}",
                flush=True,
            )
    print("\n| code | load | first run | its CPU | unchanged run | its CPU | unchanged / first |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m in rows:
        first_cpu = m["first_cpu_self"] + m["first_cpu_children"]
        cpu = m["second_cpu_self"] + m["second_cpu_children"]
        print(
            f"| {m['code']} | {m['load']:.1f} | {m['first_s']:.2f} s | {first_cpu:.1f} s"
            f" | {m['second_s']:.2f} s | {cpu:.2f} s | {m['second_s'] / m['first_s']:.1%} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12, help="weekly reports to generate")
    parser.add_argument("--repo", type=Path, help="time this checkout's code instead")
    parser.add_argument("--pairs", type=int, help="with --repo: pairs in turns with it")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cli", action="store_true", help="each run a `records run` process")
    parser.add_argument(
        "--timeline", action="store_true", help="the unchanged run's steps by the clock"
    )
    parser.add_argument(
        "--cold", action="store_true", help="in-process: no crawl modules imported before"
    )
    parser.add_argument(
        "--http10",
        action="store_true",
        help="serve the site as Python's HTTP/1.0 default (a connection per request)",
    )
    parser.add_argument(
        "--unchanged",
        type=int,
        default=1,
        help="unchanged runs after the first (their median is reported)",
    )
    args = parser.parse_args()
    if args.unchanged < 1:
        parser.error("--unchanged needs at least 1")
    if args.pairs:
        if args.repo is None:
            parser.error("--pairs needs --repo DIR (the checkout to take turns with)")
        pairs(
            args.weeks,
            args.repo.resolve(),
            args.pairs,
            args.cli,
            args.cold,
            args.http10,
            args.unchanged,
        )
        return
    if args.timeline and args.cli:
        parser.error("--timeline watches an in-process run (no --cli)")
    with tempfile.TemporaryDirectory(prefix="bench-timeline-") as tmp:
        timeline = Path(tmp) / "timeline.tsv" if args.timeline else None
        m = measure(args.weeks, args.cli, timeline, args.cold, args.http10, args.unchanged)
        if args.json:
            print(json.dumps(m))
        else:
            report(m)
        if timeline is not None:
            print_timeline(timeline)


if __name__ == "__main__":
    main()
