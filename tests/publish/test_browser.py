"""A reporter's path in a real browser: table -> row's document -> the archived PDF.

Needs Debian's ``chromium`` and ``chromium-driver`` (the Makefile's system-deps installs
them); Selenium is told where they are, so nothing is downloaded at test time.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.publish.conftest import Served

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
#: Headless, and no traffic of its own (updates, metrics, first-run pages).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)

pytestmark = [
    pytest.mark.browser,
    # Skipped only on a developer machine without the packages; in CI (CI=true) a missing
    # browser is a failure, not a skip.
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
        reason="needs Debian packages chromium and chromium-driver (make system-deps)",
    ),
]


def chromium_driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()


def test_follow_a_row_to_its_document_and_pdf(browser: Any, served_series: Served) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served_series.url}/series/ddor_declined_detainers?_sort=rowid")
    assert browser.find_element(By.TAG_NAME, "h1").text == "DDOR section II: declined detainers"
    facets = {e.text.split()[0] for e in browser.find_elements(By.CSS_SELECTOR, ".facet-info p")}
    assert {"state", "county", "citizenship", "notable_criminal_activity", "document"} <= facets

    first_row = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    page_link = first_row.find_element(By.CSS_SELECTOR, "td.col-page a")
    document_link = first_row.find_element(By.CSS_SELECTOR, "td.col-document a")
    report = document_link.text
    assert ".pdf (2017-" in report  # the edition: file name and period
    page_href = page_link.get_attribute("href")
    document_link.click()

    assert "Where this document came from" in browser.page_source
    pdf_link = browser.find_element(By.CSS_SELECTOR, "a.archive-download")
    pdf_href = pdf_link.get_attribute("href")
    sha = browser.current_url.rsplit("/", 1)[1]
    assert pdf_href == f"{served_series.url}/-/archive/{sha}"
    assert page_href.startswith(f"{pdf_href}#page=")
    assert report in browser.find_element(By.CSS_SELECTOR, ".document-provenance").text

    with urllib.request.urlopen(pdf_href, timeout=10) as response:
        assert response.headers["content-type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"


def test_chart_renders_in_the_browser(browser: Any, served_series: Served) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served_series.url}/-/charts/declined-detainers")
    bars = browser.find_elements(By.CSS_SELECTOR, ".records-chart svg rect title")
    assert bars, "no bars drawn"
    svg = browser.find_element(By.CSS_SELECTOR, ".records-chart svg")
    assert svg.size["width"] > 300 and svg.size["height"] > 150


def _image_size(browser: Any) -> tuple[int, int]:
    """Natural size of the image the browser shows (a PNG opened on its own)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    image = browser.find_element(By.TAG_NAME, "img")
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("return arguments[0].complete", image)
    )
    return tuple(browser.execute_script(
        "return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image
    ))  # fmt: skip


def test_a_row_leads_to_its_page_highlighted(browser: Any, served_series: Served) -> None:
    import sqlite3

    from selenium.webdriver.common.by import By

    first = (
        sqlite3.connect(served_series.built.db)
        .execute(
            "select document, page, bbox, rowid from ddor_declined_detainers"
            " where document in (select sha256 from current_documents) order by rowid limit 1"
        )
        .fetchone()
    )
    browser.get(f"{served_series.url}/series/ddor_declined_detainers?_sort=rowid")
    cell = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns tbody tr td.col-page")
    # Both ways to the page: the PDF at that page, and the page check with the row marked.
    pdf = cell.find_element(By.CSS_SELECTOR, "a.archive-page").get_attribute("href")
    assert pdf == f"{served_series.url}/-/archive/{first[0]}#page={first[1]}"
    cell.find_element(By.CSS_SELECTOR, "a.page-image").click()
    assert browser.current_url == (
        f"{served_series.url}/-/archive/{first[0]}/page/{first[1]}?box={first[2]}"
        f"&table=ddor_declined_detainers&row={first[3]}"
    )
    caption = browser.find_element(By.CSS_SELECTOR, ".page-check figcaption").text
    assert f"page {first[1]}, row {first[3]} of ddor_declined_detainers" in caption
    assert "(2017-" in caption  # the edition: its report period
    width, height = _image_size(browser)
    assert width == 1000 and height > 500  # a whole landscape page, about 1,000 px wide
    browser.find_element(By.LINK_TEXT, "2×").click()
    assert _image_size(browser)[0] == 2000
    browser.find_element(By.CSS_SELECTOR, "a.back-to-row").click()
    assert browser.current_url == (f"{served_series.url}/series/ddor_declined_detainers/{first[3]}")

    # The document page shows its pages as thumbnails, each leading to the page image.
    browser.get(f"{served_series.url}/series/documents/{first[0]}")
    thumbnails = browser.find_elements(By.CSS_SELECTOR, ".page-thumbnails img")
    assert len(thumbnails) > 1
    browser.execute_script("arguments[0].scrollIntoView()", thumbnails[0])
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", thumbnails[0]
        )
    )
    assert thumbnails[0].size["width"] == 152  # 150 px and a 1 px border each side
    assert browser.execute_script("return arguments[0].naturalWidth", thumbnails[0]) == 1000


def test_changes_read_one_line_per_row(browser: Any, served_series: Served) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served_series.url}/series/changes?comparison=correction&_size=max")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert rows
    one_line = rows[0].find_element(By.CSS_SELECTOR, "td.col-change").size["height"]
    for row in rows:
        # Every cell of the row, its values included, is one text line high.
        assert row.size["height"] <= one_line + 2
        values = row.find_element(By.CSS_SELECTOR, "td.col-row_values").text
        assert "\n" not in values and "state: " in values
        # Documents go by their editions, the correction marked.
        assert row.find_element(By.CSS_SELECTOR, "td.col-from_document a").text == (
            "ddor2017_01-28to02-03.pdf (2017-01-28 to 2017-02-03, superseded)"
        )
        assert row.find_element(By.CSS_SELECTOR, "td.col-to_document a").text == (
            "ddor2017_01-28to02-03-corrected.pdf (2017-01-28 to 2017-02-03, correction)"
        )
    # The table's own changes view: its values in their own columns.
    browser.get(f"{served_series.url}/series/changes_ddor_declined_detainers?comparison=correction")
    headers = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns th")]
    for column in ("change", "report", "compared_with", "state", "county", "facility"):
        assert any(h.split("\n")[0].strip() == column for h in headers), (column, headers)
    cells = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody td.col-state")
    assert cells and all(len(c.text) == 2 for c in cells)


def test_a_table_page_shows_data_rows_in_the_first_screen(
    browser: Any, served_series: Served
) -> None:
    """At 1400 x 1000: the glossary folded, bookkeeping columns hidden, the report's own
    columns first, data rows above the fold."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    try:
        browser.get(f"{served_series.url}/series/ddor_declined_detainers")
        first_row = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
        top = browser.execute_script("return arguments[0].getBoundingClientRect().top", first_row)
        fold = browser.execute_script("return window.innerHeight")
        assert top < fold - 60, (top, fold)
        glossary = browser.find_element(By.CSS_SELECTOR, "details.column-help")
        assert glossary.get_attribute("open") is None
        shown = [
            th.get_attribute("data-column")
            for th in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns thead th")
            if th.is_displayed()
        ]
        assert shown[0] == "state" and shown[-2:] == ["document", "page"], shown
        for hidden in ("bbox", "table_index", "row_index", "parser_version"):
            assert hidden not in shown
        # One click shows them.
        browser.find_element(By.CSS_SELECTOR, "button.bookkeeping-toggle").click()
        bbox = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns thead th.col-bbox")
        assert bbox.is_displayed()
        # No facet suggestions at all (so none on bookkeeping columns).
        assert not browser.find_elements(By.CSS_SELECTOR, ".suggested-facets a")
    finally:
        browser.set_window_size(1280, 1000)
