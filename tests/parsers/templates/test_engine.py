"""The template engine on generated reports: carry-over headers, wrapped rows, checks,
and quarantine of drifted layouts and failed totals."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.registry import get_parser
from parsers.templates.engine import TemplateParser, combine_header, load_templates
from parsers.templates.spec import page_numbers, parse_template, read_template
from records.core.errors import TemplateError
from tests.shared import fixture

HEADER = ("Permit No.", "Holder", "Issued", "Fee")
ROWS = [
    (f"P-{n:03d}", f"Holder {n}", f"0{1 + n % 9}/1{n % 10}/2016", f"{100 + n:,}") for n in range(60)
]

TEMPLATE = {
    "name": "test-permits",
    "version": "1.0",
    "description": "Generated permit report.",
    "detect": {"page1": ["Permit Report"]},
    "facts": {"stated_count": {"pattern": r"lists (\d+) permits", "type": "integer"}},
    "tables": [
        {
            "name": "permits",
            "description": "Permits.",
            "settings": "ruled",
            "key_columns": ["permit"],
            "totals_row": {"column": "permit", "pattern": "^Total$"},
            "columns": [
                {"name": "permit", "header": "Permit No.", "description": "Permit number."},
                {"name": "holder", "header": "Holder", "description": "Holder."},
                {
                    "name": "issued",
                    "header": "Issued",
                    "type": "date",
                    "formats": ["%m/%d/%Y"],
                    "description": "Date issued.",
                },
                {"name": "fee", "header": "Fee", "type": "integer", "description": "Fee."},
            ],
        }
    ],
    "checks": [
        {"kind": "column_sums", "table": "permits", "columns": ["fee"]},
        {
            "kind": "stated_number",
            "name": "stated_count",
            "table": "permits",
            "pattern": r"lists (\d+) permits",
            "aggregate": "count",
        },
        {"kind": "page_footer"},
    ],
}


def _report(
    path: Path,
    *,
    header: tuple[str, ...] = HEADER,
    rows: list[tuple[str, ...]] = ROWS,
    total: int | None = None,
    stated: int | None = None,
    drop_column: int | None = None,
) -> Path:
    """A two-page ruled report, header printed on page 1 only, 'Page N of M' footers."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(True, margin=60)
    pdf.alias_nb_pages()
    pdf.set_font("Helvetica", "", 10)
    pdf.add_page()

    def footer() -> None:
        pdf.set_y(-40)
        pdf.cell(0, 10, f"Page {pdf.page_no()} of {{nb}}", align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.cell(0, 20, "County Permit Report", new_x="LMARGIN", new_y="NEXT")
    count = len(rows) if stated is None else stated
    pdf.cell(0, 14, f"This report lists {count} permits.", new_x="LMARGIN", new_y="NEXT")
    keep = [i for i in range(len(header)) if i != drop_column]
    body = list(rows) + [
        (
            "Total",
            "",
            "",
            f"{sum(int(r[3].replace(',', '')) for r in rows) if total is None else total:,}",
        )
    ]
    with pdf.table(
        col_widths=(80, 200, 90, 80),
        width=450,
        align="LEFT",
        repeat_headings=0,
        first_row_as_headings=True,
    ) as table:
        for cells in [header, *body]:
            row = table.row()
            for i in keep:
                row.cell(cells[i])
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def parser() -> TemplateParser:
    return TemplateParser(parse_template(Path("test-permits.toml"), TEMPLATE))


def test_reads_good_report_across_pages(parser: TemplateParser, tmp_path: Path) -> None:
    rows = list(ROWS)
    rows.insert(5, ("", "(continued) Holder 5 Trust", "", ""))  # a wrapped row of its own
    path = _report(
        tmp_path / "good.pdf", rows=rows, total=sum(100 + n for n in range(60)), stated=60
    )
    assert parser.detect(path)
    result = parser.parse(path)
    assert result.quarantine_reason() is None, result.quarantine_reason()
    got = result.rows_for("permits")
    assert len(got) == 60
    assert {r.page for r in got} == {1, 2}  # header only on page 1, carried over
    assert got[0].values == {
        "permit": "P-000",
        "holder": "Holder 0",
        "issued": "2016-01-10",
        "fee": 100,
    }
    assert got[4].values["holder"] == "Holder 4 (continued) Holder 5 Trust"
    assert got[-1].values == {
        "permit": "P-059",
        "holder": "Holder 59",
        "issued": "2016-06-19",
        "fee": 159,
    }
    assert sum(r.values["fee"] for r in got) == 7770
    assert result.document == {"pages": 2, "stated_count": 60}
    assert [c.name for c in result.checks] == [
        "cells_typed",
        "column_sums",
        "stated_count",
        "page_footer",
    ]


def test_failed_totals_quarantine(parser: TemplateParser, tmp_path: Path) -> None:
    path = _report(tmp_path / "bad-total.pdf", total=7000, stated=61)
    result = parser.parse(path)
    assert len(result.rows_for("permits")) == 60  # kept for inspection
    assert result.quarantine is None  # the layout is fine ...
    assert result.quarantine_reason() == (  # ... the numbers are not
        "column_sums FAILED: expected '1 columns of 60 rows sum to the totals row', found "
        "{'fee': 'fee: expected 7000, found 7770 (sum of 60 rows), difference -770'}"
        " (1 columns differ); "
        "stated_count FAILED: expected 61, found 60 (document states 'lists 61 permits'; "
        "count of permits)"
    )


def test_column_removed_quarantine(parser: TemplateParser, tmp_path: Path) -> None:
    path = _report(tmp_path / "drifted.pdf", drop_column=2)
    result = parser.parse(path)
    assert result.rows == []
    assert (result.quarantine or "").startswith(
        "drifted.pdf: layout does not match template test-permits v1.0: table permits: "
        "expected header ['Permit No.', 'Holder', 'Issued', 'Fee'] (4 columns), found "
        "page 1: 3 columns, first row ['Permit No.', 'Holder', 'Fee'] "
        "(columns removed: 'Issued'); page 2: 3 columns, first row ['P-0"
    )


def test_real_template_on_another_report() -> None:
    """ca-warn pointed at the campaign-finance report: quarantined, saying why."""
    result = get_parser("ca-warn").parse(fixture("real/tabula-java/schools.pdf"))
    assert result.rows == []
    assert result.quarantine is not None
    assert "table ca_warn_notices: expected header ['Notice Date', 'Effective', 'Received'," in (
        result.quarantine
    )
    assert "found page 1: 10 columns, first row ['Last Name', 'First Name'," in result.quarantine


def test_templates_load_with_versions() -> None:
    parsers = {p.name: p for p in load_templates()}
    assert set(parsers) == {
        "ca-warn",
        "fbi-nics",
        "mn-major-contributions",
        "ca-medi-cal-plans",
        "ok-able-licenses",
        "census-arrests-by-race",
    }
    assert {n: p.version for n, p in parsers.items() if p.version != "1.0"} == {"fbi-nics": "1.1"}
    for parser in parsers.values():
        for spec in parser.tables:
            assert all(c.description for c in spec.columns), spec.name


def test_template_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('name = "x"\ndescription = "d"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="broken.toml: missing required key 'version'"):
        read_template(bad)
    data = dict(TEMPLATE, tables=[dict(TEMPLATE["tables"][0], fill_down=["nope"])])
    with pytest.raises(TemplateError, match=r"fill_down names unknown columns \['nope'\]"):
        parse_template(Path("t.toml"), data)
    data = dict(TEMPLATE, checks=[{"kind": "vibes"}])
    with pytest.raises(TemplateError, match="check kind 'vibes' not one of"):
        parse_template(Path("t.toml"), data)
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(TemplateError, match="broken.toml: cannot read template"):
        read_template(bad)


def test_header_helpers() -> None:
    assert combine_header(
        [["", "Pre-Pawn", None, None], ["State", "Handgun", "Long Gun", "*Other"]]
    ) == ["State", "Pre-Pawn Handgun", "Pre-Pawn Long Gun", "Pre-Pawn *Other"]
    assert page_numbers("1-3,5", 10) == [1, 2, 3, 5]
    assert page_numbers("8-", 10) == [8, 9, 10]
    assert page_numbers(None, 2) == [1, 2]


def test_template_declares_sort_queries_and_charts() -> None:
    table = TEMPLATE["tables"][0]
    first = table["columns"][0]["name"]
    data = dict(
        TEMPLATE,
        tables=[
            dict(
                table,
                sort_desc=first,
                queries=[{"name": "q", "title": "Q", "description": "d", "sql": "select 1"}],
                charts=[{"name": "c", "title": "C", "x": "report_period", "group": first}],
            )
        ],
    )
    spec = TemplateParser(parse_template(Path("t.toml"), data)).tables[0]
    assert spec.sort_desc == first and spec.sort is None
    assert [(q.name, q.sql) for q in spec.queries] == [("q", "select 1")]
    (chart,) = spec.charts
    assert (chart.table, chart.x, chart.group, chart.value) == (
        spec.name,
        "report_period",
        first,
        None,
    )
    bad = dict(table, charts=[{"name": "c", "title": "C", "x": "nope"}])
    with pytest.raises(TemplateError, match="t.toml table .* chart 'c': x must be a column"):
        parse_template(Path("t.toml"), dict(TEMPLATE, tables=[bad]))
    bad = dict(table, charts=[{"name": "c", "title": "C", "x": first, "value": "nope"}])
    with pytest.raises(TemplateError, match="value names unknown column 'nope'"):
        parse_template(Path("t.toml"), dict(TEMPLATE, tables=[bad]))
    with pytest.raises(TemplateError, match="sort names unknown column 'nope'"):
        parse_template(Path("t.toml"), dict(TEMPLATE, tables=[dict(table, sort="nope")]))
