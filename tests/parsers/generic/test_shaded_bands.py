"""Rows banded by shading: a plain band between two grey ones is closed by the one under
it, but the last band, plain, has nothing under it. Its lines were read as rows of their own
(a second table whose first rows were "10/02/23 -" and "MON at 16:39"), and nothing said so;
they are one record, as every other band's lines are, or a warning names them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from parsers.generic import extract_tables, spill
from parsers.generic.parser import PARSER
from parsers.templates.draft import draft_template
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from tests.parsers.generic.shaded_pages import shaded_log
from tests.shared import expected, fixture

COLUMNS = ["Date Reported", "Event #", "Type of Event", "Location", "Disposition"]
USC = "series/usc-dps-daily-crime-log/100323.pdf"
USC_EXPECTED = "series/usc-dps-daily-crime-log/expected/100323.json"
#: The last record of page 1, in the plain band no grey band closes.
LAST_OF_PAGE_1 = [
    "10/02/23 - MON at 16:39",
    "23-10-02-279085",
    "2305492",
    "BATTERY - Battery",
    "10/02/23 - MON at 16:30",
    "10/02/23 - MON at 16:30",
    "JEFFERSON BL & VERMONT AV - Public property",
    "Open",
]


def test_crime_log_last_plain_band_of_a_page_is_one_record() -> None:
    truth = expected(USC_EXPECTED)["tables"][0]
    (table,) = extract_tables(fixture(USC))
    assert table.pages == [1, 2]
    assert len(table.rows) == truth["row_count"] == 20
    assert [p.n_rows for p in table.pieces] == truth["rows_per_page"] == [11, 9]
    assert [row[1] for row in table.rows] == truth["event_numbers"]
    assert table.rows[0] == truth["first_rows"][0]
    assert table.rows[10] == LAST_OF_PAGE_1
    assert table.rows[-1] == truth["last_rows"][-1]
    assert table.warnings == []


def test_crime_log_draft_loaded_as_is_has_one_row_a_record() -> None:
    """What a data editor does: draft a template, load it unchanged."""
    path = fixture(USC)
    template = parse_template(Path("usc.toml"), tomllib.loads(draft_template(path)))
    result = TemplateParser(template).parse(path)
    assert len(result.rows) == 20
    assert [r.page for r in result.rows].count(1) == 11
    assert len({r.table for r in result.rows}) == 1
    # The heading line over the bands names the columns ("Date ReportedEvent #" is printed
    # tight: two headings, each at its column's start).
    assert list(result.rows[0].values) == [
        "date_reported",
        "event",
        "case",
        "type_of_event",
        "date_from",
        "date_to",
        "location",
        "disposition",
    ]
    split = [r for r in result.rows if r.values["event"] == "23-10-02-279085"]
    assert [r.page for r in split] == [1]
    assert split[0].values["date_reported"] == "10/02/23 - MON at 16:39"
    assert split[0].values["location"] == "JEFFERSON BL & VERMONT AV - Public property"
    assert result.rows[-1].values["event"] == "23-10-02-278250"


def test_generated_log_last_plain_band_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "log.pdf"
    records = shaded_log(path)
    (table,) = extract_tables(path)
    assert table.method == "row-ruled"
    assert table.columns == COLUMNS
    assert table.rows == records
    assert table.rows[-1] == [
        "10/02/23 - MON at 16:39",
        "23-10-02-279085",
        "BATTERY - Battery",
        "JEFFERSON BL & VERMONT AV - Public property",
        "Open",
    ]
    assert table.warnings == []


def test_generated_log_first_plain_band_without_a_rule_over_it_is_one_record(
    tmp_path: Path,
) -> None:
    """No rule under the header: the first band, plain, has nothing over it to close it
    either; its lines were read as rows ("10/02/23 -", then "MON at 23:30")."""
    path = tmp_path / "log.pdf"
    records = shaded_log(path, header_rule=False)
    (table,) = extract_tables(path)
    assert table.columns == COLUMNS
    assert table.rows == records
    assert table.rows[0] == [
        "10/02/23 - MON at 23:30",
        "23-10-02-279463",
        "Loud Noise",
        "CURRIE HALL - On Campus - Residential Facility",
        "UNABLE TO LOCATE",
    ]
    assert table.warnings == []


def test_generated_log_last_band_too_long_to_tell_is_named(tmp_path: Path) -> None:
    """Five lines under the last grey band: more than any band holds, taller than a band.
    Whether they are one record or several cannot be told; the table says so."""
    path = tmp_path / "log.pdf"
    records = shaded_log(path, last_lines=5)
    tables = extract_tables(path)
    assert tables[0].rows == records[:-1]
    assert tables[0].warnings == [
        "page 1: the 5 lines right under the table's last shaded band, from"
        " '10/02/23 - 23-10-02-279085 BATTERY - Battery JEFFERSON BL & Open', may be one"
        " record read as several rows"
    ]


def test_record_that_may_be_split_is_said_on_the_document(tmp_path: Path) -> None:
    """The warning reaches the document (records add/run/extract, records status), from
    the generic parser and from a drafted template alike."""
    path = tmp_path / "log.pdf"
    shaded_log(path, last_lines=5)
    message = (
        "page 1: the 5 lines right under the table's last shaded band, from"
        " '10/02/23 - 23-10-02-279085 BATTERY - Battery JEFFERSON BL & Open', may be one"
        " record read as several rows"
    )
    generic = PARSER.parse(path)
    assert [(w.kind, w.message, w.pages, w.lines) for w in generic.warnings] == [
        ("split_record", message, (1,), 5)
    ]
    template = parse_template(Path("log.toml"), tomllib.loads(draft_template(path)))
    drafted = TemplateParser(template).parse(path)
    assert [(w.kind, w.message) for w in drafted.warnings] == [("split_record", message)]
    # Closed as one record: nothing to say.
    shaded_log(path)
    assert PARSER.parse(path).warnings == []


def test_generated_log_record_continued_on_the_next_page_is_joined(tmp_path: Path) -> None:
    """The last record of page 1 runs on at the top of page 2, alone in the band under the
    header's rule: that line was dropped as a title (nothing said); it ends the record."""
    path = tmp_path / "log.pdf"
    records = shaded_log(path, carried=1)
    (table,) = extract_tables(path)
    assert table.pages == [1, 2]
    assert table.columns == COLUMNS
    assert [p.n_rows for p in table.pieces] == [7, 3]
    assert table.rows == records
    assert table.rows[6][3] == "JEFFERSON BL & VERMONT AV - Public property (northbound lane)"
    assert table.rows[7][1] == "23-10-02-279043"
    assert table.warnings == []


def test_record_continued_on_the_next_page_of_a_spilled_parse_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long document's rows are written out page by page: the record on page 1 is gone
    when page 2 is read, so the carried line stays a row of its own, and is named."""
    path = tmp_path / "log.pdf"
    shaded_log(path, carried=1)
    assert PARSER.parse(path).warnings == []
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)
    folder = tmp_path / "spill"
    folder.mkdir()
    token = spill.SPILL_FOLDER.set(folder)
    try:
        spilled = PARSER.parse(path)
    finally:
        spill.SPILL_FOLDER.reset(token)
    assert spilled.spilled is not None
    spilled.spilled.remove()
    assert [(w.kind, w.message, w.pages) for w in spilled.warnings] == [
        (
            "split_record",
            "page 2: the first row, '(northbound lane)', continues the last record of page 1"
            " and is kept as a row of its own: it may be one record read as several rows",
            (2,),
        )
    ]


def test_crime_log_columns_and_first_and_last_records_as_printed() -> None:
    """The heading names the columns; a dash ending a cell's line a hair past the gutter's
    middle ("THEFT-MOTOR VEHICLE -", second to last record) stays in its cell."""
    truth = expected(USC_EXPECTED)["tables"][0]
    (table,) = extract_tables(fixture(USC))
    assert table.columns == truth["columns"]
    assert len(table.rows) == truth["row_count"]
    assert table.rows[: len(truth["first_rows"])] == truth["first_rows"]
    assert table.rows[-len(truth["last_rows"]) :] == truth["last_rows"]
