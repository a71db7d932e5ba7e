"""OCR of scanned pages: detection, ocrmypdf, and the pipeline stage around it.

The scan is real: the Chambers County, Texas precinct results of 8 November 2016
(tabula-java's jpeg2000.pdf), a 300 dpi image. That file already carries a hidden text
layer from an earlier OCR, so the tests render its page to pixels and wrap them in a new
PDF: an image-only PDF of the real page, like what a records office's scanner produces.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from hashlib import sha256
from pathlib import Path

import openpyxl
import pypdfium2
import pytest
from fpdf import FPDF

from db.connect import open_db
from db.pages import phrase_query, search_pages
from parsers.reading.pagetext import read_pages
from records.core.archive import Archive
from records.core.paths import Paths
from records.foia.requests import file_request
from records.pipeline.add import add_files
from records.pipeline.ocr import run_ocr
from tests.shared import fixture

SCAN = "real/tabula-java/jpeg2000.pdf"
#: The page's size in points (8.5 x 11 in, as scanned).
PAGE_SIZE = (612.48, 791.76)


def _page_image(tmp_path: Path) -> Path:
    document = pypdfium2.PdfDocument(fixture(SCAN))
    try:
        image = document[0].render(scale=300 / 72).to_pil().convert("L")
    finally:
        document.close()
    path = tmp_path / "page.png"
    image.save(path)
    return path


def _image_only_pdf(tmp_path: Path) -> Path:
    pdf = FPDF(unit="pt", format=PAGE_SIZE)
    pdf.add_page()
    pdf.image(str(_page_image(tmp_path)), x=0, y=0, w=PAGE_SIZE[0], h=PAGE_SIZE[1])
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    return path


def _letter_and_scan_pdf(tmp_path: Path) -> Path:
    """A typed cover letter (page 1) followed by the scanned results (page 2)."""
    pdf = FPDF(unit="pt", format=PAGE_SIZE)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(72, 72, "Chambers County Clerk - response to public information request PIR-77")
    pdf.text(72, 90, "Enclosed: official precinct results, general election of November 8, 2016.")
    pdf.add_page()
    pdf.image(str(_page_image(tmp_path)), x=0, y=0, w=PAGE_SIZE[0], h=PAGE_SIZE[1])
    path = tmp_path / "response.pdf"
    pdf.output(str(path))
    return path


def test_fixture_has_a_hidden_text_layer_so_it_is_not_a_scan() -> None:
    (page,) = read_pages(fixture(SCAN))
    assert page.image_share > 0.99
    assert page.n_chars > 1000
    assert not page.needs_ocr


def test_image_only_page_is_detected(tmp_path: Path) -> None:
    (page,) = read_pages(_image_only_pdf(tmp_path))
    assert (page.n_chars, page.text) == (0, "")
    assert page.image_share > 0.99
    assert page.needs_ocr


@pytest.mark.ocr
def test_ocr_reads_the_scanned_results(tmp_path: Path) -> None:
    scan = _image_only_pdf(tmp_path)
    (page,) = read_pages(_write(tmp_path / "ocr.pdf", run_ocr(scan, [1], name="scan.pdf")))
    for words in (
        "Chambers County, Texas",
        "November 8, 2016",
        "WALLISVILLE",
        "REGISTERED VOTERS - TOTAL",
        "Donald J. Trump",
        "Railroad Commissioner",
    ):
        assert words in page.text


@pytest.mark.ocr
def test_zip_response_with_scan_spreadsheet_and_csv(tmp_path: Path) -> None:
    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=tmp_path / "x.toml")
    db = open_db(paths.db)
    request_id = file_request(
        db,
        agency="Chambers County Clerk",
        subject="2016 precinct results",
        filed=date(2016, 11, 21),
        statute_days=10,
        business_days=True,
    )
    response = _letter_and_scan_pdf(tmp_path)
    book = openpyxl.Workbook()
    book.active.append(["Precinct", "Registered", "Ballots cast"])
    book.active.append(["0001 PCT 1 - WALLISVILLE", 589, 363])
    book.save(tmp_path / "turnout.xlsx")
    (tmp_path / "polls.csv").write_text("Precinct,Zip\n0001,77514\n0002,77560\n")
    bundle = tmp_path / "PIR-77.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(response, "PIR-77/response.pdf")
        zf.write(tmp_path / "turnout.xlsx", "PIR-77/turnout.xlsx")
        zf.write(tmp_path / "polls.csv", "PIR-77/polls.csv")

    summary = add_files([bundle], paths=paths, config=None, request_id=request_id)
    assert summary.errors == []
    assert (summary.documents_new, summary.documents_failed) == (4, 0)

    db = open_db(paths.db)
    docs = {d["filename"]: d for d in db.query("select * from documents")}
    zip_sha = sha256(bundle.read_bytes()).hexdigest()
    original_sha = sha256(response.read_bytes()).hexdigest()
    assert docs["PIR-77.zip"]["sha256"] == zip_sha and docs["PIR-77.zip"]["status"] == "unpacked"
    original = docs["PIR-77.zip/PIR-77/response.pdf"]
    assert (original["sha256"], original["derived_from"]) == (original_sha, zip_sha)
    assert original["status"] == "parsed"
    # The archived original is byte for byte what was sent; the OCR copy sits beside it.
    archive = Archive(paths.archive)
    assert sha256(archive.get(original_sha).read_bytes()).hexdigest() == original_sha
    copy = docs["PIR-77.zip/PIR-77/response.ocr.pdf"]
    assert (copy["status"], copy["derived_from"], copy["request_id"]) == (
        "ocr-copy",
        original_sha,
        request_id,
    )
    facts = {
        f["name"]: f["value"]
        for f in db.query("select * from document_facts where document = ?", [original_sha])
    }
    assert (facts["ocr"], json.loads(facts["ocr_pages"]), facts["ocr_copy"]) == (
        "true",
        [2],
        copy["sha256"],
    )

    pages = list(
        db.query(
            "select page, scanned, ocr from pages where document = ? order by page", [original_sha]
        )
    )
    assert pages == [{"page": 1, "scanned": 0, "ocr": 0}, {"page": 2, "scanned": 1, "ocr": 1}]
    hits = search_pages(db, phrase_query("Chambers County, Texas"))
    assert [(h["document"], h["page"], h["ocr"]) for h in hits] == [(original_sha, 2, 1)]
    hits = search_pages(db, phrase_query("public information request PIR-77"))
    assert [(h["document"], h["page"], h["ocr"]) for h in hits] == [(original_sha, 1, 0)]

    rows = list(
        db.query(
            "select document, page, table_index, row_index, sheet_row, cells"
            " from spreadsheet_rows order by document, row_index"
        )
    )
    by_doc = {docs[f]["sha256"]: f for f in docs}
    assert [
        (
            by_doc[r["document"]],
            r["page"],
            r["table_index"],
            r["row_index"],
            r["sheet_row"],
            json.loads(r["cells"]),
        )
        for r in rows
    ] == sorted(
        [
            ("PIR-77.zip/PIR-77/polls.csv", 1, 1, 0, 2, {"Precinct": "0001", "Zip": 77514}),
            ("PIR-77.zip/PIR-77/polls.csv", 1, 1, 1, 3, {"Precinct": "0002", "Zip": 77560}),
            (
                "PIR-77.zip/PIR-77/turnout.xlsx",
                1,
                1,
                0,
                2,
                {"Precinct": "0001 PCT 1 - WALLISVILLE", "Registered": 589, "Ballots cast": 363},
            ),
        ],
        key=lambda r: (docs[r[0]]["sha256"], r[3]),
    )
    # The scanned page's tables are typed tables too, every row flagged as read by OCR.
    typed = [r["name"] for r in db.query("select name from typed_tables where parser = 'generic'")]
    assert typed
    flags = {
        (r["page"], r["ocr"])
        for name in typed
        for r in db.query(f"select page, ocr from [{name}] where document = ?", [original_sha])
    }
    assert flags == {(2, 1)}
    # With Tesseract's mean word confidence of the page (from its hOCR), on each row.
    confidences = {
        r["ocr_confidence"]
        for name in typed
        for r in db.query(f"select ocr_confidence from [{name}] where document = ?", [original_sha])
    }
    (confidence,) = confidences
    assert 50 < confidence <= 100
    assert json.loads(facts["ocr_confidence"]) == {"2": confidence}
    assert list(db.query("select Precinct, Registered, [Ballots cast] as cast from sheet")) == [
        {"Precinct": "0001 PCT 1 - WALLISVILLE", "Registered": 589, "cast": 363}
    ]
    assert list(db.query("select Precinct, Zip, ocr from csv order by row_index")) == [
        {"Precinct": "0001", "Zip": 77514, "ocr": 0},
        {"Precinct": "0002", "Zip": 77560, "ocr": 0},
    ]
    listed = {
        r["filename"]
        for r in db.query(
            "select filename from request_documents where request_id = ?", [request_id]
        )
    }
    assert listed == set(docs)

    # Parsing again reuses the OCR copy instead of OCR-ing again.
    again = add_files([bundle], paths=paths, config=None, request_id=request_id, parser_name=None)
    assert (again.documents_new, again.errors) == (0, [])
    assert db.execute("select count(*) from documents where status = 'ocr-copy'").fetchone()[0] == 1


def test_missing_ocr_tools_are_reported_and_the_document_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = _image_only_pdf(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=tmp_path / "x.toml")
    summary = add_files([scan], paths=paths, config=None)
    assert [e["message"] for e in summary.errors] == [
        "scan.pdf: page 1 without a text layer (scanned), but OCR is unavailable: ocrmypdf and"
        " tesseract not found (apt-get install ocrmypdf tesseract-ocr-eng)"
    ]
    db = open_db(paths.db)
    sha = sha256(scan.read_bytes()).hexdigest()
    assert db.table("documents").get(sha)["status"] == "parsed"
    assert list(db.query("select page, scanned, ocr, text from pages")) == [
        {"page": 1, "scanned": 1, "ocr": 0, "text": ""}
    ]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
