"""Pages per second of each report template (and the DDOR parser) on its fixture, against
plain pdfplumber ``extract_tables()`` on the same pages.

    .venv/bin/python bench/bench_templates.py [--repeat N]

A script, not a test: timings depend on the machine. The template does more than
``extract_tables()`` (header matching, carry-over, typing, checks, document facts), so the
ratio shows what that costs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.fixtures import TEMPLATE_FIXTURES  # noqa: E402
from parsers.registry import get_parser  # noqa: E402
from tests.shared import fixture  # noqa: E402

#: parser name -> fixture it is tested on.
FIXTURES = TEMPLATE_FIXTURES


def best_of(repeat: int, work: Callable[[Path], object], path: Path) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work(path)
        times.append(time.perf_counter() - start)
    return min(times)


def plain_pdfplumber(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=3, help="runs per measure (best kept)")
    args = options.parse_args()
    header = (
        f"{'parser':24} {'pages':>5} {'rows':>5} {'template p/s':>13} {'plain p/s':>10} "
        f"{'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, relative in FIXTURES.items():
        path = fixture(relative)
        parser = get_parser(name)
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        result = parser.parse(path)
        parsed = best_of(args.repeat, parser.parse, path)
        plain = best_of(args.repeat, plain_pdfplumber, path)
        print(
            f"{name:24} {pages:5d} {len(result.rows):5d} {pages / parsed:13.1f} "
            f"{pages / plain:10.1f} {plain / parsed:6.2f}"
        )


if __name__ == "__main__":
    main()
