"""A non-editable install works from any folder: build the wheel, install it into a fresh
venv, run ``records demo --no-serve`` and ``records serve`` from an empty folder.

Offline by design (tests never download): the wheel is built with the setuptools and wheel
of the project's venv (``--no-build-isolation``), and the fresh venv gets the project's
*dependencies* from the project's venv through a ``.pth`` line naming its site-packages.
The project itself comes only from the wheel: a plain path line in a ``.pth`` file does not
run the ``.pth`` files of the folder it names, so the editable install's import hook stays
off, and the test checks that ``records`` is imported from the new venv.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.shared import REPO

pytestmark = pytest.mark.packaging

#: Left out of the copy the wheel is built from (the build writes build/ and *.egg-info).
_NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".compiled",
    "data",
    "build",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "bench",
    "docs",
)


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def _wait_for(url: str, process: subprocess.Popen, bound: float = 120.0) -> tuple[int, str]:
    deadline = time.monotonic() + bound
    while True:
        try:
            return _get(url)
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                raise AssertionError(f"records serve exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer within {bound} s") from None
            time.sleep(0.2)


@contextmanager
def _serving(command: list[str], cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """``records serve`` on a free port, answering; stopped (SIGTERM) afterwards."""
    port = _free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_wheel_installs_and_runs_from_an_empty_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECORDS_", "PYTHON"))}
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", str(tmp_path / "dist"), str(source)], tmp_path, env)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("agency_records-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
             tmp_path, env).strip()
    )  # fmt: skip
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "project-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "-q", str(wheel)], tmp_path, env)  # fmt: skip

    empty = tmp_path / "newsroom"
    empty.mkdir()
    where = _run([str(python), "-c", "import records, parsers.templates.engine as t;"
                  " print(records.__file__); print(t.TEMPLATES_DIR)"], empty, env)  # fmt: skip
    assert all(line.startswith(str(site)) for line in where.split()), where

    records = str(venv / "bin" / "records")
    out = _run([records, "demo", "--no-serve"], empty, env)
    assert "4 new document(s), 0 unchanged" in out and " 0 error(s)" in out, out
    assert "4 sample reports; database data/demo/records.db" in out, out

    demo = empty / "data" / "demo"
    options = ["--db", str(demo / "records.db"), "--archive", str(demo / "archive"),
               "--sources", str(demo / "sources.toml")]  # fmt: skip
    with _serving([records, *options], empty, env) as url:
        status, home = _get(f"{url}/")
        assert status == 200 and 'href="-/charts/declined-detainers"' in home
        status, chart = _get(f"{url}/-/charts/declined-detainers")
        assert status == 200 and "<svg" in chart
    # Nothing at all: no sources file, no database yet (serve creates an empty one).
    bare = tmp_path / "bare"
    bare.mkdir()
    with _serving([records], bare, env) as url:
        status, home = _get(f"{url}/")
        assert status == 200 and "Agency records" in home and "-/charts/" not in home
    assert (bare / "data" / "records.db").is_file()


def test_the_wheel_requires_no_dask_without_the_cluster_extra(tmp_path: Path) -> None:
    """`pip install agency-records` does not pull the Dask stack; `[cluster]` does."""
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    out = tmp_path / "metadata"
    out.mkdir()
    script = (
        "import sys, setuptools.build_meta as b;"
        " print(b.prepare_metadata_for_build_wheel(sys.argv[1]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    folder = _run([sys.executable, "-c", script, str(out)], source, env).strip().splitlines()[-1]
    metadata = (out / folder / "METADATA").read_text(encoding="utf-8")
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")]  # fmt: skip
    always = [r for r in requires if "extra ==" not in r]
    assert "pdfplumber<0.12,>=0.11.4" in [r.replace(" ", "") for r in always], always
    assert not [r for r in always if r.lower().startswith(("distributed", "dask"))], always
    assert 'distributed>=2024.1; extra == "cluster"' in requires, requires
    assert "Provides-Extra: cluster" in metadata.splitlines()
