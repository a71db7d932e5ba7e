"""Receiving a records-request response: ZIPs unpacked with limits, bad files reported."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from hashlib import sha256
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from fpdf import FPDF

from db.connect import open_db
from db.pages import phrase_query, search_pages
from records.cli import cli
from records.core.archive import Archive
from records.core.paths import Paths
from records.foia.requests import file_request
from records.pipeline.add import add_files
from records.pipeline.intake import ZipLimits, receive_file, safe_member_name
from records.pipeline.parse import parse_pending
from tests.shared import fixture

# Wisconsin DCF, Division of Safety and Permanence: 90-day summary report, Milwaukee (2 pages).
REPORT = "real/pdfplumber/150109DSP-Milw-505-90D.pdf"


def _paths(tmp_path: Path) -> Paths:
    return Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=tmp_path / "x.toml")


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Cases"
    book.active.append(["Case", "County", "ZIP"])
    book.active.append(["15-0109", "Milwaukee", "53202"])
    book.active.append(["15-0110", "Milwaukee", "05301"])
    book.save(path)
    return path


def _sha(data: bytes) -> str:
    return sha256(data).hexdigest()


def test_zip_of_pdf_xlsx_and_csv_lands_with_provenance(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    request_id = file_request(
        open_db(paths.db),
        agency="Wisconsin DCF",
        subject="90-day reports",
        filed=date(2015, 1, 5),
        statute_days=10,
    )
    pdf = fixture(REPORT).read_bytes()
    xlsx = _xlsx(tmp_path / "cases.xlsx").read_bytes()
    csv = b"Case,Closed\n15-0109,2015-04-01\n"
    bundle = tmp_path / "response.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("reports/150109DSP-Milw-505-90D.pdf", pdf)
        zf.writestr("cases.xlsx", xlsx)
        zf.writestr("closed.csv", csv)
        zf.writestr("__MACOSX/._cases.xlsx", b"resource fork")  # skipped silently
        zf.writestr("reports/", b"")  # a directory entry

    summary = add_files([bundle], paths=paths, config=None, request_id=request_id)
    assert (summary.documents_new, summary.documents_failed, summary.errors) == (4, 0, [])

    db = open_db(paths.db)
    zip_sha = _sha(bundle.read_bytes())
    docs = {d["filename"]: d for d in db.query("select * from documents order by filename")}
    assert {name: (d["sha256"], d["derived_from"], d["status"], d["request_id"])
            for name, d in docs.items()} == {
        "response.zip": (zip_sha, None, "unpacked", request_id),
        "response.zip/reports/150109DSP-Milw-505-90D.pdf": (_sha(pdf), zip_sha, "parsed",
                                                            request_id),
        "response.zip/cases.xlsx": (_sha(xlsx), zip_sha, "parsed", request_id),
        "response.zip/closed.csv": (_sha(csv), zip_sha, "parsed", request_id),
    }  # fmt: skip
    archive = Archive(paths.archive)
    for sha in (zip_sha, _sha(pdf), _sha(xlsx), _sha(csv)):
        assert sha in archive

    rows = [
        (
            r["document"],
            r["page"],
            r["table_index"],
            r["row_index"],
            r["sheet_name"],
            r["sheet_row"],
            json.loads(r["cells"]),
        )
        for r in db.query("select * from spreadsheet_rows order by document, row_index")
    ]
    assert sorted(rows) == sorted([
        (_sha(xlsx), 1, 1, 0, "Cases", 2, {"Case": "15-0109", "County": "Milwaukee",
                                          "ZIP": "53202"}),  # column text: 05301 below
        (_sha(xlsx), 1, 1, 1, "Cases", 3, {"Case": "15-0110", "County": "Milwaukee",
                                          "ZIP": "05301"}),
        (_sha(csv), 1, 1, 0, "csv", 2, {"Case": "15-0109", "Closed": "2015-04-01"}),
    ])  # fmt: skip
    assert db.execute("select count(*) from pages where document = ?", [_sha(pdf)]).fetchone() == (
        2,
    )
    hits = search_pages(db, phrase_query("Bureau of Milwaukee Child Welfare"))
    assert [(h["filename"], h["page"]) for h in hits] == [
        ("response.zip/reports/150109DSP-Milw-505-90D.pdf", 1)
    ]

    again = add_files([bundle], paths=paths, config=None, request_id=request_id)
    assert (again.documents_new, again.documents_unchanged, again.errors) == (0, 4, [])

    # `records parse --all` re-parses the members but leaves the unpacked ZIP alone.
    reparsed = parse_pending(db, archive, None, everything=True)
    assert (reparsed.documents_failed, reparsed.errors) == (0, [])
    assert db.table("documents").get(zip_sha)["status"] == "unpacked"


def _locked_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Internal affairs log")
    pdf.output(str(path))
    return path


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("ok.csv", b"a,b\n1,2\n")
        zf.writestr("zeros.csv", b"0" * (20 << 20))
    return path


def test_bad_files_each_give_one_error_and_the_rest_of_the_response_lands(
    tmp_path: Path,
) -> None:
    paths = _paths(tmp_path)
    request_id = file_request(
        open_db(paths.db), agency="Police", subject="IA log", filed=date(2024, 3, 1)
    )
    locked = _locked_pdf(tmp_path / "locked.pdf")
    good = _xlsx(tmp_path / "cases.xlsx")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:900])
    not_xml = tmp_path / "garbled.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(not_xml, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, b"<<" if item.filename == "xl/workbook.xml" else src.read(item))
    bomb = _bomb(tmp_path / "bomb.zip")
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    memo = tmp_path / "memo.docx"
    with zipfile.ZipFile(memo, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    good_csv = tmp_path / "log.csv"
    good_csv.write_text("Date,Officer\n2024-02-01,Badge 0412\n")

    files = [locked, truncated, not_xml, bomb, photo, memo, good, good_csv]
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(paths.db),
            "--archive",
            str(paths.archive),
            "--sources",
            str(paths.sources),
            "request",
            "add-files",
            str(request_id),
            *map(str, files),
        ],
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("  error ")]
    assert len(errors) == 6
    expected = {
        "locked.pdf": "error [parse] locked.pdf: encrypted PDF: it needs a password to open",
        "truncated.xlsx": "error [add] truncated.xlsx: corrupt or truncated XLSX workbook",
        "garbled.xlsx": "error [parse] garbled.xlsx: ",
        "bomb.zip": "error [add] bomb.zip: refused to unpack: member 'zeros.csv' expands",
        "photo.png": "error [add] photo.png: unsupported file type (.png file)",
        "memo.docx": "error [add] memo.docx: unsupported file type (Word document)",
    }
    for name, start in expected.items():
        (line,) = [e for e in errors if f" {name}: " in e]
        assert line.strip().startswith(start), line
    assert "not a readable XLSX workbook" in [e for e in errors if "garbled" in e][0]
    assert "looks like a ZIP bomb" in [e for e in errors if "bomb" in e][0]

    db = open_db(paths.db)
    status = {d["filename"]: d["status"] for d in db.query("select * from documents")}
    # Nothing is lost: every file with bytes is archived and recorded, bad ones as failed.
    assert status == {
        "locked.pdf": "failed", "truncated.xlsx": "failed", "garbled.xlsx": "failed",
        "bomb.zip": "failed", "photo.png": "failed", "memo.docx": "failed",
        "cases.xlsx": "parsed", "log.csv": "parsed",
    }  # fmt: skip
    archive = Archive(paths.archive)
    assert all(_sha(f.read_bytes()) in archive for f in files)
    assert db.execute(
        "select count(*) from documents where request_id = ?", [request_id]
    ).fetchone() == (8,)
    cells = [
        json.loads(r["cells"])
        for r in db.query(
            "select cells from spreadsheet_rows where document = ?", [_sha(good_csv.read_bytes())]
        )
    ]
    assert cells == [{"Date": "2024-02-01", "Officer": "Badge 0412"}]


def test_records_add_with_request_unpacks_zips_too(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    request_id = file_request(open_db(paths.db), agency="A", subject="B", filed=date(2024, 3, 1))
    bundle = tmp_path / "r.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("one.csv", "x,y\n1,2\n")
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(paths.db),
            "--archive",
            str(paths.archive),
            "--sources",
            str(paths.sources),
            "add",
            str(bundle),
            "--request",
            str(request_id),
        ],
    )
    assert result.exit_code == 0, result.output
    db = open_db(paths.db)
    assert [
        (d["filename"], d["status"], d["request_id"])
        for d in db.query("select * from documents order by filename")
    ] == [
        ("r.zip", "unpacked", request_id),
        ("r.zip/one.csv", "parsed", request_id),
    ]


def _receive(tmp_path: Path, data: bytes, name: str, limits: ZipLimits):
    db = open_db(tmp_path / "r.db")
    return db, receive_file(db, Archive(tmp_path / "archive"), data, name, limits=limits)


def _zip_bytes(members: dict[str, bytes], *, encrypted: tuple[str, ...] = ()) -> bytes:
    import io
    import struct

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    raw = bytearray(buffer.getvalue())
    for name in encrypted:
        # Set the "encrypted" flag bit in the member's local and central headers, as a
        # password-protected member has (zipfile itself cannot write encrypted members).
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            start = 0
            while (start := raw.find(signature, start)) >= 0:
                if raw[start + name_at : start + name_at + len(name)] == name.encode():
                    (flags,) = struct.unpack_from("<H", raw, start + flag_at)
                    struct.pack_into("<H", raw, start + flag_at, flags | 0x1)
                start += 4
    return bytes(raw)


def test_zip_member_names_cannot_escape_and_protected_members_are_skipped(
    tmp_path: Path,
) -> None:
    data = _zip_bytes(
        {"../../etc/cron.csv": b"a,b\n1,2\n", "/abs.csv": b"a,b\n3,4\n",
         "C:\\win.csv": b"a,b\n5,6\n", "locked.csv": b"a,b\n7,8\n", "ok/./fine.csv": b"a,b\n9,0\n"},
        encrypted=("locked.csv",),
    )  # fmt: skip
    db, intake = _receive(tmp_path, data, "batch.zip", ZipLimits())
    assert [e["message"] for e in intake.errors] == [
        "batch.zip: member '../../etc/cron.csv' has a path that escapes the ZIP; skipped",
        "batch.zip: member '/abs.csv' has a path that escapes the ZIP; skipped",
        "batch.zip: member 'C:\\\\win.csv' has a path that escapes the ZIP; skipped",
        "batch.zip/locked.csv: member is password-protected; skipped",
    ]
    assert [d["filename"] for d in intake.to_parse] == ["batch.zip/ok/fine.csv"]
    assert (intake.new, intake.failed) == (2, 0)
    assert safe_member_name("a\\b\\c.pdf") == "a/b/c.pdf"
    assert safe_member_name("a/../../b.pdf") is None


def test_zip_limits_members_total_size_and_nesting(tmp_path: Path) -> None:
    members = {f"{i}.csv": f"n,v\n{i},1\n".encode() for i in range(5)}
    db, intake = _receive(tmp_path / "a", _zip_bytes(members), "many.zip", ZipLimits(max_members=4))
    assert [e["message"] for e in intake.errors] == [
        "many.zip: refused to unpack: 5 files, more than the limit of 4 (looks like a ZIP bomb)"
    ]
    assert (intake.new, intake.failed, intake.to_parse) == (1, 1, [])

    big = {"big.csv": b"n,v\n" + b"1,2\n" * 2000}
    db, intake = _receive(
        tmp_path / "b", _zip_bytes(big), "big.zip", ZipLimits(max_total_bytes=4096)
    )
    assert [e["message"] for e in intake.errors] == [
        "big.zip: refused to unpack: it expands to 7.8 KiB, over the limit of 4.0 KiB"
        " (looks like a ZIP bomb)"
    ]

    inner = _zip_bytes({"deep.csv": b"a,b\n1,2\n"})
    middle = _zip_bytes({"inner.zip": inner})
    outer = _zip_bytes({"middle.zip": middle, "top.csv": b"a,b\n3,4\n"})
    db, intake = _receive(tmp_path / "c", outer, "outer.zip", ZipLimits(max_depth=2))
    assert [e["message"] for e in intake.errors] == [
        "outer.zip/middle.zip/inner.zip: refused to unpack: ZIPs nested more than 2 levels deep"
    ]
    assert sorted(d["filename"] for d in intake.to_parse) == ["outer.zip/top.csv"]
    derived = {
        d["filename"]: (d["derived_from"], d["status"]) for d in db.query("select * from documents")
    }
    assert derived["outer.zip/middle.zip"] == (_sha(outer), "unpacked")
    assert derived["outer.zip/middle.zip/inner.zip"] == (_sha(middle), "failed")

    db, intake = _receive(tmp_path / "d", outer, "outer.zip", ZipLimits())
    assert intake.errors == []
    assert sorted(d["filename"] for d in intake.to_parse) == [
        "outer.zip/middle.zip/inner.zip/deep.csv", "outer.zip/top.csv",
    ]  # fmt: skip


def test_semicolon_latin1_and_tab_csvs_in_a_zip_are_spreadsheets_not_unsupported(
    tmp_path: Path,
) -> None:
    """Excel in a comma-decimal locale writes ';' and cp1252; such CSVs used to be refused."""
    paths = _paths(tmp_path)
    semicolons = "Zip;Montant;Ville\n01234;1,5;Québec\n75001;2,25;Paris\n".encode("latin-1")
    tabs = b"Zip\tCount\n02134\t3\n"
    bundle = tmp_path / "response.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("semi.csv", semicolons)
        zf.writestr("tabs.tsv", tabs)
    summary = add_files([bundle], paths=paths, config=None)
    assert (summary.documents_new, summary.documents_failed, summary.errors) == (3, 0, [])
    db = open_db(paths.db)
    cells = [
        json.loads(r["cells"])
        for r in db.query("select cells from spreadsheet_rows order by document, row_index")
    ]
    by_doc = {d["filename"]: d["content_type"] for d in db.query("select * from documents")}
    assert by_doc["response.zip/semi.csv"] == by_doc["response.zip/tabs.tsv"] == "text/csv"
    assert sorted(cells, key=json.dumps) == sorted(
        [
            {"Zip": "01234", "Montant": "1,5", "Ville": "Québec"},
            {"Zip": "75001", "Montant": "2,25", "Ville": "Paris"},
            {"Zip": "02134", "Count": 3},
        ],
        key=json.dumps,
    )


def test_file_that_failed_before_is_parsed_again_when_sent_again(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    csv = tmp_path / "cases.csv"
    csv.write_bytes(b"Case,ZIP\n15-0109,05301\n")
    add_files([csv], paths=paths, config=None)
    db = open_db(paths.db)
    sha = _sha(csv.read_bytes())
    # As an older version left it: failed, its rows gone.
    db.execute("delete from spreadsheet_rows")
    db.table("documents").update(sha, {"status": "failed", "error": "cases.csv: old failure"})
    again = add_files([csv], paths=paths, config=None)
    assert (again.documents_new, again.documents_unchanged, again.rows_added) == (0, 1, 1)
    assert db.table("documents").get(sha)["status"] == "parsed"
    parsed = add_files([csv], paths=paths, config=None)  # parsed documents are not redone
    assert (parsed.documents_unchanged, parsed.rows_added) == (1, 0)


def test_unexpected_error_while_adding_leaves_the_run_failed_not_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: `records add` closed its run only when all went well, so a crash left it
    # 'running' for ever (and `records parse` left it 'ok').
    paths = _paths(tmp_path)
    csv = tmp_path / "cases.csv"
    csv.write_bytes(b"Case,ZIP\n15-0109,05301\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("records.pipeline.add.receive_file", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        add_files([csv], paths=paths, config=None)
    db = open_db(paths.db)
    [run] = db.query("select status, errors from runs")
    assert run == {"status": "failed", "errors": 1}
    [error] = db.query("select stage, message from errors")
    assert error == {"stage": "run", "message": "RuntimeError: disk on fire"}
