"""Commands that do not parse do not load the parsers: `records request list`, `status` and
`sources` ran 0.7 s of imports (pdfplumber and every template) before they printed a line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db.connect import open_db
from tests.shared import REPO

#: Runs one command through the CLI in a fresh interpreter and reports what it imported.
PROBE = """
import json, sys
from click.testing import CliRunner
from records.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
heavy = sorted(m for m in ("pdfplumber", "pdfminer", "parsers.templates.engine",
                           "parsers.ice_ddor.parser") if m in sys.modules)
print(json.dumps({"exit": result.exit_code, "output": result.output, "heavy": heavy}))
"""


@pytest.mark.parametrize("command", [["request", "list"], ["status"], ["sources"]])
def test_command_does_not_import_pdfplumber(command: list[str], tmp_path: Path) -> None:
    open_db(tmp_path / "records.db").close()
    options = ["--db", str(tmp_path / "records.db"), "--archive", str(tmp_path / "archive"),
               "--sources", str(REPO / "sources.toml")]  # fmt: skip
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *options, *command],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout.splitlines()[-1])
    assert report["exit"] == 0, report["output"]
    assert report["heavy"] == []


def test_the_probe_sees_a_parsing_command_load_pdfplumber(tmp_path: Path) -> None:
    # The check above can fail: `records extract` parses, and the probe sees pdfplumber.
    from tests.shared import DDOR_PDF, fixture

    probe = subprocess.run(
        [sys.executable, "-c", PROBE, "extract", str(fixture(DDOR_PDF))],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(probe.stdout.splitlines()[-1])
    assert "pdfplumber" in report["heavy"]
