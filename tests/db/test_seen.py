"""Validators of many URLs read in one query give what ``validators_for`` gives for each."""

from __future__ import annotations

from pathlib import Path

from db.connect import open_db
from db.documents import record_document, validators_for
from db.seen import validators_by_url


def test_validators_by_url_match_validators_for_each_url(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db")
    documents = [
        # (sha256, url, etag, last_modified)
        ("a" * 64, "http://agency.example/r1.pdf", '"e1"', "Mon, 01 Dec 2026 10:00:00 GMT"),
        ("b" * 64, "http://agency.example/r2.pdf", None, "Tue, 02 Dec 2026 10:00:00 GMT"),
        ("c" * 64, "http://agency.example/r3.pdf", None, None),
        # r1.pdf replaced by a corrected file at the same URL: the newer one is asked about.
        ("d" * 64, "http://agency.example/r1.pdf", '"e1-corrected"', None),
        # The same document at a second URL.
        ("b" * 64, "http://mirror.example/r2.pdf", None, "Tue, 02 Dec 2026 10:00:00 GMT"),
    ]
    for n, (sha, url, etag, modified) in enumerate(documents):
        record_document(
            db,
            sha256=sha,
            source="s",
            url=url,
            filename=url.rsplit("/", 1)[-1],
            content_type="pdf",
            size=1,
            etag=etag,
            last_modified=modified,
        )
        # Seen one after the other, as a crawl would see them.
        db.execute(
            "update document_urls set last_seen = ? where document = ? and url = ?",
            [f"2026-12-0{n + 1}T00:00:00+00:00", sha, url],
        )
    db.conn.commit()
    urls = sorted({url for _, url, _, _ in documents}) + ["http://agency.example/new.pdf"]

    found = validators_by_url(db, urls)

    assert found == {url: validators_for(db, url) for url in urls if validators_for(db, url)}
    assert found["http://agency.example/r1.pdf"] == {"etag": '"e1-corrected"', "sha256": "d" * 64}
    assert found["http://agency.example/r2.pdf"] == {
        "last_modified": "Tue, 02 Dec 2026 10:00:00 GMT",
        "sha256": "b" * 64,
    }
    assert found["http://agency.example/r3.pdf"] == {"sha256": "c" * 64}
    assert "http://agency.example/new.pdf" not in found
    assert validators_by_url(db, []) == {}
