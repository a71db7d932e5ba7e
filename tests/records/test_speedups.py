"""The compiled speedups (``records.core.speedups``): built by ``make install``, loaded only
when built from the source on disk, and giving the same results as Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.fixtures import TEMPLATE_FIXTURES  # the six the speed bench times
from records.core import speedups
from tests.shared import REPO

_PARSE_ALL = """
import hashlib, json
from parsers.registry import get_parser
from records.core import speedups
from tests.shared import fixture
fixtures = json.loads({fixtures!r})
results = {{}}
for name, relative in fixtures.items():
    result = get_parser(name).parse(fixture(relative))
    results[name] = [len(result.rows), hashlib.sha256(repr(result).encode()).hexdigest()]
compiled = sorted(m for m in speedups.MODULES if speedups.compiled(m))
print(json.dumps({{"results": results, "compiled": compiled}}))
"""


def _python_json(script: str, **env: str) -> Any:
    """Run ``script`` in a new interpreter from the repository, with ``env`` added (and
    ``RECORDS_PURE_PYTHON`` only if there); the JSON of its last line of output."""
    base = {k: v for k, v in os.environ.items() if k != speedups.PURE_ENV}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def _cython_installed() -> bool:
    try:
        import Cython  # noqa: F401
    except ImportError:
        return False
    return True


needs_cython = pytest.mark.skipif(
    not _cython_installed(), reason="Cython not installed (the `speed` extra; `make install`)"
)


@needs_cython
@pytest.mark.skipif(speedups.pure(), reason="RECORDS_PURE_PYTHON: the suite runs as Python")
def test_make_install_built_every_module_from_the_source_on_disk() -> None:
    """``make test`` runs the build first, so the suite runs the compiled modules."""
    states = speedups.status()
    assert states == {module: "compiled" for module in speedups.MODULES}, (
        "run `make speedups` (python -m records.core.speedups build): " + repr(states)
    )


@needs_cython
def test_the_template_fixtures_give_the_same_results_compiled_and_as_python() -> None:
    """Every row, value, box, check, warning and page account of the six fixtures the speed
    bench times (the whole ``ParseResult``'s repr, floats to the last digit), compiled and
    with ``RECORDS_PURE_PYTHON=1``."""
    script = _PARSE_ALL.format(fixtures=json.dumps(TEMPLATE_FIXTURES))
    compiled = _python_json(script)
    python = _python_json(script, **{speedups.PURE_ENV: "1"})
    assert python["compiled"] == []
    assert set(compiled["compiled"]) >= {
        "parsers.reading.tokens",
        "parsers.reading.document",
        "parsers.reading.words",
        "parsers.reading.cells",
        "parsers.templates.engine",
        "parsers.ice_ddor.parser",
    }
    assert compiled["results"] == python["results"]
    assert compiled["results"]["ca-warn"][0] == 642
    assert compiled["results"]["ice-ddor"][0] == 371


def _hot_module(root: Path, text: str) -> Path:
    """``root/pkg/hot.py`` holding ``text`` (module ``pkg.hot``)."""
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = package / "hot.py"
    source.write_text(text)
    return source


_IMPORT_HOT = """
import json, sys
sys.path.insert(0, {root!r})
from records.core.speedups import _Finder
sys.meta_path.insert(0, _Finder(frozenset({{"pkg.hot"}})))
import pkg.hot
print(json.dumps({{"file": pkg.hot.__file__, "answer": pkg.hot.answer()}}))
"""


@needs_cython
def test_an_extension_is_loaded_only_while_its_source_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(speedups.PURE_ENV, raising=False)
    source = _hot_module(tmp_path, "def answer():\n    return sum(i * 0.1 for i in range(10))\n")
    assert speedups.status(tmp_path, ["pkg.hot"]) == {"pkg.hot": "not built"}

    built = speedups.build(["pkg.hot"], root=tmp_path, jobs=1)
    assert built.compiled == ["pkg.hot"]
    extension = speedups.extension_path(tmp_path, "pkg.hot")
    assert extension.is_file() and extension.parent == tmp_path / ".compiled" / "pkg"
    assert speedups.status(tmp_path, ["pkg.hot"]) == {"pkg.hot": "compiled"}
    assert speedups.build(["pkg.hot"], root=tmp_path).fresh == ["pkg.hot"]  # nothing to do

    script = _IMPORT_HOT.format(root=str(tmp_path))
    loaded = _python_json(script)
    assert loaded == {"file": str(extension), "answer": sum(i * 0.1 for i in range(10))}
    assert _python_json(script, **{speedups.PURE_ENV: "1"})["file"] == str(source)

    # Edited: the stale extension is passed over, the edited source runs.
    source.write_text("def answer():\n    return 42\n")
    assert speedups.status(tmp_path, ["pkg.hot"]) == {"pkg.hot": "stale"}
    assert _python_json(script) == {"file": str(source), "answer": 42}
    assert speedups.build(["pkg.hot"], root=tmp_path).compiled == ["pkg.hot"]
    assert _python_json(script) == {"file": str(extension), "answer": 42}


def test_without_cython_the_build_says_so_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(speedups.PURE_ENV, raising=False)
    _hot_module(tmp_path, "x = 1\n")
    monkeypatch.setitem(sys.modules, "Cython.Build", None)  # import fails as if not installed
    with pytest.raises(speedups.SpeedupsUnavailable, match=r"Cython is not installed.*\[speed\]"):
        speedups.build(["pkg.hot"], root=tmp_path)
    assert not (tmp_path / speedups.FOLDER).exists()
    assert speedups.status(tmp_path, ["pkg.hot"]) == {"pkg.hot": "not built"}
