"""Exit statuses come from the exceptions (``exit_code``), and `--cluster` without the
``cluster`` extra installed is one line saying how to install it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import records.cli.inspect
from records.cli import cli
from records.core.errors import (
    ConfigError,
    Interrupted,
    LockHeld,
    MissingExtra,
    RecordsError,
    UnknownParser,
)
from tests.scheduler.agency_site import write_sources
from tests.shared import REPO


class _OddError(RecordsError):
    exit_code = 7


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (_OddError("a reason"), 7, "Error: a reason"),
        (LockHeld("ice-ddor is being ingested by process 12"), 3, "ice-ddor is being ingested"),
        (ConfigError("s.toml: bad"), 2, "Configuration error: s.toml: bad"),
        (UnknownParser("zzz", ["ca-warn"]), 1, "Error: unknown parser 'zzz' (known: ca-warn)"),
        (Interrupted(), 130, "Interrupted: the run stopped between documents"),
    ],
)
def test_the_exit_status_is_the_exceptions(
    monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int, line: str
) -> None:
    def raising(paths: object) -> None:
        raise error

    monkeypatch.setattr(records.cli.inspect, "load_sources", raising)
    result = CliRunner().invoke(cli, ["sources"])
    assert result.exit_code == code, result.output
    assert result.output.startswith(line) and len(result.output.splitlines()) == 1


def test_documented_exit_codes() -> None:
    assert (RecordsError.exit_code, ConfigError.exit_code, LockHeld.exit_code) == (1, 2, 3)
    assert (Interrupted.exit_code, MissingExtra.exit_code) == (130, 2)


@pytest.mark.parametrize("how", ["option", "settings"])
def test_a_cluster_without_dask_installed_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # None in sys.modules makes `import distributed` raise ImportError, as when not installed.
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.delenv("RECORDS_CLUSTER", raising=False)
    sources = write_sources(tmp_path, "http://127.0.0.1:9")
    option: list[str] = ["--cluster", "tcp://127.0.0.1:9"]
    if how == "settings":
        option = []
        text = sources.read_text(encoding="utf-8")
        sources.write_text(
            text.replace("[settings]\n", '[settings]\ncluster = "tcp://127.0.0.1:9"\n'),
            encoding="utf-8",
        )
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "a"),
         "--sources", str(sources), "parse", *option],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output == (
        "Configuration error: parsing on a Dask cluster (--cluster, RECORDS_CLUSTER or"
        " [settings] cluster) needs Dask, which is not installed:"
        " pip install 'agency-records[cluster]'\n"
    )
    assert not (tmp_path / "r.db").exists()  # refused before anything was done


def test_nothing_imports_dask_until_a_cluster_is_asked_for() -> None:
    # A fresh interpreter where Dask cannot be imported: every command module still loads.
    code = (
        "import sys; sys.modules['distributed'] = sys.modules['dask'] = None;"
        " import records.cli, records.pipeline.workers.cluster, records.pipeline.run;"
        " from records.cli.ingest import run, parse, add; print('loaded')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO
    )
    assert (result.returncode, result.stdout) == (0, "loaded\n"), result.stderr[-2000:]
