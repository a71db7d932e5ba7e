"""A page too big to read is named in the run's errors; the rest of the document loads."""

from __future__ import annotations

from pathlib import Path

from db.connect import open_db
from records.core.paths import Paths
from records.pipeline.add import add_files
from tests.parsers.reading.hostile import pdf_with_pages, tiny_characters, words


def test_a_page_of_a_million_characters_is_an_error_naming_the_page(tmp_path: Path) -> None:
    pdf = pdf_with_pages(
        tmp_path / "million.pdf", [tiny_characters(1_000_000), words("Page two reads")]
    )
    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "a", sources=tmp_path / "none.toml")
    summary = add_files([pdf], paths=paths, config=None)
    why = (
        "million.pdf: page 1 not read: it draws more than 200,000 objects (characters, lines,"
        " rectangles, curves, images), the limit for one page"
    )
    assert [e["message"] for e in summary.errors] == [why]
    db = open_db(paths.db, ensure=False)
    assert [(e["stage"], e["message"]) for e in db.query("select * from errors")] == [
        ("parse", why)
    ]
    pages = list(db.query("select page, text from pages order by page"))
    assert pages == [{"page": 1, "text": ""}, {"page": 2, "text": "Page two reads"}]
