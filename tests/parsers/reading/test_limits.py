"""A page drawing more objects than ``MAX_PAGE_OBJECTS`` is not read, and is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.reading import document as reading
from parsers.reading.document import forget, open_document, pages_not_read
from parsers.reading.pagetext import read_pages
from tests.parsers.reading.hostile import pdf_with_pages, tiny_characters, words


@pytest.fixture
def million_characters(tmp_path: Path) -> Path:
    # Issue 25, attack 6: a few KB of PDF printing 10^6 tiny characters (1.5 GB read whole).
    path = pdf_with_pages(
        tmp_path / "million.pdf", [tiny_characters(1_000_000), words("Page two reads")]
    )
    assert path.stat().st_size < 8_000
    return path


def test_a_page_of_a_million_characters_is_left_unread_and_named(million_characters: Path) -> None:
    forget()
    pages = read_pages(million_characters)
    assert [(p.page, p.n_chars) for p in pages] == [(1, 0), (2, 12)]
    assert pages[1].text == "Page two reads"
    assert pages_not_read(million_characters) == [
        (
            1,
            "not read: it draws more than 200,000 objects (characters, lines, rectangles,"
            " curves, images), the limit for one page",
        )
    ]
    assert pages_not_read(million_characters) == []  # each is reported once
    forget()


def test_the_limit_counts_every_kind_of_object(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reading, "MAX_PAGE_OBJECTS", 10)
    rules = b"".join(f"0 {y} m 100 {y} l S\n".encode() for y in range(11))
    path = pdf_with_pages(
        tmp_path / "rules.pdf", [rules, rules[: rules.index(b"0 10 m")], tiny_characters(10)]
    )
    forget()
    with open_document(path) as document:
        assert [len(p.objects.get("line", [])) for p in document.pages] == [0, 10, 0]
        assert len(document.pages[2].chars) == 10
    assert [page for page, _ in pages_not_read(path)] == [1]
    forget()


def test_pages_within_the_limit_are_read_whole(tmp_path: Path) -> None:
    path = pdf_with_pages(tmp_path / "dense.pdf", [tiny_characters(50_000)])
    forget()
    with open_document(path) as document:
        assert len(document.pages[0].chars) == 50_000
    assert pages_not_read(path) == []
    forget()
