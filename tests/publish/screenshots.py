"""Take the README screenshots from a real `records serve` in headless Chromium.

    .venv/bin/python -m tests.publish.screenshots docs/screenshots

Builds the demo series database (three weekly reports and a corrected week 1) in a
temporary folder, serves it, and saves small PNGs (palette-reduced to stay under 200 KB).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from records.core.config import load_config
from records.core.paths import Paths
from tests.publish.conftest import RECORDS, REPO, _wait_for, free_port
from tests.publish.test_browser import chromium_driver

#: (file name, path, CSS selector to scroll to or None, window height)
SHOTS = (
    # The first screen a reporter sees, at 1400 x 1000 (tests/publish/test_browser.py checks
    # that data rows are on it).
    ("table-rows.png", "/records/ddor_declined_detainers", None, 1000),
    ("table-facets.png", "/records/ddor_declined_detainers?_facet_size=6", ".facet-results", 760),
    ("page-check.png", "{page_check}", None, 1000),
    ("document-provenance.png", "/records/documents/{original}", None, 900),
    (
        "changes-correction.png",
        "/records/changes?comparison=correction&_nocol=from_document&_nocol=to_document"
        "&_nocol=to_period_start&_nocol=row_index&_facet_size=3",
        "h3",
        760,
    ),
    ("whats-new.png", "/-/whats-new/ice-ddor", None, 1000),
    ("chart.png", "/-/charts/declined-detainers", None, 620),
    ("database.png", "/records", None, 900),
)
WIDTH = 1400
MAX_BYTES = 200_000


def build(work: Path) -> Paths:
    from db.connect import open_db
    from db.sources import sync_sources
    from records.demo.sample_reports import demo_series
    from records.pipeline.add import add_files

    (work / "pdf").mkdir()
    paths = Paths(db=work / "records.db", archive=work / "archive", sources=REPO / "sources.toml")
    config = load_config(paths.sources)
    sync_sources(open_db(paths.db), config.sources)
    for report in demo_series():
        add_files([report.write(work / "pdf")], paths=paths, config=config, source="ice-ddor")
    return paths


def shrink(path: Path) -> int:
    image = Image.open(path).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path.stat().st_size


def main(target: Path) -> None:
    from selenium.webdriver.common.by import By

    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        paths = build(Path(tmp))
        con = sqlite3.connect(paths.db)
        original = con.execute(
            "select supersedes from documents where supersedes is not null"
        ).fetchone()[0]
        document, page, bbox, rowid = con.execute(
            "select document, page, bbox, rowid from ddor_declined_detainers"
            " where document in (select sha256 from current_documents) order by rowid limit 1"
        ).fetchone()
        page_check = (
            f"/-/archive/{document}/page/{page}?box={bbox}"
            f"&table=ddor_declined_detainers&row={rowid}"
        )
        port = free_port()
        server = subprocess.Popen(
            [str(RECORDS), "--db", str(paths.db), "--archive", str(paths.archive), "serve",
             "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        driver = None
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for(url, server)
            driver = chromium_driver()
            for name, path, anchor, height in SHOTS:
                driver.set_window_size(WIDTH, height)
                driver.get(url + path.format(original=original, page_check=page_check))
                if anchor:
                    element = driver.find_element(By.CSS_SELECTOR, anchor)
                    driver.execute_script("arguments[0].scrollIntoView(true);", element)
                out = target / name
                driver.save_screenshot(str(out))
                size = shrink(out)
                print(f"{out}: {size:,} bytes")
                if size > MAX_BYTES:
                    raise SystemExit(f"{out} is {size:,} bytes (limit {MAX_BYTES:,})")
        finally:
            if driver is not None:
                driver.quit()
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
