"""Attacks 2 and 3 on the page-image endpoint (issue 25): a box of 20-digit numbers, pages
of absurd shapes, too many renders at once. Each ends bounded and named, never a 500."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from db.connect import open_db
from db.documents import record_document
from records.core.archive import Archive
from records.core.paths import Paths
from records.publish.plugin import pages
from records.publish.plugin.pages import MAX_RENDER_PIXELS, PAGE_WIDTH, render_page
from records.publish.serve import build_datasette
from tests.publish.generated_pages import filled_rect, odd_page_pdf
from tests.shared import REPO


def _site(tmp_path: Path, pdfs: dict[str, Path]) -> tuple[Any, dict[str, str]]:
    """A Datasette on a database knowing ``pdfs`` (name -> file), and their SHA-256s."""
    paths = Paths(db=tmp_path / "records.db", archive=tmp_path / "archive", sources=REPO / "x")
    db = open_db(paths.db)
    archive = Archive(paths.archive)
    shas = {}
    for name, pdf in pdfs.items():
        data = pdf.read_bytes()
        sha = archive.put(data)
        record_document(
            db, sha256=sha, source=None, url=None, filename=pdf.name,
            content_type="application/pdf", size=len(data),
        )  # fmt: skip
        shas[name] = sha
    db.close()
    return build_datasette(paths), shas


def _get(ds: Any, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def test_a_box_of_twenty_digit_numbers_is_clamped_to_the_page(tmp_path: Path) -> None:
    pdf = odd_page_pdf(
        tmp_path / "a.pdf", mediabox=(0, 0, 612, 792), content=filled_rect(1, 1, 9, 9)
    )
    ds, shas = _site(tmp_path, {"a": pdf})
    huge = "99999999999999999999"
    response = _get(ds, f"/-/archive/{shas['a']}/page/1.png?box=-{huge},-{huge},{huge},{huge}")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert image.width == PAGE_WIDTH
    # Clamped: the box is the whole page, not 10^20 points of drawing.
    assert pages.image_box((-1e20, -1e20, 1e20, 1e20), image) == (0, 0, image.width, image.height)
    # Too long a box is refused by name.
    response = _get(ds, f"/-/archive/{shas['a']}/page/1.png?box={'1' * 200},1,2,3")
    assert response.status_code == 400 and "box must be" in response.text


@pytest.mark.parametrize(
    ("mediabox", "size"),
    [
        ((0, 0, 36, 14400), (36, 14400)),  # a 609-byte PDF once cost 2.9 GB per request
        ((0, 0, 1, 792), (1, 792)),  # a 1-pt-wide page: MemoryError
    ],
)
def test_absurd_pages_render_within_the_pixel_budget(
    tmp_path: Path, mediabox: tuple[float, float, float, float], size: tuple[int, int]
) -> None:
    pdf = odd_page_pdf(tmp_path / "tall.pdf", mediabox=mediabox, content=filled_rect(0, 0, 1, 1))
    ds, shas = _site(tmp_path, {"tall": pdf})
    response = _get(ds, f"/-/archive/{shas['tall']}/page/1.png?zoom=3")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert image.width * image.height <= MAX_RENDER_PIXELS
    # Same proportions as the page.
    assert abs(image.height / image.width - size[1] / size[0]) / (size[1] / size[0]) < 0.05


def test_a_render_of_an_absurd_page_stays_under_600_mb(tmp_path: Path) -> None:
    """Peak memory of the whole process drawing the 36 x 14,400 pt page at the largest zoom,
    measured in a child process. The peak is the child's own address space (``VmHWM``):
    ``ru_maxrss`` survives exec on Linux, so a child started by a 1 GB test worker
    reported the worker's peak, not its own."""
    pdf = odd_page_pdf(tmp_path / "tall.pdf", mediabox=(0, 0, 36, 14400), content="")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from records.publish.plugin.pages import render_page, highlight\n"
        "png = render_page(Path(sys.argv[1]), 1, width=3000)\n"
        "highlight(png, (-1e20, -1e20, 1e20, 1e20))\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(next(l.split()[1] for l in status.splitlines() if l.startswith('VmHWM:')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(pdf)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.split()[-1]) / 1024
    assert peak_mb < 600


def test_an_unreadable_pdf_is_a_named_404(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF\n")
    ds, shas = _site(tmp_path, {"broken": broken})
    response = _get(ds, f"/-/archive/{shas['broken']}/page/1.png")
    assert response.status_code == 404
    assert "broken.pdf" in response.text and "not a readable PDF" in response.text
    assert "Traceback" not in response.text


def test_a_page_without_area_is_refused_by_name() -> None:
    with pytest.raises(pages.PageImageError, match="no area"):
        pages.render_scale(0, 792, PAGE_WIDTH)


def test_more_renders_than_allowed_wait_then_get_a_named_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = odd_page_pdf(tmp_path / "a.pdf", mediabox=(0, 0, 612, 792), content="")
    ds, shas = _site(tmp_path, {"a": pdf})
    monkeypatch.setattr(pages, "RENDER_WAIT", 0.2)

    async def scenario() -> Any:
        _pixels, at_once = pages.render_settings(ds)
        slots = pages._render_slots(ds, at_once)
        for _ in range(at_once):  # every slot taken, as by long renders
            await slots.acquire()
        try:
            return await ds.client.get(f"/-/archive/{shas['a']}/page/1.png")
        finally:
            for _ in range(at_once):
                slots.release()

    response = asyncio.run(scenario())
    assert response.status_code == 503
    body = json.loads(response.text)
    assert body["error"].startswith("RenderBusyError: page 1 of a.pdf")
    assert response.headers["retry-after"] == "30"
    # Once a slot is free, the same request is drawn.
    assert _get(ds, f"/-/archive/{shas['a']}/page/1.png").status_code == 200


def test_render_settings_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = odd_page_pdf(tmp_path / "a.pdf", mediabox=(0, 0, 612, 792), content="")
    ds, _shas = _site(tmp_path, {"a": pdf})
    assert pages.render_settings(ds) == (MAX_RENDER_PIXELS, pages.RENDERS_AT_ONCE)
    monkeypatch.setenv("RECORDS_MAX_RENDER_PIXELS", "250000")
    monkeypatch.setenv("RECORDS_RENDERS_AT_ONCE", "3")
    assert pages.render_settings(ds) == (250_000, 3)
    png = render_page(pdf, 1, PAGE_WIDTH, 250_000)
    image = Image.open(io.BytesIO(png))
    assert image.width * image.height <= 250_000


def test_render_settings_come_from_the_sources_file(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        "[settings]\nmax_render_pixels = 400000\nrenders_at_once = 4\n\n[[source]]\n"
        'name = "a"\nurl = "https://agency.example/"\nlink_regex = "pdf$"\nparser = "ca-warn"\n'
    )
    paths = Paths(db=tmp_path / "records.db", archive=tmp_path / "archive", sources=sources)
    open_db(paths.db).close()
    assert pages.render_settings(build_datasette(paths)) == (400_000, 4)
