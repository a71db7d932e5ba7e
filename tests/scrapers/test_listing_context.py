"""Link text and the date posted beside a link, read from the listing page."""

from __future__ import annotations

from parsel import Selector

from scrapers.listing_context import first_date, link_context
from tests.shared import fixture


def test_ddor_listing_gives_release_date_and_link_text() -> None:
    page = Selector(text=fixture("ddor/site/index.html").read_text(encoding="utf-8"))
    anchor = page.css('a[href$=".pdf"]')[0]
    context = link_context(anchor)
    assert context.posted == "2017-03-20"
    assert context.text == (
        "Weekly Declined Detainer Outcome Report for Recorded Declined Detainers: "
        "January 28, 2017 – February 3, 2017"
    )


def test_first_date_in_the_usual_spellings() -> None:
    assert first_date("Posted Sept. 5, 2017 (PDF)") == "2017-09-05"
    assert first_date("Report 03/20/2017, updated 2017-04-01") == "2017-03-20"
    assert first_date("Released 2017-04-13") == "2017-04-13"
    assert first_date("no date here, just 2017") is None


def test_a_link_in_a_table_row_takes_the_rows_date() -> None:
    page = Selector(
        text="<table><tr><td>4/13/2017</td><td><a href='r.pdf'>Report</a></td></tr>"
        "<tr><td>5/1/2017</td><td><a href='s.pdf'>Next</a></td></tr></table>"
    )
    first, second = (link_context(a) for a in page.css("a"))
    assert (first.text, first.posted) == ("Report", "2017-04-13")
    assert (second.text, second.posted) == ("Next", "2017-05-01")


def test_a_link_outside_any_list_takes_its_parents_date_and_no_comment_text() -> None:
    page = Selector(
        text="<div><p>Posted 2017-04-13: <a href='r.pdf'>Report <b>17</b><!-- old --></a>"
        "</p><p>2017-05-01</p></div><ul><li><span>May 8, 2017<a href='s.pdf'>Next</a></span>"
        "</li></ul>"
    )
    first, second = (link_context(a) for a in page.css("a"))
    # The paragraph holding the link, not the division around both paragraphs.
    assert (first.text, first.posted) == ("Report 17", "2017-04-13")
    # The list item, however deep the link sits in it.
    assert (second.text, second.posted) == ("Next", "2017-05-08")
