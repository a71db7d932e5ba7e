"""``/-/archive/<sha256>/page/<n>.png``: page ``n`` of an archived PDF as an image, so a
reporter sees where a row is printed without a PDF viewer. ``?box=x0,top,x1,bottom`` (a
row's ``bbox``, PDF points from the top-left) draws that box highlighted: a translucent band
with an outline.

Pages are rendered once with pdfium, about ``PAGE_WIDTH`` pixels wide, and kept in a page
cache beside the archive (``<archive>/../page-cache/``), never inside it: the archive holds
only what was fetched. Only documents the database knows, pages they have, and paths inside
the cache are ever read or written.
"""

from __future__ import annotations

import asyncio
import io
import math
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from datasette.utils.asgi import BadRequest, NotFound, Response
from PIL import Image, ImageDraw, PngImagePlugin

from records.core.errors import RecordsError
from records.core.filetypes import sniff
from records.publish.metadata import PLUGIN
from records.publish.plugin.archive import archive_root, archived

#: Width of a rendered page in pixels: a page's text reads on a laptop or phone screen.
PAGE_WIDTH = 1000
#: The highlight: a translucent band (RGBA) and an outline (RGB) this many pixels wide.
BAND_COLOUR = (255, 214, 0, 96)
OUTLINE_COLOUR = (220, 38, 38)
OUTLINE_WIDTH = 3
#: Pixels left around the box, so the outline does not hide the row's first letters.
BOX_MARGIN = 2
#: The PNG text chunk holding the page's size in points (to place boxes on a cached image).
SIZE_KEY = "page-points"

#: pdfium is not thread-safe: one render at a time.
_PDFIUM = threading.Lock()
_BOX = re.compile(r"^\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*$")


class PageImageError(RecordsError):
    """A page that cannot be rendered (not a PDF, no such page, unreadable file)."""


def page_cache_root(datasette: Any) -> Path:
    """The page cache: plugin config ``page_cache``, else ``page-cache`` beside the archive."""
    config = datasette.plugin_config(PLUGIN) or {}
    configured = config.get("page_cache") or os.environ.get("RECORDS_PAGE_CACHE")
    if configured:
        return Path(configured).resolve()
    return archive_root(datasette).parent / "page-cache"


def parse_box(text: str) -> tuple[float, float, float, float]:
    """'x0,top,x1,bottom' -> four finite numbers with x0 <= x1 and top <= bottom."""
    match = _BOX.match(text)
    if not match:
        raise ValueError(f"box must be 'x0,top,x1,bottom' in points, got {text[:60]!r}")
    try:
        x0, top, x1, bottom = (float(v) for v in match.groups())
    except ValueError as exc:
        raise ValueError(f"box must be four numbers, got {text[:60]!r}") from exc
    if not all(math.isfinite(v) for v in (x0, top, x1, bottom)) or x0 > x1 or top > bottom:
        raise ValueError(f"box must run left to right and top to bottom, got {text[:60]!r}")
    return x0, top, x1, bottom


def render_page(pdf_path: Path, number: int, width: int = PAGE_WIDTH) -> bytes:
    """Page ``number`` (1-based) as PNG bytes about ``width`` pixels wide, its size in
    points kept in the PNG; ``PageImageError`` when the file or page cannot be read."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(pdf_path)
        except pdfium.PdfiumError as exc:
            raise PageImageError(f"{pdf_path.name}: not a readable PDF ({exc})") from exc
        try:
            if not 1 <= number <= len(document):
                raise PageImageError(f"{pdf_path.name} has no page {number}")
            page = document[number - 1]
            # get_size() is the page as displayed (its /Rotate applied), as pdfplumber's
            # coordinates are, and render() applies the same rotation.
            points_wide, points_high = page.get_size()
            image = page.render(scale=width / points_wide).to_pil()
            page.close()
        finally:
            document.close()
    info = PngImagePlugin.PngInfo()
    info.add_text(SIZE_KEY, f"{points_wide:.3f},{points_high:.3f}")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=False)
    return out.getvalue()


def highlight(png: bytes, box: tuple[float, float, float, float]) -> bytes:
    """The page image with ``box`` (points) drawn as a translucent band and an outline."""
    image = Image.open(io.BytesIO(png))
    points_wide = float(image.info.get(SIZE_KEY, f"{image.width}").split(",")[0])
    scale = image.width / points_wide
    x0, top, x1, bottom = (
        box[0] * scale - BOX_MARGIN,
        box[1] * scale - BOX_MARGIN,
        box[2] * scale + BOX_MARGIN,
        box[3] * scale + BOX_MARGIN,
    )
    base = image.convert("RGBA")
    band = Image.new("RGBA", base.size, (0, 0, 0, 0))
    ImageDraw.Draw(band).rectangle((x0, top, x1, bottom), fill=BAND_COLOUR)
    marked = Image.alpha_composite(base, band).convert("RGB")
    ImageDraw.Draw(marked).rectangle(
        (x0 - OUTLINE_WIDTH, top - OUTLINE_WIDTH, x1 + OUTLINE_WIDTH, bottom + OUTLINE_WIDTH),
        outline=OUTLINE_COLOUR,
        width=OUTLINE_WIDTH,
    )
    out = io.BytesIO()
    marked.save(out, format="PNG")
    return out.getvalue()


def cached_page(cache: Path, pdf_path: Path, sha256: str, number: int) -> bytes:
    """The rendered page from the cache, rendering and storing it on first use."""
    root = cache.resolve()
    target = (root / sha256[:2] / sha256 / f"{number}.png").resolve()
    if not target.is_relative_to(root):
        raise PageImageError(f"page {number} of {sha256} maps outside the page cache")
    if target.is_file():
        return target.read_bytes()
    png = render_page(pdf_path, number)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and moved in: a reader never sees half an image.
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(png)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return png


async def page_image(datasette: Any, request: Any) -> Any:
    sha256 = request.url_vars["sha256"]
    number = int(request.url_vars["number"])
    raw_box = request.args.get("box")
    try:
        box = parse_box(raw_box) if raw_box else None
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    _document, path = await archived(datasette, sha256)
    with path.open("rb") as f:
        kind = sniff(f.read(1024))
    if kind != "pdf":
        raise NotFound(f"Document {sha256} is not a PDF: it has no page images")
    try:
        png = await asyncio.to_thread(cached_page, page_cache_root(datasette), path, sha256, number)
        if box is not None:
            png = await asyncio.to_thread(highlight, png, box)
    except PageImageError as exc:
        raise NotFound(str(exc)) from exc
    return Response(
        png,
        content_type="image/png",
        headers={
            "x-content-type-options": "nosniff",
            "cache-control": "max-age=31536000, immutable",  # content-addressed
        },
    )


ROUTES = [
    (r"^/-/archive/(?P<sha256>[0-9a-f]{64})/page/(?P<number>[0-9]{1,6})\.png$", page_image),
]


def page_image_url(datasette: Any, sha256: str, page: int, bbox: str | None = None) -> str:
    """The address of a page image, with the row's box highlighted when given."""
    url = datasette.urls.path(f"/-/archive/{sha256}/page/{page}.png")
    return f"{url}?box={bbox}" if bbox else url
