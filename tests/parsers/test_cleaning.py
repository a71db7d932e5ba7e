"""Cell cleaning: the text printed in agency PDFs -> typed values."""

from __future__ import annotations

import pytest

from parsers.cleaning import (
    clean_text,
    join_wrapped,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    split_footnote,
    squeeze_spaced,
)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("0 3 / 2 5 / 2 0 16", "2016-03-25"),  # CA WARN report, letter-spaced by pdfplumber
        ("0 7 / 0 1 / 2 0 15", "2015-07-01"),
        ("11/9/2016", "2016-11-09"),
        ("1/31/2017", "2017-01-31"),
        ("2014/12/03", "2014-12-03"),
        ("Feb. 3, 2017", "2017-02-03"),
        ("Sept. 5, 2017", "2017-09-05"),
        ("January 28, 2017", "2017-01-28"),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date(raw: str | None, iso: str | None) -> None:
    assert parse_date(raw) == iso


def test_parse_date_with_formats_and_errors() -> None:
    assert parse_date("03/04/16", ["%m/%d/%y"]) == "2016-03-04"
    with pytest.raises(ValueError, match="not a date in formats %m/%d/%Y: 'e10/15/2012'"):
        parse_date("e10/15/2012", ["%m/%d/%Y"])
    with pytest.raises(ValueError, match="'13/45/2016'"):
        parse_date("13/45/2016")


def test_a_date_read_again_under_other_formats_is_read_under_them() -> None:
    # Dates already read are kept by text and formats: the same text under other formats
    # is read (or refused) anew, and a refused one is refused every time.
    assert parse_date("03/04/16", ["%m/%d/%y"]) == "2016-03-04"
    assert parse_date("03/04/16", ("%d/%m/%y",)) == "2016-04-03"
    assert parse_date("03/04/16", ["%m/%d/%y"]) == "2016-03-04"
    for _ in range(2):
        with pytest.raises(ValueError, match="not a date in formats %Y-%m-%d: '03/04/16'"):
            parse_date("03/04/16", ["%Y-%m-%d"])


def test_clean_text_collapses_every_kind_of_white_space() -> None:
    # What ``\s`` matches: no-break, em and file-separator spaces included.
    assert clean_text("\xa0Dona\u2003\u2003Ana\x1c\tCounty\r\n") == "Dona Ana County"
    assert clean_text("\u2028\x0b\x0c") is None
    assert clean_text("a\u200bb") == "a\u200bb"  # a zero-width space is not white space


def test_squeeze_only_numeric() -> None:
    assert squeeze_spaced("0 3 / 2 5 / 2 0 16") == "03/25/2016"
    assert squeeze_spaced("Jan 5, 2017") == "Jan 5, 2017"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3,083", 3083),
        ("98452", 98452),
        ("2,236,457", 2236457),
        ("(1,234)", -1234),
        ("1 234", 1234),
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int(raw: str | None, value: int | None) -> None:
    assert parse_int(raw) == value


def test_parse_int_rejects_text() -> None:
    with pytest.raises(ValueError, match="not a whole number: '12a'"):
        parse_int("12a")
    with pytest.raises(ValueError, match="not a whole number: '1.5'"):
        parse_int("1.5")


def test_parse_float() -> None:
    assert parse_float("129,445.00") == 129445.0
    assert parse_float("12.5%") == 12.5
    assert parse_float("$1,000.25") == 1000.25
    assert parse_float("–") is None
    with pytest.raises(ValueError, match="not a number"):
        parse_float("n.a.")


def test_flags_and_text() -> None:
    assert split_footnote("Buca Restaurants 2, Inc.(CANCELLED)**") == (
        "Buca Restaurants 2, Inc.(CANCELLED)",
        "**",
    )
    assert split_footnote("*Other") == ("*Other", None)
    assert split_footnote(None) == (None, None)
    assert clean_text("  Detainer\nIssued   Date ") == "Detainer Issued Date"
    assert clean_text(" \n ") is None
    assert join_wrapped(["TULSA", None, " INTERNATIONAL AIRPORT"]) == "TULSA INTERNATIONAL AIRPORT"
    assert join_wrapped([None, ""]) is None
    assert parse_bool("Yes") is True and parse_bool("n") is False
    assert parse_bool("Y", ["Y"], ["N"]) is True
    with pytest.raises(ValueError, match="not a yes/no flag"):
        parse_bool("maybe")


def test_continental_columns_only_where_no_cell_is_an_english_figure() -> None:
    from parsers.cleaning import continental_columns, from_continental

    # A decimal comma, or "3.670" among plain integers.
    assert continental_columns([["Brasil", "3.670", "6,4"], ["Bahia", "508", "14,7"]]) == {1, 2}
    # "1.250" alone is not enough: with no plain integer beside it, it may be 1.25.
    assert continental_columns([["a", "1.250"], ["b", "2.500"]]) == set()
    # One English figure anywhere ("0.5", "1,234.5") and the table is read the English way.
    assert continental_columns([["a", "3.670", "0.5"], ["b", "508", "1"]]) == set()
    assert continental_columns([["a", "3.670"], ["b", "508"], ["c", "1,234.5"]]) == set()
    # "1,234" alone is ambiguous: not continental evidence.
    assert continental_columns([["a", "1,234"], ["b", "508"]]) == set()
    assert [from_continental(v) for v in ("3.670", "6,4", "1.234,5", "Bahia", 7)] == [
        "3670", "6.4", "1234.5", "Bahia", 7,
    ]  # fmt: skip
