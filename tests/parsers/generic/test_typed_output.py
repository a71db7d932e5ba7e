"""Tables found without a template, typed: columns named from the printed header, numbers
as numbers, total rows kept out and checked, footnote marks kept beside the number."""

from __future__ import annotations

import json

from parsers.generic.parser import PARSER
from parsers.typed import UNTYPED_CELLS
from tests.shared import expected, fixture

ZIKA = "series/ca-cdph-zika-weekly"
COLOMBIA = "series/co-ins-zika-municipal-weekly"


def test_california_zika_county_table_typed_with_its_total_checked() -> None:
    truth = expected(f"{ZIKA}/expected/ca-confirmed-cases-2016-03-25.json")["tables"][0]
    result = PARSER.parse(fixture(f"{ZIKA}/ca-confirmed-cases-2016-03-25.pdf"))
    (table,) = result.typed
    assert table.name == "county_travel_associated_cases_locally_acquired_cases"
    assert [(c.name, c.type) for c in table.columns] == [
        ("County", "text"),
        ("Travel-associated cases*", "integer"),
        ("Locally acquired cases†", "integer"),
        (UNTYPED_CELLS, "text"),
    ]
    assert [c.name for c in table.columns[:3]] == truth["columns"]
    # Every county row, the Total row kept out: its 22 is the sum, so no warning.
    assert len(table.rows) == truth["row_count"] == 10
    assert [r.values[0] for r in table.rows] == [row[0] for row in truth["all_rows"]]
    assert sum(r.values[1] for r in table.rows) == int(truth["totals"]["Travel-associated cases*"])
    assert result.warnings == []
    # San Diego's "7**": typed 7, printed text kept.
    (san_diego,) = [r for r in table.rows if r.values[0] == "San Diego"]
    assert san_diego.values[1] == 7
    assert json.loads(san_diego.values[3]) == {"Travel-associated cases*": "7**"}
    assert (san_diego.page, san_diego.table_index, san_diego.row_index) == (1, 0, 6)
    assert san_diego.bbox is not None


def test_real_statistical_table_typed_integers() -> None:
    result = PARSER.parse(fixture("real/camelot/health.pdf"))
    (table,) = result.typed
    assert [(c.name, c.type) for c in table.columns] == [
        ("States-A", "text"),
        ("Revenue: Medical & Public Health", "integer"),
        ("Revenue: Family Welfare", "integer"),
        ("Capital: Medical & Public Health", "integer"),
        ("Capital: Family Welfare", "integer"),
        ("Total Revenue & Capital", "integer"),
        ("Others(1)", "integer"),
        ("Total", "integer"),
    ]
    assert table.rows[0].values == [
        "Andhra Pradesh", 47824589, 9967837, 1275000, 15000, 59082426, 14898243, 73980669
    ]  # fmt: skip
    # Each row's own total is the sum of its revenue and capital columns.
    for row in table.rows:
        assert row.values[5] == sum(row.values[1:5])


def test_colombia_total_printed_under_the_header_cells_is_checked() -> None:
    # The agency's TOTAL GENERAL is not the sum of its rows; in this edition its figures sit
    # under the header cells, a sliver column right of the rows' figures.
    edition = "2016-01-30"
    truth = expected(f"{COLOMBIA}/expected/colombia-municipal-{edition}.json")["tables"][0]
    result = PARSER.parse(fixture(f"{COLOMBIA}/colombia-municipal-{edition}.pdf"))
    (table,) = result.typed
    assert [c.name for c in table.columns] == truth["columns"]
    assert len(table.rows) == truth["row_count"]
    sums = truth["column_sums_of_printed_rows"]
    assert [w.message for w in result.warnings if w.kind == "total_mismatch"] == [
        f"page 1, table 1: total row on page {truth['page_last']} prints {printed}"
        f" for {column!r} but its rows add up to {sums[column]}"
        for column, printed in truth["totals"].items()
        if printed != sums[column]
    ]


BRAZIL = "series/br-ms-microcephaly-weekly"


def test_brazil_figures_printed_the_continental_way_are_read_as_printed() -> None:
    # "3.670" is 3670 (the '.' thousands separator is printed only in the Brasil row, the
    # largest); every state, region and Brasil row is typed, none kept as text.
    truth = expected(f"{BRAZIL}/expected/brazil-microcephaly-2016-01-30.json")["tables"][0]
    result = PARSER.parse(fixture(f"{BRAZIL}/brazil-microcephaly-2016-01-30.pdf"))
    table = result.typed[0]
    assert [c.type for c in table.columns[:6]] == ["integer", "text"] + ["integer"] * 4
    printed = truth["rows_in_print_order"]
    assert printed[0] == ["", "Brasil", "3.670", "404", "709", "4.783"]

    def figure(text: str) -> int | None:
        return None if text == "Sem registros" else int(text.replace(".", ""))

    assert [r.values[:6] for r in table.rows] == [
        [int(row[0]) if row[0] else None, row[1], *(figure(v) for v in row[2:])] for row in printed
    ]
    # Only "Sem registros" (no records: Amapá, Amazonas) is kept as printed text.
    kept = {r.values[1]: set(json.loads(r.values[6]).values()) for r in table.rows if r.values[6]}
    assert kept == {"Amapá": {"Sem registros"}, "Amazonas": {"Sem registros"}}
    # The share of municipalities, printed "19,8" (a decimal comma), is a float.
    result = PARSER.parse(fixture(f"{BRAZIL}/brazil-microcephaly-2016-02-20.pdf"))
    (shares,) = [t for t in result.typed if t.columns[3:4] and t.columns[3].name.endswith(": %")]
    assert shares.columns[3].type == "float"
    assert [r.values[1:4] for r in shares.rows[:2]] == [
        ["Brasil", 1101, 19.8],
        ["Alagoas", 64, 62.7],
    ]


BRAZIL = "series/br-ms-microcephaly-weekly"


def test_unlabelled_subtotals_and_a_total_printed_first_are_named_not_summed_silently() -> None:
    """Brazil's bulletin prints its national row "Brasil" above the states and a
    "REGIÃO ..." row under each region's states; no label says "Total". They stay rows of
    the typed table (as printed), and a warning names them: summing a column over the
    table counts every case three times."""
    truth = expected(f"{BRAZIL}/expected/brazil-microcephaly-2016-01-30.json")["tables"][0]
    result = PARSER.parse(fixture(f"{BRAZIL}/brazil-microcephaly-2016-01-30.pdf"))
    table = result.typed[0]
    assert len(table.rows) == 33 == truth_rows(truth)
    regions = [row[1] for row in truth["subtotal_rows"]]
    said = [w for w in result.warnings if w.kind == "sum_rows"]
    assert [(w.pages, w.lines) for w in said] == [((1,), 6), ((2,), 1)]
    names = ", ".join(repr(r) for r in regions)
    assert said[0].message == (
        f"page 1, table 1: 5 rows ({names}) are each the sum of the rows above it since"
        " the previous one (subtotals); 'Brasil' is the sum of the other rows (a total),"
        f" kept as rows of {table.name}: a column summed over the table counts them twice"
    )
    assert said[1].message.startswith("page 2, table 2: 'BRASIL' is the sum of the other rows")


def truth_rows(truth: dict[str, object]) -> int:
    """The printed rows: the 27 states, the 5 regions and Brazil."""
    return int(str(truth["row_count"])) + 5 + 1
