"""Keep the README true: every `records ...` command it shows exists and explains itself,
and the Quickstart is exactly two commands."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from records.cli import cli
from tests.shared import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SUBCOMMANDS = {"request", "schedule"}


def documented_commands() -> list[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for match in re.finditer(r"(?m)(?:^|`)records ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)", README):
        words = tuple(match.group(1).split())
        found.add(words if words[0] in SUBCOMMANDS and len(words) > 1 else words[:1])
    return sorted(found)


def test_quickstart_is_two_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quickstart.strip().splitlines()]
    assert commands == ["make demo", "make test"]


@pytest.mark.parametrize("words", documented_commands(), ids=" ".join)
def test_documented_command_has_help(words: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, f"`records {' '.join(words)}` is in the README but fails"
    assert "Usage:" in result.output


def test_readme_finds_the_commands_it_documents() -> None:
    commands = {" ".join(w) for w in documented_commands()}
    assert {"run", "serve", "demo", "extract", "request new", "schedule"} <= commands
