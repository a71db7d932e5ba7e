"""The parser registry: every listed loader gives the Parser of its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.base import Parser
from parsers.registry import PYTHON_PARSERS, all_parsers, table_specs
from records.core.errors import UnsupportedFile


def test_every_python_parser_entry_loads_a_parser_of_its_name() -> None:
    for name, load in PYTHON_PARSERS.items():
        parser = load()
        assert isinstance(parser, Parser), name
        assert parser.name == name


def test_table_specs_of_named_parsers_only() -> None:
    assert [s.name for s in table_specs(["ca-warn"])] == ["ca_warn_notices", "ca_warn_summary"]
    assert set(all_parsers()) >= {"ice-ddor", "generic", "spreadsheet", "ca-warn"}


def test_an_unknown_parser_is_the_registrys_own_error_not_a_key_error() -> None:
    from parsers.registry import get_parser
    from records.core.errors import ParseError, UnknownParser

    with pytest.raises(UnknownParser) as info:
        get_parser("county-jail")
    error = info.value
    assert isinstance(error, ParseError) and not isinstance(error, KeyError)
    assert (error.name, error.exit_code) == ("county-jail", 1)
    assert error.known == sorted(all_parsers())
    assert str(error).startswith("unknown parser 'county-jail' (known: ca-medi-cal-plans, ca-warn,")


def test_a_file_nobody_named_a_parser_for_goes_by_its_types_family(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from parsers.registry import detect_parser, fallback_parser

    assert [fallback_parser(k) for k in ("pdf", "xlsx", "xls", "csv", "zip", "html", None)] == [
        "generic", "spreadsheet", "spreadsheet", "spreadsheet", None, None, None,
    ]  # fmt: skip
    book = Workbook()
    book.active.append(["county", "detainers"])
    book.save(tmp_path / "made.xlsx")
    assert detect_parser(tmp_path / "made.xlsx").name == "spreadsheet"
    (tmp_path / "page.pdf").write_bytes(b"<!doctype html><html><body>moved</body></html>")
    with pytest.raises(UnsupportedFile) as info:
        detect_parser(tmp_path / "page.pdf")
    assert str(info.value) == (
        "page.pdf: not a file type records can parse (this is an HTML page);"
        " it reads PDF, XLSX, XLS and CSV files"
    )


def test_a_refused_document_is_stood_in_for_by_the_plain_parser_of_its_kind(
    tmp_path: Path,
) -> None:
    """One lookup picks the parser whose tables are loaded for a document a template refused:
    a PDF's generic extractor, a workbook's or CSV's spreadsheet parser; never the parser
    that refused it. Before, a refused workbook got none."""
    from parsers.registry import get_parser, stand_in_parser
    from tests.shared import fixture

    pdf = fixture("series/usc-dps-daily-crime-log/100323.pdf")
    workbook = fixture("series/la-sos-election-results/20231216.xlsx")
    (tmp_path / "made.csv").write_text("County,Declined\nTravis,3\n")
    template = get_parser("ca-warn")
    found = [stand_in_parser(template, f) for f in (pdf, workbook, tmp_path / "made.csv")]
    assert [(p.name, p.called) if p else None for p in found] == [
        ("generic", "the generic extractor"),
        ("spreadsheet", "the spreadsheet parser"),
        ("spreadsheet", "the spreadsheet parser"),
    ]
    assert stand_in_parser(get_parser("generic"), pdf) is None
    assert stand_in_parser(get_parser("spreadsheet"), workbook) is None


def test_getting_a_template_parser_imports_no_other_python_parser() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from parsers.registry import get_parser; get_parser('ca-warn');"
        " print(sorted(m for m in sys.modules if m.startswith(('parsers.generic',"
        " 'parsers.spreadsheets.parser', 'parsers.ice_ddor'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"
