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
    assert report.endswith(".pdf")
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
