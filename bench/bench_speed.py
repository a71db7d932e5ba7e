"""Pages per second, side by side in one run: our templates and generic extraction against
plain pdfplumber ``extract_tables()`` and camelot's stream method, on the same pages.

    .venv/bin/python bench/bench_speed.py [--rounds 5] [--tools NAME,...] [--baseline DIR]
        [--warm N]

``--baseline DIR`` adds our templates and generic extractor (those of them in ``--tools``)
as they are in another checkout (``git worktree add DIR <commit>``, or ``git archive
<commit> | tar -x -C DIR``, with ``shared/`` beside it), so before and after are timed in
the same run. ``--warm N``: each measure is every fixture's best of N more runs in the
same process after the first (cold) one: CPU seconds that a busy machine disturbs less.

Each measure runs in a process of its own (started fresh, so no tool profits from another's
caches or imports); tools take turns within each round, in an order that rotates from round
to round, so a machine busy with something else slows them alike. Printed: the median over
rounds of each tool's pages per second on each fixture and over all of them, its min-max
and CPU seconds (the process's, which a machine shared with other work disturbs less than
the clock), and the ratios of ours to the others, by pages per second and by CPU time. A
script, not a test: timings depend on the machine.

camelot is in the ``bench`` extra (``pip install -e '.[bench]'``), never a runtime
dependency; without it the camelot column is left out.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: Report templates (and the DDOR parser) with the fixture each is tested on.
from bench.fixtures import TEMPLATE_FIXTURES  # noqa: E402

#: The environment variable that turns the compiled speedups off (records.core.speedups; named
#: here, not imported: a baseline checkout may not have them).
PURE_ENV = "RECORDS_PURE_PYTHON"

#: tool -> what it runs on one fixture (see ``_run_one``).
TOOLS = {
    "templates": "our template (or DDOR parser)",
    "templates-python": "our template, the compiled speedups off (RECORDS_PURE_PYTHON=1)",
    "templates-plumber": "our template on pdfplumber's own pages (the tests' oracle)",
    "generic": "our generic extractor, one process",
    "generic-python": "our generic extractor, one process, the compiled speedups off",
    "generic-plumber": "our generic extractor, one process, on pdfplumber's own pages",
    "pdfplumber": "plain pdfplumber page.extract_tables() on every page",
    "camelot-stream": "camelot.read_pdf(pages='all', flavor='stream')",
    "templates-baseline": "our template as in the --baseline checkout",
    "generic-baseline": "our generic extractor as in the --baseline checkout",
}


#: Ratios printed: (ours, the other).
RATIOS = (
    ("templates", "camelot-stream"),
    ("templates", "pdfplumber"),
    ("templates", "templates-python"),
    ("templates-python", "camelot-stream"),
    ("templates", "templates-plumber"),
    ("templates-plumber", "camelot-stream"),
    ("templates-plumber", "pdfplumber"),
    ("generic", "pdfplumber"),
    ("generic", "generic-python"),
    ("generic-python", "pdfplumber"),
    ("generic", "generic-plumber"),
    ("generic", "camelot-stream"),
    ("templates", "templates-baseline"),
    ("templates-baseline", "camelot-stream"),
    ("templates-baseline", "pdfplumber"),
    ("generic", "generic-baseline"),
    ("generic-baseline", "pdfplumber"),
)


def _run_one(tool: str, parser: str, path: Path) -> None:
    if tool.endswith("-plumber"):
        from pdfplumber.page import Page

        from parsers.reading.document import FastPDF

        FastPDF.page_class = Page  # type: ignore[assignment]  # as tests/.../oracle.py
    if tool.startswith("templates"):
        from parsers.registry import get_parser

        get_parser(parser).parse(path)
    elif tool.startswith("generic"):
        from parsers.generic import extract_tables

        extract_tables(path, workers=1)
    elif tool == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
    elif tool == "camelot-stream":
        import camelot

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "No tables found in table area" per page
            camelot.read_pdf(str(path), pages="all", flavor="stream")
    else:
        raise SystemExit(f"unknown tool {tool!r}")


def _in_checkout(name: str) -> bool:
    """Whether module ``name`` is a file of the checkout whose ``parsers`` this process
    runs. Not ``find_spec``: the editable install's finder answers for a module the
    baseline lacks with today's file, and a baseline run then mixed in today's reader."""
    import parsers

    root = Path(next(iter(parsers.__path__))).parent
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(tool: str) -> None:
    """Import the tool's modules before the clock starts (startup is not parsing)."""
    import pdfplumber  # noqa: F401

    if tool.startswith("templates"):
        import parsers.registry

        # The parsers' modules by today's names, or by a baseline's from before the layout
        # moved them (parsers/template.py, parsers/ddor.py).
        for names in (
            ("parsers.ice_ddor.parser", "parsers.ddor"),
            ("parsers.templates.engine", "parsers.template"),
        ):
            for name in names:
                if _in_checkout(name):
                    importlib.import_module(name)
                    break
        # The registry (the generic extractor's modules it imports, the template files it
        # reads) is built once per process: startup too. Left in the clock it was 0.2-0.8 s
        # of the first fixture where Python writes no bytecode (PYTHONDONTWRITEBYTECODE).
        parsers.registry.all_parsers()
    elif tool.startswith("generic"):
        import parsers.generic
    elif tool == "camelot-stream":
        import camelot  # noqa: F401


def child(tool: str, warm: int = 0) -> None:
    """One measure: every fixture once with ``tool``; prints seconds per fixture as JSON,
    under ``"cpu"`` the process's CPU seconds per fixture. ``warm``: every fixture that
    many more times in the same process (the opened document forgotten after each round,
    as after the first), each fixture's best of them kept: the steadier figure on a busy
    machine (imports, fonts' first use and the like are left out)."""
    from tests.shared import fixture

    _imports(tool)
    import parsers

    where = Path(parsers.__file__).resolve().parents[1]
    print(f"parsers from {where}", file=sys.stderr)
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for round_ in range(1 + warm):
        for parser, relative in TEMPLATE_FIXTURES.items():
            path = fixture(relative)
            started, cpu_started = time.perf_counter(), time.process_time()
            _run_one(tool, parser, path)
            wall, used = time.perf_counter() - started, time.process_time() - cpu_started
            if round_ == 1:  # the cold first round is not among the warm ones
                seconds[parser], cpu[parser] = wall, used
            else:
                seconds[parser] = min(seconds.get(parser, wall), wall)
                cpu[parser] = min(cpu.get(parser, used), used)
        if tool.startswith(("templates", "generic")) and _in_checkout("parsers.reading.document"):
            from parsers.reading.document import forget

            forget()
    print(json.dumps({**seconds, "cpu": cpu, "compiled": _compiled()}))


def _compiled() -> int:
    """How many of the parsers' modules this process runs compiled (records.core.speedups;
    0 for a checkout without them)."""
    try:
        from records.core import speedups
    except ImportError:
        return 0
    return sum(speedups.compiled(m) for m in speedups.MODULES)


def _pages() -> dict[str, int]:
    import pdfplumber

    from tests.shared import fixture

    counts = {}
    for parser, relative in TEMPLATE_FIXTURES.items():
        with pdfplumber.open(fixture(relative)) as pdf:
            counts[parser] = len(pdf.pages)
    return counts


def _available(tool: str) -> bool:
    if tool != "camelot-stream":
        return True
    try:
        import camelot  # noqa: F401
    except ImportError:
        print("camelot-py not installed (pip install -e '.[bench]'): camelot-stream left out")
        return False
    return True


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=5, help="measures per tool (median)")
    options.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tools")
    options.add_argument("--baseline", type=Path, help="another checkout to time as well")
    options.add_argument(
        "--warm",
        type=int,
        default=0,
        help="each measure: the best of N more runs in the same process (0: the first run)",
    )
    options.add_argument("--child", help=argparse.SUPPRESS)
    options.add_argument("--repo", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.child:
        if args.repo:  # a baseline checkout's parsers (and its tests/shared.py)
            if "parsers" in sys.modules:
                raise SystemExit("bench_speed: parsers imported before the baseline path")
            sys.path.insert(0, args.repo)
        child(args.child, args.warm)
        return
    wanted = [t for t in args.tools.split(",") if not t.endswith("-baseline")]
    if args.baseline:
        wanted += [f"{t}-baseline" for t in ("templates", "generic") if t in wanted]
    tools = [t for t in wanted if t in TOOLS and _available(t)]
    pages = _pages()
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in tools}
    for round_ in range(args.rounds):
        order = tools[round_ % len(tools) :] + tools[: round_ % len(tools)]
        for tool in order:
            command = [sys.executable, __file__, "--child", tool, "--warm", str(args.warm)]
            if tool.endswith("-baseline"):
                command += ["--repo", str(args.baseline.resolve())]
            env = dict(os.environ)
            env.pop(PURE_ENV, None)
            if tool.endswith("-python"):
                env[PURE_ENV] = "1"
            out = subprocess.run(
                command,
                check=True,
                capture_output=True,
                text=True,
                cwd=REPO,
                env=env,
            ).stdout
            runs[tool].append(json.loads(out.strip().splitlines()[-1]))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    _report(tools, runs, pages)


def _median_rate(runs: list[dict[str, Any]], names: list[str], pages: dict[str, int]) -> float:
    total = sum(pages[n] for n in names)
    return statistics.median(total / sum(run[n] for n in names) for run in runs)


def _report(tools: list[str], runs: dict[str, list[dict[str, Any]]], pages: dict) -> None:
    names = list(TEMPLATE_FIXTURES)
    width = max(len(t) for t in tools)
    print(f"pages/s, median of {len(next(iter(runs.values())))} measures, each in its own process")
    print(f"{'fixture':24} {'pages':>5} " + " ".join(f"{t:>{width}}" for t in tools))
    rates: dict[str, dict[str, float]] = {t: {} for t in tools}
    for name in [*names, "all six"]:
        subset = names if name == "all six" else [name]
        for tool in tools:
            rates[tool][name] = _median_rate(runs[tool], subset, pages)
        n_pages = sum(pages[n] for n in subset)
        print(f"{name:24} {n_pages:5d} " + " ".join(f"{rates[t][name]:>{width}.1f}" for t in tools))
    print()
    for tool in tools:
        counts = sorted({run.get("compiled", 0) for run in runs[tool]})
        if tool.startswith(("templates", "generic")):
            print(f"{tool}: compiled modules (records.core.speedups): {counts}")
    print()
    print("over all six: pages/s median [min-max]; CPU seconds median [min-max]")
    for tool in tools:
        wall = [sum(pages[n] for n in names) / sum(run[n] for n in names) for run in runs[tool]]
        cpu = [sum(run["cpu"][n] for n in names) for run in runs[tool]]
        print(
            f"{tool:{width}} {statistics.median(wall):6.1f} [{min(wall):.1f}-{max(wall):.1f}]"
            f"  {statistics.median(cpu):6.2f} s [{min(cpu):.2f}-{max(cpu):.2f}]"
        )
    print()
    for ours, other in RATIOS:
        if ours in rates and other in rates:
            ratio = rates[ours]["all six"] / rates[other]["all six"]
            cpu_ratio = _median_cpu(runs[other], names) / _median_cpu(runs[ours], names)
            print(
                f"{ours} / {other}: {ratio:.2f}x (pages/s over all six fixtures;"
                f" {cpu_ratio:.2f}x by CPU time)"
            )


def _median_cpu(runs: list[dict[str, Any]], names: list[str]) -> float:
    return statistics.median(sum(run["cpu"][n] for n in names) for run in runs)


if __name__ == "__main__":
    main()
