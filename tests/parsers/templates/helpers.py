"""Shared by the template tests: parse a fixture once per module with a named template."""

from __future__ import annotations

from parsers.base import ParseResult
from parsers.registry import detect_parser, get_parser
from tests.shared import fixture


def parse_with(name: str, relative: str) -> ParseResult:
    path = fixture(relative)
    # Every template fixture must also be found without naming the template.
    detected = detect_parser(path).name
    if detected != name:
        raise AssertionError(f"{relative} detected as {detected!r}, expected {name!r}")
    return get_parser(name).parse(path)


def values(result: ParseResult, table: str) -> list[dict]:
    return [r.values for r in result.rows_for(table)]
