"""Attack 14 (issue 25): a chart whose summed column overflows SQLite's 64-bit integers
answered 500. Now the sum cannot overflow; a sum too large to draw is a named 422."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from db.connect import open_db
from db.documents import record_document
from parsers.base import Chart, Column, TableSpec
from records.publish.charts import chart_value

CHART = Chart(
    name="big-sums", title="Big sums", table="sums", x="label", value="amount", unit="dollars"
)
SPEC = TableSpec(
    name="sums",
    description="Numbers that add up past 2**63.",
    columns=(
        Column("label", "text", "A bar."),
        Column("amount", "float", "A number."),
    ),
    charts=(CHART,),
)


def _site(tmp_path: Path, amounts: list[Any]) -> Datasette:
    path = tmp_path / "records.db"
    db = open_db(path, specs=[SPEC])
    record_document(
        db, sha256="a" * 64, source=None, url=None, filename="sums.pdf",
        content_type="application/pdf", size=1,
    )  # fmt: skip
    db.table("documents").update("a" * 64, {"status": "parsed"})
    db.table("sums").insert_all(
        {"document": "a" * 64, "page": 1, "table_index": 0, "row_index": i, "label": "all",
         "amount": amount}
        for i, amount in enumerate(amounts)
    )  # fmt: skip
    db.close()
    metadata = {"plugins": {"agency-records": {"charts": [asdict(CHART)]}}}
    return Datasette([str(path)], metadata=metadata)


def _get(ds: Datasette, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def test_a_sum_past_64_bits_is_drawn_not_a_500(tmp_path: Path) -> None:
    # Two values that sum() refuses ("integer overflow"); SQLite stores them as integers.
    ds = _site(tmp_path, [2**62 + 1, 2**62 + 1, 2**62])
    response = _get(ds, "/-/charts/big-sums")
    assert response.status_code == 200
    assert "1.38" in response.text  # 3 x 2**62 = 1.3835e19, shown as a float
    assert _get(ds, "/-/charts/big-sums.svg").status_code == 200


def test_ordinary_sums_stay_exact_whole_numbers(tmp_path: Path) -> None:
    ds = _site(tmp_path, [8429, 439, 1])
    response = _get(ds, "/-/charts/big-sums")
    assert response.status_code == 200
    assert "8,869 dollars in all" in response.text
    assert chart_value(8869.0) == 8869 and isinstance(chart_value(8869.0), int)


def test_a_sum_too_large_to_draw_is_a_named_422(tmp_path: Path) -> None:
    ds = _site(tmp_path, [1.5e308, 1.5e308])  # total() gives inf
    response = _get(ds, "/-/charts/big-sums")
    assert response.status_code == 422
    assert "Big sums cannot be drawn" in response.text and "too large to draw" in response.text
    assert "Traceback" not in response.text
