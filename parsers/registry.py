"""The explicit list of parsers, and how a file finds its parser.

Python parsers are listed here as loader functions (each imports its module when called, so
that a command that only lists sources does not load pdfplumber, and ``get_parser`` loads
only the parser asked for; mypy and editors follow them); declarative templates are found
in ``parsers/templates/*.toml`` (see ``parsers.templates.engine``) and in the folders a
newsroom adds: ``[settings] templates = [...]`` in ``sources.toml`` and the
``RECORDS_TEMPLATES`` environment variable (folders separated by
``os.pathsep``). Every function takes the sources file's ``Settings`` (None: the package's
templates and the environment's).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from parsers.base import Parser, TableSpec

if TYPE_CHECKING:
    from parsers.spreadsheets.template import SheetTemplateParser
from records.core.config import Settings
from records.core.errors import ConfigError, UnknownParser, UnsupportedFile
from records.core.filetypes import FILE_TYPES, PARSED_TYPES, names, sniff


def _ddor() -> Parser:
    from parsers.ice_ddor.parser import PARSER

    return PARSER


def _generic() -> Parser:
    from parsers.generic import PARSER

    return PARSER


def _spreadsheet() -> Parser:
    from parsers.spreadsheets.parser import PARSER

    return PARSER


#: name -> loader of the parser of that name.
PYTHON_PARSERS: dict[str, Callable[[], Parser]] = {
    "ice-ddor": _ddor,
    "generic": _generic,
    "spreadsheet": _spreadsheet,
}


@dataclass(frozen=True)
class PlainParser:
    """The parser of a family of file types that reads any file of it: the one for a file
    no template recognises, and the one whose tables stand in for a document a template
    refused (layout drift, ``stand_in_parser``)."""

    #: The family (``records.core.filetypes.FILE_TYPES``).
    family: str
    #: The parser's name.
    name: str
    #: What messages call it: "its tables loaded by the generic extractor".
    called: str
    #: What a template's ``[detect]`` reads of such a file (``no_template_recognised``).
    detect_reads: str


#: The plain parser of each family, in the order ``stand_in_parser`` tries them.
PLAIN_PARSERS: tuple[PlainParser, ...] = (
    PlainParser("pdf", "generic", "the generic extractor", "page 1"),
    PlainParser(
        "spreadsheet", "spreadsheet", "the spreadsheet parser", "its sheet names and first rows"
    ),
)

#: The parser that reads a file no one named a parser for, by its type's family
#: (``records.core.filetypes.FILE_TYPES``); PDFs are first offered to every template.
PARSER_BY_FAMILY: dict[str, str] = {plain.family: plain.name for plain in PLAIN_PARSERS}


def fallback_parser(kind: str | None) -> str | None:
    """The parser for a file of this type (``sniff``'s name) that names none, or None."""
    known = FILE_TYPES.get(kind or "")
    return PARSER_BY_FAMILY.get(known.family or "") if known else None


def stand_in_parser(
    refusing: Parser, path: Path, settings: Settings | None = None
) -> PlainParser | None:
    """The plain parser whose tables stand in for ``path`` when ``refusing`` quarantined it:
    the first that reads the file and is not ``refusing`` (a PDF: the generic extractor; a
    workbook or CSV: the spreadsheet parser). None when there is none."""
    for plain in PLAIN_PARSERS:
        if plain.name != refusing.name and get_parser(plain.name, settings).detect(path):
            return plain
    return None


#: Folders of templates, besides the package's and the sources file's (``os.pathsep``).
TEMPLATES_ENV = "RECORDS_TEMPLATES"


def template_dirs(settings: Settings | None = None) -> tuple[Path, ...]:
    """Where templates are read from: the package's folder, the sources file's
    ``[settings] templates``, then ``RECORDS_TEMPLATES``; each folder once."""
    from parsers.templates.spec import TEMPLATES_DIR

    folders = [TEMPLATES_DIR, *(settings.templates if settings else ())]
    folders += [Path(p) for p in os.environ.get(TEMPLATES_ENV, "").split(os.pathsep) if p]
    return tuple(dict.fromkeys(f.expanduser().resolve() for f in folders))


def own_template_folders(settings: Settings | None = None) -> list[Path]:
    """The template folders a newsroom named (``[settings] templates``,
    ``RECORDS_TEMPLATES``; not the package's own) that hold at least one template."""
    from parsers.templates.spec import TEMPLATES_DIR

    own = TEMPLATES_DIR.expanduser().resolve()
    return [
        folder
        for folder in template_dirs(settings)
        if folder != own and folder.is_dir() and any(folder.glob("*.toml"))
    ]


def no_template_recognised(parser: Parser, settings: Settings | None = None) -> str | None:
    """For a file detection gave to the generic parser of its kind (``parser``) while the
    newsroom's template folders hold templates: that none of them recognised it, else None.
    The next edition of a drafted report whose ``[detect]`` no longer matches would
    otherwise pass for a file no template was meant for."""
    plain = next((p for p in PLAIN_PARSERS if p.name == parser.name), None)
    if plain is None:
        return None
    folders = own_template_folders(settings)
    if not folders:
        return None
    where = ", ".join(str(folder) for folder in folders)
    return (
        f"no template in {where} recognised it (their [detect] did not match {plain.detect_reads})"
    )


def all_parsers(settings: Settings | None = None) -> dict[str, Parser]:
    """Every parser by name: the Python ones, then the templates of every folder."""
    python = {name: _python_parser(name) for name in PYTHON_PARSERS}
    return {**python, **_templates_in(template_dirs(settings))}


@cache
def _python_parser(name: str) -> Parser:
    """One Python parser, its module imported on first use (a templated document's parse
    does not import the generic extractor or the spreadsheet readers)."""
    return PYTHON_PARSERS[name]()


@cache
def _templates_in(folders: tuple[Path, ...]) -> dict[str, Parser]:
    """The template parsers of these folders by name (PDF templates, then spreadsheet
    templates, folder by folder); a name defined twice is a ConfigError."""
    from parsers.templates.engine import load_templates

    parsers: dict[str, Parser] = {}
    where = _python_parsers_where()
    for folder in _existing(folders):
        for parser in load_templates(folder):
            _claim(where, parser.name, str(parser.template.path))
            parsers[parser.name] = parser
        for sheet_parser in _sheet_templates(folder):
            _claim(where, sheet_parser.name, str(sheet_parser.template.path))
            parsers[sheet_parser.name] = sheet_parser
    return parsers


def _sheet_templates(folder: Path) -> list[SheetTemplateParser]:
    """The spreadsheet templates (``*.sheet.toml``) of a folder, by file name."""
    from parsers.spreadsheets.template import (
        SHEET_TEMPLATE_SUFFIX,
        SheetTemplateParser,
        read_sheet_template,
    )

    paths = sorted(folder.glob(f"*{SHEET_TEMPLATE_SUFFIX}"))
    return [SheetTemplateParser(read_sheet_template(p)) for p in paths]


def _python_parsers_where() -> dict[str, str]:
    return {name: f"the Python parser {name!r}" for name in PYTHON_PARSERS}


def _existing(folders: Iterable[Path]) -> list[Path]:
    """The template folders, each checked to exist (a missing one is a ConfigError)."""
    folders = list(folders)
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(f"{folder}: template folder not found ({TEMPLATES_ENV}?)")
    return folders


def _claim(where: dict[str, str], name: str, path: str) -> None:
    """Record that ``path`` defines parser ``name``; a name defined twice is a ConfigError."""
    if name in where:
        raise ConfigError(
            f"template name {name!r} is used twice: {where[name]}"
            f" and {path} (rename one: a template's name is its parser's name)"
        )
    where[name] = path


def parser_names(settings: Settings | None = None) -> list[str]:
    """The names a source's ``parser`` may take (``settings`` of the sources file in use).

    Read without importing any parser (so without pdfplumber): a command that only checks
    the sources file (``records sources``) stays light. The Python parsers by their key, the
    templates by the ``name`` in their TOML; a name defined twice is a ConfigError.
    """
    from parsers.templates.spec import read_template

    where = _python_parsers_where()
    from parsers.spreadsheets.template import is_sheet_template, read_sheet_template

    for folder in _existing(template_dirs(settings)):
        for path in sorted(folder.glob("*.toml")):
            read = read_sheet_template if is_sheet_template(path) else read_template
            _claim(where, read(path).name, str(path))
    return sorted(where)


def table_specs(
    names: Iterable[str] | None = None, settings: Settings | None = None
) -> list[TableSpec]:
    """The tables the named parsers (default: every parser) declare, each once."""
    parsers = all_parsers(settings)
    chosen = (
        [parsers[n] for n in dict.fromkeys(names) if n in parsers]
        if names is not None
        else list(parsers.values())
    )
    specs: dict[str, TableSpec] = {}
    for parser in chosen:
        for spec in parser.tables:
            specs.setdefault(spec.name, spec)
    return list(specs.values())


def get_parser(name: str, settings: Settings | None = None) -> Parser:
    """The parser of that name; ``UnknownParser`` (listing the known names) when none is."""
    templates = _templates_in(template_dirs(settings))
    if name in templates:
        return templates[name]
    if name in PYTHON_PARSERS:
        return _python_parser(name)
    raise UnknownParser(name, sorted([*PYTHON_PARSERS, *templates]))


def detect_parser(path: Path, settings: Settings | None = None) -> Parser:
    """The parser for a file no one named one for: a template that recognises it,
    else the generic parser for its type."""
    kind = sniff(path.read_bytes()) if path.stat().st_size else None
    parsers = all_parsers(settings)
    if kind == "pdf" or fallback_parser(kind) == "spreadsheet":  # templates first
        for name, parser in parsers.items():
            if name in PARSER_BY_FAMILY.values():
                continue
            if parser.detect(path):
                return parser
    fallback = fallback_parser(kind)
    if fallback and fallback in parsers:
        return parsers[fallback]
    if not path.stat().st_size:
        raise UnsupportedFile(f"{path.name}: empty file (0 bytes); nothing to parse")
    known = FILE_TYPES.get(kind or "")
    found = known.described if known else f"a {path.suffix or 'extensionless'} file"
    if kind == "zip":
        found += " (use records add to unpack it)"
    raise UnsupportedFile(
        f"{path.name}: not a file type records can parse (this is {found});"
        f" it reads {names(PARSED_TYPES)} files"
    )
