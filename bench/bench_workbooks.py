"""Reading the real series workbooks: the streaming reader against openpyxl's full model.

    .venv/bin/python bench/bench_workbooks.py [--rounds 3]

``parsers.spreadsheets.workbooks.read_xlsx`` streams each sheet's rows from its XML (cells
the file holds only, merged ranges filled against the cell budget). The alternative is what
it replaced: ``openpyxl.load_workbook`` in full mode, ``iter_rows`` over the claimed
dimension and merged ranges filled. Both must give the same cells (checked here); the
ratio is full / streaming, best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import warnings
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.spreadsheets.workbooks import Cell, read_xlsx
from tests.shared import FIXTURES

WORKBOOKS = sorted((FIXTURES / "series").glob("*/*.xlsx"))


def full_model(path: Path) -> dict[str, dict[int, list[Cell]]]:
    """The replaced reader: openpyxl's full model, every cell of the dimension walked."""
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), data_only=True)
    sheets: dict[str, dict[int, list[Cell]]] = {}
    for ws in book.worksheets:
        rows = [[c.value if c.value != "" else None for c in row] for row in ws.iter_rows()]
        for merged in ws.merged_cells.ranges:
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    rows[r][c] = value
        sheets[ws.title] = _filled(dict(enumerate(rows, start=1)))
    return sheets


def streaming(path: Path) -> dict[str, dict[int, list[Cell]]]:
    return {
        s.name: _filled({s.row_number(i): row for i, row in enumerate(s.rows)})
        for s in read_xlsx(path, path.name)
    }


def _filled(rows: dict[int, list[Cell]]) -> dict[int, list[Cell]]:
    out = {}
    for number, row in rows.items():
        cells = [v.strip() or None if isinstance(v, str) else v for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out[number] = cells
    return out


def best(read: object, path: Path, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        read(path)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    total_full = total_stream = 0.0
    print(f"{'workbook':<66} {'full s':>7} {'stream s':>8} {'ratio':>6}")
    for path in WORKBOOKS:
        same = full_model(path) == streaming(path)
        full = best(full_model, path, args.rounds)
        stream = best(streaming, path, args.rounds)
        total_full += full
        total_stream += stream
        print(
            f"{path.name:<66} {full:7.2f} {stream:8.2f} {full / stream:6.2f}"
            + ("" if same else "  CELLS DIFFER")
        )
    print(f"{'all':<66} {total_full:7.2f} {total_stream:8.2f} {total_full / total_stream:6.2f}")


if __name__ == "__main__":
    main()
