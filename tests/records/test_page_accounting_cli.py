"""Page accounting through the CLI: a template that skips a page holding its table loads,
and says so in `records add` (stderr), the database, `records status` and `records
extract` (stderr and JSON); `records extract --pages`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from parsers.templates.draft import draft_template
from records.cli import cli
from tests.parsers.templates.test_engine import _report


def _limited_template(folder: Path, path: Path) -> None:
    """The generated report's draft limited to page 1 and without its totals check (as the
    issue's draft was: the check, kept, quarantines it)."""
    text = draft_template(path, name="permits")
    assert tomllib.loads(text)["tables"][0]["pages"] == "1-"  # to the end of every edition
    assert "\n[[checks]]" in text
    text = text.split("\n[[checks]]")[0].replace('pages = "1-"', 'pages = "1"')
    folder.mkdir()
    (folder / "permits.toml").write_text(text)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    path = _report(tmp_path / "permits.pdf", total=sum(100 + n for n in range(60)))
    _limited_template(tmp_path / "templates", path)
    monkeypatch.setenv("RECORDS_TEMPLATES", str(tmp_path / "templates"))
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "none.toml"))
    return path, ["--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "a")]


def test_add_status_and_extract_name_the_skipped_page(setup: tuple[Path, list[str]]) -> None:
    path, storage = setup
    added = CliRunner().invoke(cli, [*storage, "add", str(path), "--parser", "permits"])
    assert added.exit_code == 0, added.output
    db = sqlite_utils.Database(storage[1])
    doc = next(db["documents"].rows)
    on_page_one = db.execute("select count(*) from permits where page = 1").fetchone()[0]
    missed = 60 - on_page_one
    assert doc["status"] == "parsed" and doc["rows"] == on_page_one
    assert doc["warnings"].startswith(
        f"{missed} table-like lines in no table on page 2 (page 2: {missed}); e.g."
    )
    assert f"warning [unaccounted_lines] permits.pdf: {doc['warnings']}" in added.stderr
    assert "; 1 warning(s)" in added.stdout
    status = CliRunner().invoke(cli, [*storage, "status"])
    assert f"documents with warnings: 1\n  permits.pdf: {doc['warnings']}" in status.output
    extracted = CliRunner().invoke(cli, ["extract", str(path), "--parser", "permits"])
    assert extracted.exit_code == 1
    (table,) = json.loads(extracted.stdout)
    assert len(table["rows"]) == on_page_one
    assert table["document_warnings"] == [
        {"kind": "unaccounted_lines", "message": doc["warnings"], "pages": [2], "lines": missed}
    ]
    assert f"Warning: unaccounted_lines: {doc['warnings']}" in extracted.stderr


def test_extract_pages(setup: tuple[Path, list[str]]) -> None:
    path, _ = setup
    whole = CliRunner().invoke(cli, ["extract", str(path), "--parser", "generic"])
    second = CliRunner().invoke(cli, ["extract", str(path), "--parser", "generic", "--pages", "2"])
    assert second.exit_code == 0, second.output
    tables = json.loads(second.stdout)
    assert [t["page"] for t in tables] == [2]
    assert (
        tables[0]["rows"]
        == [t for t in json.loads(whole.stdout) if 2 in t["pages"]][0]["rows"][
            -len(tables[0]["rows"]) :
        ]
    )
    bad = CliRunner().invoke(cli, ["extract", str(path), "--parser", "generic", "--pages", "7"])
    assert bad.exit_code == 2 and "has no page 7" in bad.output
