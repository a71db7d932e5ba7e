"""The page check on any PDF: a row's box (pdfplumber's coordinates, as the parsers store
them) lands on the row's own ink whatever the page's MediaBox origin, CropBox and /Rotate.

A federal agency's report with MediaBox ``[-12, 12, 780, 624]`` had its boxes drawn 12 pt
too high, on the row above."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from records.publish.plugin.pages import highlight, image_box, page_offset, render_page
from tests.publish.generated_pages import filled_rect, odd_page_pdf, sector_rows

DARK = 200  # sum of RGB below this: ink


def _ink(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Dark pixels inside ``box`` (pixels)."""
    x0, top, x1, bottom = (round(v) for v in box)
    crop = image.convert("RGB").crop((x0, top, x1, bottom))
    return sum(1 for px in crop.get_flattened_data() if sum(px) < DARK)


def _word_box(pdf: Path, text: str) -> tuple[float, float, float, float]:
    with pdfplumber.open(pdf) as document:
        lines = document.pages[0].extract_text_lines()
    (line,) = [line for line in lines if line["text"] == text]
    return line["x0"], line["top"], line["x1"], line["bottom"]


def test_offset_mediabox_box_covers_the_rows_own_text(tmp_path: Path) -> None:
    pdf = odd_page_pdf(
        tmp_path / "offset.pdf",
        mediabox=(-12, 12, 780, 624),
        content=sector_rows(20, 560),
    )
    png = render_page(pdf, 1)
    page = Image.open(io.BytesIO(png))
    for n in (1, 4, 8):
        box = _word_box(pdf, f"Sector {n}")
        on_image = image_box(box, page)
        # The whole line's ink is inside its box, and the box is not empty paper.
        assert _ink(page, on_image) > 40
        x0, top, x1, bottom = on_image
        height = bottom - top
        above = (x0, top - height, x1, top)
        below = (x0, bottom, x1, bottom + height)
        assert _ink(page, above) == 0 and _ink(page, below) == 0
    # pdfplumber measures from a corner at (-12, -12): a line 100 pt under the top edge
    # has top 88 there.
    assert page_offset((-12, 12, 780, 624), (-12, 12, 780, 624), 0) == (-12, -12)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
@pytest.mark.parametrize(
    ("mediabox", "cropbox"),
    [
        ((0, 0, 612, 792), None),
        ((-12, 12, 780, 624), None),
        ((30, -40, 642, 752), (80, 10, 560, 700)),
    ],
)
def test_box_lands_on_its_rectangle_for_any_origin_crop_and_rotation(
    tmp_path: Path,
    rotate: int,
    mediabox: tuple[float, float, float, float],
    cropbox: tuple[float, float, float, float] | None,
) -> None:
    # A black rectangle inside every box above, away from the centre so a rotation that
    # is ignored puts the box elsewhere.
    pdf = odd_page_pdf(
        tmp_path / "page.pdf",
        mediabox=mediabox,
        cropbox=cropbox,
        rotate=rotate,
        content=filled_rect(120, 120, 150, 40),
    )
    with pdfplumber.open(pdf) as document:
        (rect,) = document.pages[0].rects
    box = (rect["x0"], rect["top"], rect["x1"], rect["bottom"])
    png = render_page(pdf, 1)
    page = Image.open(io.BytesIO(png))
    x0, top, x1, bottom = image_box(box, page)
    inside = (x0 + 3, top + 3, x1 - 3, bottom - 3)
    area = (inside[2] - inside[0]) * (inside[3] - inside[1])
    assert _ink(page, inside) >= 0.95 * area
    ring = [
        (x0 - 12, top - 12, x1 + 12, top - 4),
        (x0 - 12, bottom + 4, x1 + 12, bottom + 12),
        (x0 - 12, top, x0 - 4, bottom),
        (x1 + 4, top, x1 + 12, bottom),
    ]
    assert all(_ink(page, r) == 0 for r in ring)
    # And the highlight is drawn there: the band tints the paper just inside the margin.
    marked = Image.open(io.BytesIO(highlight(png, box))).convert("RGB")
    assert marked.getpixel((round(x0), round(top) - 1)) != (255, 255, 255)
