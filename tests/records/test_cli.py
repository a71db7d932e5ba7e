"""The CLI through click's CliRunner: help texts, exit codes, clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from records.cli import cli
from tests.shared import REPO, fixture, storage_args

COMMANDS = ["run", "crawl", "parse", "add", "status", "sources", "serve", "demo", "extract"]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command: str) -> None:
    code, output = invoke(command, "--help")
    assert code == 0
    assert output.startswith(f"Usage: cli {command}") or output.startswith(
        f"Usage: records {command}"
    )
    assert len(output.splitlines()) > 3


def test_top_level_help_lists_commands() -> None:
    code, output = invoke("--help")
    assert code == 0
    for command in COMMANDS:
        assert f"  {command} " in output


def test_sources_lists_the_shipped_registry() -> None:
    code, output = invoke("--sources", str(REPO / "sources.toml"), "sources")
    assert code == 0
    assert "ice-ddor  Weekly Declined Detainer Outcome Report (DDOR)" in output
    assert "parser:   ice-ddor" in output
    assert "schedule: 0 9 * * mon (America/New_York)" in output


def test_bad_sources_file_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text(
        '[[source]]\nname = "x"\nurl = "https://a.gov/"\nlink_regex="pdf"\nparser = "zzz"\n'
    )
    result = CliRunner().invoke(cli, ["--sources", str(bad), "run"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"Configuration error: {bad}: source 'x': field 'parser': unknown parser 'zzz'" in (
        result.output
    )


def test_unknown_source_name_is_a_configuration_error(tmp_path: Path) -> None:
    code, output = invoke(
        "--sources", str(REPO / "sources.toml"), "--db", str(tmp_path / "r.db"), "run", "nope"
    )
    assert code == 2
    assert "no source named 'nope' (known: ice-ddor)" in output


def test_add_parses_a_local_file_and_a_corrupt_one_fails_clearly(tmp_path: Path) -> None:
    corrupt = tmp_path / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    args = storage_args(tmp_path)
    code, output = invoke(
        *args,
        "add",
        str(fixture("ddor/ddor2017_01-28to02-03.pdf")),
        str(corrupt),
        "--source",
        "ice-ddor",
    )
    assert code == 1
    assert "Traceback" not in output
    assert "2 new document(s)" in output and "371 row(s) added" in output
    assert "broken.pdf" in output
    db = sqlite_utils.Database(tmp_path / "r.db")
    statuses = {d["filename"]: d["status"] for d in db["documents"].rows}
    assert statuses == {"ddor2017_01-28to02-03.pdf": "parsed", "broken.pdf": "failed"}
    assert db["ddor_declined_detainers"].count == 206
    error = next(db["errors"].rows)
    assert error["stage"] == "parse" and "broken.pdf" in error["message"]


def test_status_reports_runs_documents_and_errors(tmp_path: Path) -> None:
    args = storage_args(tmp_path)
    invoke(*args, "add", str(fixture("ddor/ddor2017_01-28to02-03.pdf")), "--source", "ice-ddor")
    code, output = invoke(*args, "status")
    assert code == 0
    assert "documents: 1 (1 parsed)" in output
    assert "1 new, 371 rows, 0 error(s)" in output


def test_top_level_help_is_not_truncated_and_says_where_to_start() -> None:
    # Long first docstring lines used to be cut to "Archive local files (...)..." etc.
    code, output = invoke("--help")
    assert code == 0
    listing = output.split("Commands:", 1)[1]
    for command in COMMANDS:
        line = next(line for line in listing.splitlines() if line.startswith(f"  {command} "))
        assert not line.endswith("..."), line
    assert "`records demo` runs everything offline" in output
    assert "Exit status: 0 all went well" in output


def test_add_progress_says_1_row_not_1_rows(tmp_path: Path) -> None:
    table = tmp_path / "one.csv"
    # One data row (the row describing the sheet, in spreadsheet_sheets, is not counted).
    table.write_text("county,declined\nHarris,3\n")
    code, output = invoke(
        "--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "a"), "add", str(table)
    )
    assert code == 0
    assert "  one.csv: parsed, 1 row (spreadsheet " in output


def test_add_counts_the_body_rows_not_the_row_describing_the_table(tmp_path: Path) -> None:
    # Said "6 rows" for a table of five: the extracted_tables row describing it was counted.
    from tests.records.test_parse_batches import ruled_table_pdf

    pdf = tmp_path / "cases.pdf"
    pdf.write_bytes(ruled_table_pdf(1))
    storage = ("--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "a"))
    code, output = invoke(*storage, "add", str(pdf), "--parser", "generic")
    assert code == 0, output
    assert "  cases.pdf: parsed, 5 rows (generic " in output
    assert "; 5 row(s) added;" in output
    db = sqlite_utils.Database(tmp_path / "r.db")
    assert [d["rows"] for d in db["documents"].rows] == [5]
    assert (db["extracted_tables"].count, db["extracted_rows"].count) == (1, 5)


def test_a_sources_file_of_settings_alone_serves_a_records_desk(tmp_path: Path) -> None:
    """A desk that only adds records-request responses keeps its template folder in a sources
    file with no [[source]]: `records add` reads a file with that folder's template; a
    command that crawls says there is nothing to crawl."""
    from tests.parsers.spreadsheets.generated import detention_workbook

    (tmp_path / "templates").mkdir()
    workbook = detention_workbook(tmp_path / "fy2019.xlsx", 2019)
    drafted = CliRunner().invoke(cli, ["template", "draft", str(workbook), "--name", "facilities"])
    assert drafted.exit_code == 0, drafted.output
    (tmp_path / "templates" / "facilities.sheet.toml").write_text(drafted.stdout)
    sources = tmp_path / "sources.toml"
    sources.write_text('[settings]\ntemplates = ["templates"]\n')
    base = ["--sources", str(sources), *storage_args(tmp_path)[:4]]  # not the shipped file
    added = CliRunner().invoke(cli, [*base, "add", "--parser", "facilities", str(workbook)])
    assert added.exit_code == 0, added.output
    assert "parsed, 3 rows (facilities" in added.output
    for command in (["run"], ["crawl"], ["schedule", "--list"]):
        result = CliRunner().invoke(cli, [*base, *command])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert f"Configuration error: {sources}: no [[source]] entries: nothing to crawl" in (
            result.output
        )
