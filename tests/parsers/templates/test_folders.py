"""Templates outside the package: ``[settings] templates`` in sources.toml and the
``RECORDS_TEMPLATES`` environment variable; a name used twice is a configuration error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from parsers.registry import get_parser, parser_names, table_specs, template_dirs
from records.cli import cli
from records.core.config import load_config
from records.core.errors import ConfigError
from tests.shared import fixture

NICS = "real/pdfplumber/nics-background-checks-2015-11.pdf"
#: A newsroom's own template: the NICS page's first three columns would not do (the header
#: is the fingerprint), so it reads the whole table under other names.
OWN = (Path(__file__).resolve().parents[3] / "parsers" / "templates" / "fbi-nics.toml").read_text(
    encoding="utf-8"
)


def _own_template(folder: Path, name: str = "newsroom-nics", table: str = "newsroom_nics") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = OWN.replace('name = "fbi-nics"', f'name = "{name}"')
    text = text.replace('"fbi_nics_checks"', f'"{table}"')
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _sources(folder: Path, parser: str, templates: list[str]) -> Path:
    path = folder / "sources.toml"
    path.write_text(
        "[settings]\n"
        f"templates = {json.dumps(templates)}\n"
        "[[source]]\n"
        'name = "nics"\nurl = "https://www.fbi.gov/nics"\nlink_regex = "\\\\.pdf$"\n'
        f'parser = "{parser}"\n',
        encoding="utf-8",
    )
    return path


def test_sources_file_template_folder(tmp_path: Path) -> None:
    _own_template(tmp_path / "our-templates")
    sources = _sources(tmp_path, "newsroom-nics", ["our-templates"])
    config = load_config(sources, known_parsers=parser_names)
    assert config.settings.templates == ((tmp_path / "our-templates").resolve(),)
    assert "newsroom-nics" in parser_names(config.settings)
    assert "newsroom-nics" not in parser_names()
    parser = get_parser("newsroom-nics", config.settings)
    assert [s.name for s in table_specs(["newsroom-nics"], config.settings)] == ["newsroom_nics"]
    rows = parser.parse(fixture(NICS)).rows_for("newsroom_nics")
    assert len(rows) == 55 and rows[0].values["state"] == "Alabama"
    # The CLI reads the folder from the sources file in use.
    result = CliRunner().invoke(
        cli, ["--sources", str(sources), "extract", str(fixture(NICS)), "--parser", "newsroom-nics"]
    )
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)
    assert table["table"] == "newsroom_nics" and len(table["rows"]) == 55


def test_add_takes_a_folder_template_as_its_parser(tmp_path: Path) -> None:
    # Regression: `records add --parser NAME` checked NAME against the package's templates
    # only, so a newsroom's own template was "unknown" to add although extract took it.
    _own_template(tmp_path / "our-templates")
    sources = _sources(tmp_path, "newsroom-nics", ["our-templates"])
    result = CliRunner().invoke(
        cli,
        [
            "--sources", str(sources), "--db", str(tmp_path / "records.db"),
            "--archive", str(tmp_path / "archive"),
            "add", str(fixture(NICS)), "--parser", "newsroom-nics",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(tmp_path / "records.db")
    assert db["newsroom_nics"].count == 55


def test_unknown_parser_lists_folder_templates_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"field 'templates': 'nowhere' is not a folder"):
        load_config(_sources(tmp_path, "generic", ["nowhere"]), known_parsers=parser_names)


def test_environment_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _own_template(tmp_path / "a", "desk-a", "desk_a")
    _own_template(tmp_path / "b", "desk-b", "desk_b")
    monkeypatch.setenv(
        "RECORDS_TEMPLATES", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    )
    assert template_dirs()[1:] == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
    assert {"desk-a", "desk-b", "fbi-nics"} <= set(parser_names())
    assert get_parser("desk-b").tables[0].name == "desk_b"


def test_name_clash_names_both_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = _own_template(tmp_path / "ours", "fbi-nics", "our_nics")
    monkeypatch.setenv("RECORDS_TEMPLATES", str(tmp_path / "ours"))
    package = Path(__file__).resolve().parents[3] / "parsers" / "templates" / "fbi-nics.toml"
    with pytest.raises(ConfigError) as caught:
        parser_names()
    assert str(caught.value) == (
        f"template name 'fbi-nics' is used twice: {package} and {mine}"
        " (rename one: a template's name is its parser's name)"
    )
    # Through the CLI: one message, exit status 2, no traceback.
    result = CliRunner().invoke(cli, ["extract", str(fixture(NICS))])
    assert result.exit_code == 2
    assert "template name 'fbi-nics' is used twice" in result.output
    assert "Traceback" not in result.output
