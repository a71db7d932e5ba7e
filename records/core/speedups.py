"""Compiled speedups: the parsers' hot modules compiled to C by Cython, with pure Python as
the fallback.

The modules listed in ``MODULES`` are plain Python, and stay the only source. ``build()``
compiles each, unchanged, into ``.compiled/`` beside the packages (one extension per module
and Python version, with the SHA-256 of the source it was made from). ``install()`` (run by
``parsers/__init__.py``) puts a finder first on ``sys.meta_path`` that loads a module's
extension only when its recorded digest is the digest of the ``.py`` file now on disk: an
edited module runs as Python until it is built again, never as the stale extension. A
module with no extension (no C compiler, Cython not installed, a checkout never built) runs
as Python too, with the same results, only slower. ``RECORDS_PURE_PYTHON=1`` turns the
extensions off.

The arithmetic is the same: the code is compiled with Python's semantics (no C types; the
annotations are not read as C declarations, ``annotation_typing=False``), so a float is a
Python float and each operation is the one the interpreter runs; the compiler is told not
to fuse a multiply and an add (``-ffp-contract=off``). ``tests/records/test_speedups.py``
compares the two builds' rows on the template fixtures.

``python -m records.core.speedups build`` compiles (``make install`` runs it);
``python -m records.core.speedups status`` says which modules are compiled.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

#: The modules compiled: where a parse spends its time (reading the page, words and cells,
#: the templates' engine, the accounting, the DDOR).
MODULES: tuple[str, ...] = (
    "parsers.reading.tokens",
    "parsers.reading.document",
    "parsers.reading.chars",
    "parsers.reading.words",
    "parsers.reading.cells",
    "parsers.reading.grid",
    "parsers.reading.paths",
    "parsers.reading.operators",
    "parsers.reading.ascii85",
    "parsers.reading.pagelist",
    "parsers.accounting",
    "parsers.cleaning",
    "parsers.typed",
    "parsers.templates.engine",
    "parsers.templates.rotated",
    "parsers.ice_ddor.parser",
)
#: The folder (beside the top-level packages) the extensions go to.
FOLDER = ".compiled"
#: Set to anything but "" or "0": the extensions are not loaded.
PURE_ENV = "RECORDS_PURE_PYTHON"
#: Part of every recorded digest: a change of how modules are compiled makes every built
#: extension stale (rebuilt by the next ``build``).
BUILD_KEY = b"cython3 language_level=3 annotation_typing=False binding=True -O2 -ffp-contract=off\n"
DIRECTIVES: dict[str, Any] = {
    "language_level": 3,
    "annotation_typing": False,  # annotations are documentation, as in Python
    "binding": True,  # functions as Python's: introspection, pickling by name
}
COMPILE_ARGS = ["-O2", "-ffp-contract=off", "-g0"]
#: The top of the source tree this file is in (``records/core/speedups.py``).
ROOT = Path(__file__).resolve().parents[2]


class SpeedupsUnavailable(Exception):
    """The extensions cannot be built here (no Cython, no C compiler); the message says why."""


def pure() -> bool:
    """Whether ``RECORDS_PURE_PYTHON`` turns the extensions off."""
    return os.environ.get(PURE_ENV, "") not in ("", "0")


def digest(source: bytes) -> str:
    """The digest an extension records of the source it was compiled from."""
    return hashlib.sha256(BUILD_KEY + source).hexdigest()


def extension_path(root: Path, module: str) -> Path:
    """Where ``module``'s extension for this Python lives under the tree ``root``."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    *packages, name = module.split(".")
    return root.joinpath(FOLDER, *packages, name + suffix)


def _recorded(extension: Path) -> str | None:
    try:
        return extension.with_name(extension.name + ".sha256").read_text().strip()
    except OSError:
        return None


class _Finder(importlib.abc.MetaPathFinder):
    """Finds a listed module's extension when it was built from the ``.py`` file on disk.
    (A plain class: dataclasses would import ``inspect``, 14 ms, in every process.)"""

    def __init__(self, modules: frozenset[str]) -> None:
        self.modules = modules
        #: Modules whose extension was passed over: built from another version.
        self.stale: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules or pure():
            return None
        source_spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        origin = source_spec.origin if source_spec is not None else None
        if origin is None or not origin.endswith(".py"):
            return None
        source = Path(origin)
        root = source.parents[fullname.count(".")]
        extension = extension_path(root, fullname)
        recorded = _recorded(extension)
        if recorded is None or not extension.is_file():
            return None
        try:
            current = digest(source.read_bytes())
        except OSError:
            return None
        if recorded != current:
            self.stale.add(fullname)
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(extension))
        return importlib.util.spec_from_file_location(fullname, extension, loader=loader)


_finder: _Finder | None = None


def install() -> None:
    """Load the listed modules from their extensions where fresh ones are built (once)."""
    global _finder
    if _finder is None:
        _finder = _Finder(frozenset(MODULES))
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def compiled(module: str) -> bool:
    """Whether ``module`` is imported and running from its extension."""
    loaded = sys.modules.get(module)
    spec = getattr(loaded, "__spec__", None)
    return isinstance(getattr(spec, "loader", None), importlib.machinery.ExtensionFileLoader)


def status(root: Path = ROOT, modules: Iterable[str] = MODULES) -> dict[str, str]:
    """Each module's state: ``compiled`` (a fresh extension is built), ``stale`` (built from
    another version of the source: the module runs as Python), ``not built``; every one
    ``pure Python (RECORDS_PURE_PYTHON)`` when the variable turns them off."""
    out: dict[str, str] = {}
    for module in modules:
        if pure():
            out[module] = f"pure Python ({PURE_ENV})"
            continue
        source = root.joinpath(*module.split(".")).with_suffix(".py")
        extension = extension_path(root, module)
        recorded = _recorded(extension)
        if recorded is None or not extension.is_file():
            out[module] = "not built"
        elif recorded != digest(source.read_bytes()):
            out[module] = "stale"
        else:
            out[module] = "compiled"
    return out


class Built(NamedTuple):
    """What ``build`` did: modules compiled now, and those already up to date."""

    compiled: list[str]
    fresh: list[str]


def build(
    modules: Iterable[str] = MODULES, *, root: Path = ROOT, jobs: int = 2, quiet: bool = True
) -> Built:
    """Compile each of ``modules`` (sources under ``root``) whose extension is missing or
    stale into ``root/.compiled``. Raises SpeedupsUnavailable when Cython or a C compiler
    is missing, or the compiler fails (with the end of its output)."""
    import shutil  # the build's imports: the finder's are kept few (every process loads it)
    import tempfile

    wanted: list[tuple[str, bytes]] = []
    fresh: list[str] = []
    for module in modules:
        source = root.joinpath(*module.split(".")).with_suffix(".py").read_bytes()
        extension = extension_path(root, module)
        if extension.is_file() and _recorded(extension) == digest(source):
            fresh.append(module)
        else:
            wanted.append((module, source))
    if not wanted:
        return Built([], fresh)
    try:
        from Cython.Build import cythonize
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext
    except ImportError as e:
        raise SpeedupsUnavailable(
            f"Cython is not installed ({e.name}): pip install -e '.[speed]'"
        ) from e
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        raise SpeedupsUnavailable(f"no C compiler ({compiler!r} is not on PATH)")
    with tempfile.TemporaryDirectory(prefix="records-speedups-") as tmp:
        work = Path(tmp)
        extensions = []
        for module, source in wanted:
            *packages, name = module.split(".")
            folder = work.joinpath("src", *packages)
            folder.mkdir(parents=True, exist_ok=True)
            for depth in range(1, len(packages) + 1):  # packages: Cython names the module by them
                work.joinpath("src", *packages[:depth], "__init__.py").touch()
            copy = folder / f"{name}.py"
            copy.write_bytes(source)
            extensions.append(Extension(module, [str(copy)], extra_compile_args=COMPILE_ARGS))
        log = work / "compiler.log"
        try:
            with _output_to(log if quiet else None):
                made = cythonize(  # type: ignore[no-untyped-call, unused-ignore]
                    extensions, compiler_directives=DIRECTIVES, nthreads=jobs, quiet=quiet
                )
                command = build_ext(Distribution({"ext_modules": made}))
                command.build_lib = str(work / "lib")
                command.build_temp = str(work / "tmp")
                command.parallel = jobs
                command.ensure_finalized()
                command.run()
        except Exception as e:  # the compiler's or Cython's own error: its output says what
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise SpeedupsUnavailable(f"the build failed: {e}\n{tail}".rstrip()) from e
        for module, source in wanted:
            made_path = Path(command.get_ext_fullpath(module))
            target = extension_path(root, module)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Replaced, not written over: a process running the old one keeps its mapping.
            staged = target.with_name(target.name + ".new")
            shutil.copyfile(made_path, staged)
            os.replace(staged, target)
            target.with_name(target.name + ".sha256").write_text(digest(source) + "\n")
    return Built([m for m, _ in wanted], fresh)


@contextlib.contextmanager
def _output_to(log: Path | None) -> Iterator[None]:
    """Standard output and error (the compiler's, at the file descriptors) into ``log``."""
    if log is None:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "wb") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def main(argv: list[str] | None = None) -> int:
    """``build``: compile what is missing or stale (a missing compiler or Cython is reported
    and is not an error: the parsers then run as Python); ``status``: each module's state."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "status"
    if command == "build":
        try:
            built = build()
        except SpeedupsUnavailable as e:
            print(f"compiled speedups not built: {e}", file=sys.stderr)
            print("the parsers run as pure Python: the same results, slower", file=sys.stderr)
            return 0
        if built.compiled:
            print(f"compiled speedups: built {len(built.compiled)} modules", file=sys.stderr)
        else:
            print(f"compiled speedups: all {len(built.fresh)} modules up to date", file=sys.stderr)
        return 0
    if command == "status":
        for module, state in status().items():
            print(f"{module:32s} {state}")
        return 0
    print("usage: python -m records.core.speedups [build|status]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
