"""sources.toml validation: one clear message naming the file, the source and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.registry import parser_names
from records.core.config import load_config
from records.core.errors import ConfigError
from tests.shared import REPO

GOOD = """
[[source]]
name = "city-warn"
url = "https://agency.example.gov/reports/"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad-sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), known_parsers=parser_names)
    return str(info.value)


def test_shipped_sources_file_is_valid_and_has_ice_ddor() -> None:
    config = load_config(REPO / "sources.toml")
    ddor = config.source("ice-ddor")
    assert ddor.parser == "ice-ddor"
    assert ddor.schedule == "0 9 * * mon"
    assert ddor.archive_fallback is True
    assert ddor.allowed_domains == ["www.ice.gov"]
    assert config.settings.timezone == "America/New_York"
    assert "datadesk@example.org" in config.settings.agent


def test_defaults_weekly_schedule_and_derived_domains(tmp_path: Path) -> None:
    source = load_config(write(tmp_path, GOOD)).source("city-warn")
    assert source.schedule == "0 9 * * mon"
    assert source.allowed_domains == ["agency.example.gov"]
    assert source.doc_types == ("pdf", "xlsx", "xls", "csv")


def test_unknown_parser_names_file_source_and_field(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace('parser = "ice-ddor"', 'parser = "nope"'))
    assert message.startswith(
        f"{tmp_path / 'bad-sources.toml'}: source 'city-warn': field 'parser'"
    )
    assert "unknown parser 'nope'" in message and "ice-ddor" in message


def test_bad_cron(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD + 'schedule = "every monday"\n')
    assert "source 'city-warn': field 'schedule': bad cron 'every monday'" in message


def test_missing_url(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace('url = "https://agency.example.gov/reports/"\n', ""))
    assert message.endswith("source 'city-warn': field 'url': missing")


def test_duplicate_name(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD + GOOD)
    assert message.endswith("source 'city-warn': field 'name': duplicate name")


def test_not_a_url_unknown_field_and_bad_toml(tmp_path: Path) -> None:
    assert "field 'url': not an http(s) URL: 'ftp://x'" in error_for(
        tmp_path, GOOD.replace("https://agency.example.gov/reports/", "ftp://x")
    )
    assert "source 'city-warn': unknown field 'linkregex'" in error_for(
        tmp_path, GOOD + 'linkregex = "x"\n'
    )
    assert "not valid TOML" in error_for(tmp_path, "[[source]\nname=")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sources file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('max_bytes = "5MB"', "field 'max_bytes': must be a whole number (got '5MB')"),
        ("timeout = -5", "field 'timeout': must be at least 1 (got -5)"),
        ('archive_fallback = "yes"', "field 'archive_fallback': must be true or false"),
        ('download_delay = "fast"', "field 'download_delay': must be a number of seconds"),
        ("link_css = 5", "field 'link_css': must be a string in quotes"),
        ("start_urls = 5", "field 'start_urls': must be a list of URLs in quotes"),
    ],
)
def test_wrong_value_type_is_named_not_left_to_break_the_crawl(
    tmp_path: Path, line: str, expected: str
) -> None:
    # These used to pass validation; the crawl then failed to start and the run ended
    # "ok" with nothing crawled (or, for start_urls, a traceback).
    assert f"source 'city-warn': {expected}" in error_for(tmp_path, GOOD + line + "\n")


def test_bad_css_selector_is_a_config_error(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD + 'link_css = "a[[["\n')
    assert "source 'city-warn': field 'link_css': bad CSS selector 'a[[['" in message


def test_misspelt_field_suggests_the_right_one(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD + 'link_regx = "x"\n')
    assert message.endswith("unknown field 'link_regx' (did you mean 'link_regex'?)")


def test_single_bracket_source_says_to_use_two(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace("[[source]]", "[source]"))
    assert message.endswith("write [[source]] (two brackets) for each source, not [source]")


def test_missing_parser_lists_the_known_parsers(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace('parser = "ice-ddor"\n', ""))
    assert "source 'city-warn': field 'parser': missing (known parsers: " in message
    assert "ca-warn" in message and "ice-ddor" in message


def test_settings_field_of_wrong_type(tmp_path: Path) -> None:
    message = error_for(tmp_path, "[settings]\ncontact = 5\n" + GOOD)
    assert message.endswith("[settings]: field 'contact': must be a string in quotes")


def test_missing_file_says_where_it_looked_and_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "sources.toml")
    assert str(info.value) == (
        f"{tmp_path / 'sources.toml'}: sources file not found in {tmp_path.resolve()}"
        " (run records in the folder that holds it, or give --sources FILE)"
    )


def test_bad_settings_hooks_name_the_file(tmp_path: Path) -> None:
    # Regression: the [settings] hooks error left out the file, unlike every other one.
    message = error_for(tmp_path, '[settings]\nhooks = "notify.sh"\n' + GOOD)
    assert message == (
        f"{tmp_path / 'bad-sources.toml'}: [settings]: field 'hooks': must be a table"
    )


def test_pdf_reader_is_no_longer_a_setting(tmp_path: Path) -> None:
    # One PDF reader in product code (issue 21): the field is refused like any unknown one.
    message = error_for(tmp_path, '[settings]\npdf_reader = "pdfplumber"\n' + GOOD)
    assert message.startswith(f"{tmp_path / 'bad-sources.toml'}: [settings]: unknown field")
    assert "'pdf_reader'" in message
