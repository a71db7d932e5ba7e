"""The parser registry: every listed loader gives the Parser of its name."""

from __future__ import annotations

from parsers.base import Parser
from parsers.registry import PYTHON_PARSERS, all_parsers, table_specs


def test_every_python_parser_entry_loads_a_parser_of_its_name() -> None:
    for name, load in PYTHON_PARSERS.items():
        parser = load()
        assert isinstance(parser, Parser), name
        assert parser.name == name


def test_table_specs_of_named_parsers_only() -> None:
    assert [s.name for s in table_specs(["ca-warn"])] == ["ca_warn_notices", "ca_warn_summary"]
    assert set(all_parsers()) >= {"ice-ddor", "generic", "spreadsheet", "ca-warn"}
