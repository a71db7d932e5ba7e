"""A ruled table whose records wrap onto a second line in most columns is read one row a
record: the second line (a time under a date, the rest of a location) is no row of its own,
even when it holds figures, because it leaves the first line's event number with nothing
under it. A table ruled every few rows, each line a row of figures, is still cut line by
line (``test_fixtures.test_nics_banded_rows_split_into_one_row_per_state``)."""

from __future__ import annotations

from parsers.generic import extract_tables
from tests.shared import expected, fixture

USC = "series/usc-dps-daily-crime-log/030124.pdf"
USC_EXPECTED = "series/usc-dps-daily-crime-log/expected/030124.json"


def test_crime_log_records_whose_cells_wrap_are_one_row_each():
    truth = expected(USC_EXPECTED)["tables"][0]
    (table,) = extract_tables(fixture(USC))
    assert table.pages == [1, 2, 3]
    assert table.columns == truth["columns"]
    assert len(table.rows) == truth["row_count"] == 24
    assert [p.n_rows for p in table.pieces] == truth["rows_per_page"] == [11, 11, 2]
    assert [row[1] for row in table.rows] == truth["event_numbers"]
    assert table.rows[0] == [
        "02/29/24 - THU at 23:56",
        "24-02-29-066597",
        "",
        "",
        "LA MUNICIPAL CODE -Loud and Raucous Noise",
        "LA MUNICIPAL CODE - Loud and Raucous Noise",
        "02/29/24 - THU at 23:56",
        "02/29/24 - THU at 23:56",
        # Printed "Non-" at a line's end over "campus": the hyphen is the word's own.
        "800 Block Of 28TH ST - Non-campus building or property",
        "RESOLVED UPON ARRIVAL",
    ]
    assert table.rows[-1] == truth["last_rows"][-1]
