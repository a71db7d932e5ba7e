"""Every sources.toml field declared once (records.core.config's dataclasses): the README's
tables, the defaults and the checks all come from those declarations."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from records.core.config import Settings, Source, load_config
from records.core.errors import ConfigError
from records.core.fields import Reading, declared, declared_fields, read_fields
from records.core.filetypes import CRAWLED_TYPES
from records.core.reference import block, refresh
from tests.records.test_config import GOOD, error_for, write
from tests.shared import REPO

README = REPO / "README.md"


def test_the_readme_tables_are_the_ones_the_declarations_give() -> None:
    text = README.read_text(encoding="utf-8")
    for section in ("settings", "source"):
        assert block(section) in text, (
            f"README's [{section}] table is out of date:"
            " run python -m records.core.reference --write README.md"
        )
    assert refresh(text) == text


def test_the_reference_command_prints_both_tables() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "records.core.reference"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert result.stdout == block("settings") + "\n\n" + block("source") + "\n"
    lines = result.stdout.splitlines()
    assert "| `parse_timeout` | whole number, seconds | `600` | 1 or more |" in "\n".join(lines)
    assert (
        '| `doc_types` | list of file types | `["pdf", "xlsx", "xls", "csv"]`'
        " | `pdf`, `xlsx`, `xls`, `csv` |"
    ) in result.stdout
    assert "| `concurrent_per_domain` | whole number | `2` | 1 or 2 |" in result.stdout
    assert "| `name` | text | required |" in result.stdout


def test_refresh_replaces_an_old_table_and_refuses_a_readme_without_markers() -> None:
    old = "intro\n<!-- fields:settings -->\n| stale |\n<!-- /fields -->\nmid\n"
    old += "<!-- fields:source -->\n<!-- /fields -->\nend\n"
    new = refresh(old)
    assert new == f"intro\n{block('settings')}\nmid\n{block('source')}\nend\n"
    with pytest.raises(ValueError, match="no <!-- fields:settings -->"):
        refresh("no tables here")


def test_defaults_are_the_declared_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.settings == Settings()
    source = config.source("city-warn")
    for f in declared_fields(Source):
        if not f.declared.required and f.name not in ("link_regex",):
            assert getattr(source, f.name) == f.default, f.name
    assert source.doc_types == CRAWLED_TYPES == ("pdf", "xlsx", "xls", "csv")
    assert (source.timeout, source.max_bytes, source.concurrent_per_domain) == (60, 104857600, 2)


def test_every_field_is_declared_with_help() -> None:
    for cls in (Settings, Source):
        for f in declared_fields(cls):
            assert f.declared.help and f.shown_kind, f"{cls.__name__}.{f.name}"
            assert f.kind or f.declared.check, f"{cls.__name__}.{f.name}: nothing checks it"
    assert [f.name for f in declared_fields(Source) if f.declared.required] == [
        "name", "url", "parser",
    ]  # fmt: skip


@dataclass(frozen=True)
class _WithANewSetting:
    """What a new setting takes: one line."""

    page_cap: int = declared(500, low=1, unit="pages", help="pages read from one document")
    reader: str = declared("fast", choices=("fast", "slow"), help="how")
    ratio: float = declared(0.5, low=0, high=1, help="a share")


def test_a_new_setting_is_one_line_with_its_checks_and_docs(tmp_path: Path) -> None:
    reading = Reading(tmp_path / "s.toml", f"{tmp_path / 's.toml'}: [settings]", "settings")
    assert _WithANewSetting(**read_fields(_WithANewSetting, {}, reading)).page_cap == 500
    assert read_fields(_WithANewSetting, {"page_cap": 20, "ratio": 1}, reading) == {
        "page_cap": 20, "ratio": 1,
    }  # fmt: skip
    where = f"{tmp_path / 's.toml'}: [settings]: field"
    cases = {
        "page_cap": (0, f"{where} 'page_cap': must be a whole number, at least 1 (got 0)"),
        "reader": ("quick", f"{where} 'reader': 'quick' is not one of 'fast', 'slow'"),
        "ratio": (1.5, f"{where} 'ratio': must be a number, finite, 0 or more, at most 1"
                       " (got 1.5)"),
        "page_kap": (5, f"{tmp_path / 's.toml'}: [settings]: unknown field 'page_kap'"
                        " (did you mean 'page_cap'?)"),
    }  # fmt: skip
    for key, (value, message) in cases.items():
        with pytest.raises(ConfigError) as info:
            read_fields(_WithANewSetting, {key: value}, reading)
        assert str(info.value) == message
    from records.core.reference import table

    assert table(_WithANewSetting).splitlines()[2] == (
        "| `page_cap` | whole number, pages | `500` | 1 or more | pages read from one document |"
    )


def test_doc_types_are_the_file_type_tables(tmp_path: Path) -> None:
    only = load_config(write(tmp_path, GOOD + 'doc_types = ["csv", "xls"]\n'))
    assert only.source("city-warn").doc_types == ("csv", "xls")
    message = error_for(tmp_path, GOOD + 'doc_types = ["pdf", "zip"]\n')
    assert message.endswith(
        "source 'city-warn': field 'doc_types': allowed are pdf, xlsx, xls, csv"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("concurrent_per_domain = 3", "field 'concurrent_per_domain': must be 1 or 2 (be polite)"),
        ("retries = -1", "field 'retries': must be at least 0 (got -1)"),
        ("schedule = 9", "field 'schedule': must be a string in quotes"),
        ("url = 5", "field 'url': must be a string in quotes"),
        ("name = 5", "source #1: field 'name': must be a string in quotes"),
        ('name = "City WARN"', "field 'name': use lowercase letters, digits and dashes"),
        ('start_urls = ["ftp://x"]', "field 'url': not an http(s) URL: 'ftp://x'"),
        ('link_regex = "("', "field 'link_regex': bad regular expression '('"),
        ('hooks = {on_fire = {command = "x"}}', "field 'hooks': unknown event 'on_fire'"),
    ],
)
def test_source_checks_keep_their_messages(tmp_path: Path, line: str, expected: str) -> None:
    key = line.split(" ")[0]
    kept = "".join(f"{g}\n" for g in GOOD.splitlines() if not g.startswith(f"{key} ="))
    assert expected in error_for(tmp_path, kept + line + "\n")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('timezone = "Mars/Olympus"', "[settings]: field 'timezone': unknown zone 'Mars/Olympus'"),
        ("shared_archive = 1", "[settings]: field 'shared_archive': must be true or false"),
        ('templates = ["nowhere"]', "[settings]: field 'templates': 'nowhere' is not a folder"),
        ("colour = 1", "[settings]: unknown field 'colour'"),
    ],
)
def test_settings_checks_keep_their_messages(tmp_path: Path, line: str, expected: str) -> None:
    assert expected in error_for(tmp_path, f"[settings]\n{line}\n" + GOOD)
