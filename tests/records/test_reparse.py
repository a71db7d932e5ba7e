"""Versioning: a bumped parser version and `records parse --reparse` replace a document's
rows in one transaction; documents already parsed by the current version are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from parsers.registry import get_parser
from records.cli import cli
from tests.shared import DDOR_PDF, fixture, storage_args


def invoke(tmp_path: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli,
        [*storage_args(tmp_path), *args],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_reparse_after_a_version_bump_replaces_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(tmp_path, "add", str(fixture(DDOR_PDF)), "--source", "ice-ddor")
    db = sqlite_utils.Database(tmp_path / "r.db")
    assert invoke(tmp_path, "parse", "--reparse").startswith("run 2: 0 new")  # nothing to do
    assert db.execute("select count(*) from ddor_declined_detainers").fetchone()[0] == 206

    monkeypatch.setattr(get_parser("ice-ddor"), "version", "1.0-test-bump")
    output = invoke(tmp_path, "parse", "--reparse", "--workers", "1")
    assert "371 row(s) added" in output
    versions = db.execute(
        "select parser_version, count(*) from ddor_declined_detainers group by parser_version"
    ).fetchall()
    assert versions == [("1.0-test-bump", 206)]
    doc = next(db["documents"].rows)
    assert (doc["status"], doc["parser_version"]) == ("parsed", "1.0-test-bump")


def test_a_failing_reparse_leaves_the_earlier_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(tmp_path, "add", str(fixture(DDOR_PDF)), "--source", "ice-ddor")
    parser = get_parser("ice-ddor")
    monkeypatch.setattr(parser, "version", "9.9")

    def broken(path: Path) -> None:
        raise ValueError("simulated parser bug")

    monkeypatch.setattr(parser, "parse", broken)
    result = CliRunner().invoke(
        cli,
        [*storage_args(tmp_path), "parse", "--reparse", "--workers", "1"],
    )
    assert result.exit_code == 1
    assert "simulated parser bug" in result.output
    db = sqlite_utils.Database(tmp_path / "r.db")
    assert db.execute("select count(*) from ddor_declined_detainers").fetchone()[0] == 206
    assert next(db["documents"].rows)["status"] == "failed"
