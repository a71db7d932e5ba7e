"""``/-/archive/<sha256>/page/<n>.png``: page ``n`` of an archived PDF as an image, so a
reporter sees where a row is printed without a PDF viewer. ``?box=x0,top,x1,bottom`` (a
row's ``bbox``, PDF points from the top-left of the page as displayed, as pdfplumber gives
them) draws that box highlighted: a translucent band with an outline. ``?zoom=2`` (up to
``MAX_ZOOM``) renders it larger. ``/-/archive/<sha256>/page/<n>`` is the page check: the
image with a caption (document, edition, page, row), zoom links and a link back to the row.

Pages are rendered once per zoom with pdfium and kept in a page cache beside the archive
(``<archive>/../page-cache/``), never inside it: the archive holds only what was fetched.
Only documents the database knows, pages they have, and paths inside the cache are ever
read or written.

What one request may cost (docs/failures.md, "Page images"):

- a box is clamped to the page before anything is drawn (20-digit coordinates once kept the
  server drawing for 50 s);
- a render has at most ``max_render_pixels`` pixels (``[settings]`` of the sources file, or
  the plugin config, or ``RECORDS_MAX_RENDER_PIXELS``; default
  ``MAX_RENDER_PIXELS``): a page too tall or too narrow for its width is drawn smaller, so a
  36 x 14,400 pt page costs what a Letter page costs instead of 2.9 GB;
- at most ``renders_at_once`` renders run at a time (``[settings]`` likewise; default
  ``RENDERS_AT_ONCE``); a request that waits longer than ``RENDER_WAIT`` seconds for its
  turn gets a 503 saying so;
- a page that pdfium cannot draw, or that runs out of memory, is a 404/503 naming the
  document and page, never a 500 with a traceback.
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
from urllib.parse import urlencode

import pypdfium2 as pdfium
from datasette.utils.asgi import BadRequest, NotFound, Response
from PIL import Image, ImageDraw, PngImagePlugin

from records.core.errors import RecordsError
from records.core.filetypes import sniff
from records.publish.metadata import PLUGIN
from records.publish.plugin.archive import archive_root, archived

#: Width of a rendered page in pixels: a page's text reads on a laptop or phone screen.
PAGE_WIDTH = 1000
#: Largest ``?zoom=``: three times ``PAGE_WIDTH`` reads the smallest print of a dense page.
MAX_ZOOM = 3
#: Most pixels in one render (``[settings] max_render_pixels``, which ``records serve`` puts
#: in the plugin config): a Letter page at ``MAX_ZOOM`` is 3000 x 3882 = 11.6 Mpx (47 MB as
#: RGBA).
MAX_RENDER_PIXELS = 12_000_000
#: Renders running at once (``[settings] renders_at_once``); pdfium itself draws one at a
#: time, so more would only hold memory while they wait.
RENDERS_AT_ONCE = 2
#: Seconds a request waits for its turn to render before it is told the server is busy.
RENDER_WAIT = 30.0
#: Longest ``?box=`` read: four numbers need far less.
MAX_BOX_TEXT = 120
#: The highlight: a translucent band (RGBA) and an outline (RGB) this many pixels wide.
BAND_COLOUR = (255, 214, 0, 96)
OUTLINE_COLOUR = (220, 38, 38)
OUTLINE_WIDTH = 3
#: Pixels left around the box, so the outline does not hide the row's first letters.
BOX_MARGIN = 2
#: The PNG text chunk holding the page's size in points (to place boxes on a cached image).
SIZE_KEY = "page-points"
#: The PNG text chunk holding what to subtract from a pdfplumber box (``page_offset``).
OFFSET_KEY = "page-offset"

#: pdfium is not thread-safe: one render at a time.
_PDFIUM = threading.Lock()
_BOX = re.compile(r"^\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*$")


class PageImageError(RecordsError):
    """A page that cannot be rendered (not a PDF, no such page, unreadable file); raised by
    ``render_page`` and ``cached_page``, answered as a 404 naming the document and page."""


class RenderBusyError(RecordsError):
    """Raised by ``page_image`` when ``renders_at_once`` renders are running and none ends
    within ``RENDER_WAIT`` seconds, or a render ran out of memory: answered as a 503."""


def render_settings(datasette: Any) -> tuple[int, int]:
    """(max_render_pixels, renders_at_once): the plugin config's, else the environment's
    ``RECORDS_MAX_RENDER_PIXELS`` and ``RECORDS_RENDERS_AT_ONCE``, else the defaults."""
    config = datasette.plugin_config(PLUGIN) or {}
    pixels = config.get("max_render_pixels") or os.environ.get("RECORDS_MAX_RENDER_PIXELS")
    at_once = config.get("renders_at_once") or os.environ.get("RECORDS_RENDERS_AT_ONCE")
    try:
        pixels, at_once = int(pixels or MAX_RENDER_PIXELS), int(at_once or RENDERS_AT_ONCE)
    except ValueError as exc:
        raise RecordsError(
            f"max_render_pixels and renders_at_once must be whole numbers: {exc}"
        ) from exc
    return max(pixels, 10_000), max(at_once, 1)


_RENDER_SLOTS: dict[tuple[int, int], asyncio.Semaphore] = {}


def _render_slots(datasette: Any, at_once: int) -> asyncio.Semaphore:
    """One semaphore per Datasette instance and event loop (tests run several of each; a
    semaphore belongs to the loop it first waited on)."""
    key = (id(datasette), id(asyncio.get_running_loop()))
    if key not in _RENDER_SLOTS:
        _RENDER_SLOTS[key] = asyncio.Semaphore(at_once)
    return _RENDER_SLOTS[key]


def page_cache_root(datasette: Any) -> Path:
    """The page cache: plugin config ``page_cache``, else ``page-cache`` beside the archive."""
    config = datasette.plugin_config(PLUGIN) or {}
    configured = config.get("page_cache") or os.environ.get("RECORDS_PAGE_CACHE")
    if configured:
        return Path(configured).resolve()
    return archive_root(datasette).parent / "page-cache"


def parse_box(text: str) -> tuple[float, float, float, float]:
    """'x0,top,x1,bottom' -> four finite numbers with x0 <= x1 and top <= bottom."""
    if len(text) > MAX_BOX_TEXT:
        raise ValueError(f"box must be 'x0,top,x1,bottom' in points, got {text[:60]!r}...")
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


def render_scale(
    points_wide: float, points_high: float, width: int, max_pixels: int = MAX_RENDER_PIXELS
) -> float:
    """Pixels per point: ``width`` pixels across, unless that would exceed ``max_pixels``."""
    if not (points_wide > 0 and points_high > 0):
        raise PageImageError(f"the page has no area ({points_wide} x {points_high} pt)")
    scale = min(width / points_wide, math.sqrt(max_pixels / (points_wide * points_high)))
    # pdfium rounds each side up to whole pixels.
    while math.ceil(points_wide * scale) * math.ceil(points_high * scale) > max_pixels:
        scale *= 0.99
    return scale


def page_offset(
    mediabox: tuple[float, float, float, float],
    cropbox: tuple[float, float, float, float],
    rotation: int,
) -> tuple[float, float]:
    """What to subtract from a pdfplumber (x, top) to land on the rendered image, in points.

    pdfplumber gives positions in the page as displayed (its /Rotate applied), measured from
    its MediaBox's corner in a frame where that corner is (mediabox x0, -mediabox y0) (for a
    page turned 90 or 270 degrees, x and y swapped): on a MediaBox of ``[-12, 12, 780, 624]``
    a row 100 pt below the top edge has top 88. pdfium draws the CropBox as displayed. The
    offset is the displayed MediaBox corner plus where the CropBox sits inside it.
    """
    mx0, my0, mx1, my1 = mediabox
    rotation %= 360
    corner = (my0, -mx0) if rotation in (90, 270) else (mx0, -my0)

    def displayed(x: float, y: float) -> tuple[float, float]:
        """A point in PDF space -> (from the left, from the top) of the displayed MediaBox."""
        if rotation == 90:
            return y - my0, x - mx0
        if rotation == 180:
            return mx1 - x, y - my0
        if rotation == 270:
            return my1 - y, mx1 - x
        return x - mx0, my1 - y

    cx0, cy0, cx1, cy1 = cropbox
    corners = [displayed(x, y) for x in (cx0, cx1) for y in (cy0, cy1)]
    crop_left = min(c[0] for c in corners)
    crop_top = min(c[1] for c in corners)
    return corner[0] + crop_left, corner[1] + crop_top


def render_page(
    pdf_path: Path, number: int, width: int = PAGE_WIDTH, max_pixels: int = MAX_RENDER_PIXELS
) -> bytes:
    """Page ``number`` (1-based) as PNG bytes about ``width`` pixels wide and at most
    ``max_pixels`` pixels, its size and offset in points kept in the PNG;
    ``PageImageError`` when the file or page cannot be read or drawn."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(pdf_path)
        except pdfium.PdfiumError as exc:
            raise PageImageError(f"{pdf_path.name}: not a readable PDF ({exc})") from exc
        try:
            if not 1 <= number <= len(document):
                raise PageImageError(f"{pdf_path.name} has no page {number}")
            page = document[number - 1]
            # get_size() is the crop box as displayed (its /Rotate applied), and render()
            # draws that same area; ``page_offset`` places a pdfplumber box on it.
            points_wide, points_high = page.get_size()
            offset = page_offset(page.get_mediabox(), page.get_cropbox(), page.get_rotation())
            scale = render_scale(points_wide, points_high, width, max_pixels)
            try:
                image = page.render(scale=scale).to_pil()
            except pdfium.PdfiumError as exc:
                raise PageImageError(
                    f"{pdf_path.name} page {number}: cannot draw it ({exc})"
                ) from exc
            page.close()
        finally:
            document.close()
    info = PngImagePlugin.PngInfo()
    info.add_text(SIZE_KEY, f"{points_wide:.3f},{points_high:.3f}")
    info.add_text(OFFSET_KEY, f"{offset[0]:.3f},{offset[1]:.3f}")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=False)
    return out.getvalue()


def _pair(text: str | None, default: tuple[float, float]) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in (text or "").split(","))
    except ValueError:
        return default
    return a, b


def image_box(
    box: tuple[float, float, float, float], image: Image.Image
) -> tuple[float, float, float, float]:
    """A pdfplumber box on ``image`` in pixels, clamped to the page (a box off the page
    shrinks to its edge; no coordinate ever exceeds the image by more than the outline)."""
    points_wide, points_high = _pair(image.info.get(SIZE_KEY), (image.width, image.height))
    offset_x, offset_y = _pair(image.info.get(OFFSET_KEY), (0.0, 0.0))
    x0, top, x1, bottom = (
        min(max(box[0] - offset_x, 0.0), points_wide),
        min(max(box[1] - offset_y, 0.0), points_high),
        min(max(box[2] - offset_x, 0.0), points_wide),
        min(max(box[3] - offset_y, 0.0), points_high),
    )
    scale_x, scale_y = image.width / points_wide, image.height / points_high
    return x0 * scale_x, top * scale_y, x1 * scale_x, bottom * scale_y


def highlight(png: bytes, box: tuple[float, float, float, float]) -> bytes:
    """The page image with ``box`` (pdfplumber points) drawn as a translucent band and an
    outline, clamped to the page."""
    image = Image.open(io.BytesIO(png))
    x0, top, x1, bottom = image_box(box, image)
    x0, top, x1, bottom = x0 - BOX_MARGIN, top - BOX_MARGIN, x1 + BOX_MARGIN, bottom + BOX_MARGIN
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


def cached_page(
    cache: Path,
    pdf_path: Path,
    sha256: str,
    number: int,
    zoom: int = 1,
    max_pixels: int = MAX_RENDER_PIXELS,
) -> bytes:
    """The rendered page from the cache, rendering and storing it on first use."""
    root = cache.resolve()
    # "@<zoom>x": images from before page offsets were kept (``<n>.png``) are never read.
    target = (root / sha256[:2] / sha256 / f"{number}@{zoom}x.png").resolve()
    if not target.is_relative_to(root):
        raise PageImageError(f"page {number} of {sha256} maps outside the page cache")
    if target.is_file():
        return target.read_bytes()
    png = render_page(pdf_path, number, PAGE_WIDTH * zoom, max_pixels)
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


def _zoom(request: Any) -> int:
    raw = request.args.get("zoom") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ZOOM:
        raise BadRequest(f"zoom must be a whole number from 1 to {MAX_ZOOM}, got {raw[:20]!r}")
    return int(raw)


async def _page_png(
    datasette: Any, request: Any
) -> tuple[bytes, dict[str, Any], tuple[float, float, float, float] | None]:
    """The page image a request asks for (highlighted when it gives a box), its document
    and its box; every failure a named 400, 404 or 503."""
    sha256 = request.url_vars["sha256"]
    number = int(request.url_vars["number"])
    raw_box = request.args.get("box")
    try:
        box = parse_box(raw_box) if raw_box else None
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    zoom = _zoom(request)
    document, path = await archived(datasette, sha256)
    with path.open("rb") as f:
        kind = sniff(f.read(1024))
    if kind != "pdf":
        raise NotFound(f"Document {sha256} is not a PDF: it has no page images")
    max_pixels, at_once = render_settings(datasette)
    slots = _render_slots(datasette, at_once)
    try:
        await asyncio.wait_for(slots.acquire(), RENDER_WAIT)
    except TimeoutError:
        raise RenderBusyError(
            f"page {number} of {document.get('filename') or sha256}: the server is drawing"
            f" {at_once} pages already; try again in a minute"
        ) from None
    try:
        png = await asyncio.to_thread(
            cached_page, page_cache_root(datasette), path, sha256, number, zoom, max_pixels
        )
        if box is not None:
            png = await asyncio.to_thread(highlight, png, box)
    except PageImageError as exc:
        raise NotFound(f"{document.get('filename') or sha256}: {exc}") from exc
    except (MemoryError, Image.DecompressionBombError) as exc:
        raise RenderBusyError(
            f"page {number} of {document.get('filename') or sha256} is too large to draw"
            f" ({type(exc).__name__})"
        ) from None
    finally:
        slots.release()
    return png, document, box


async def page_image(datasette: Any, request: Any) -> Any:
    try:
        png, _document, _box = await _page_png(datasette, request)
    except RenderBusyError as exc:
        return _busy(str(exc))
    return Response(
        png,
        content_type="image/png",
        headers={
            "x-content-type-options": "nosniff",
            "cache-control": "max-age=31536000, immutable",  # content-addressed
        },
    )


def _busy(message: str) -> Any:
    return Response.json(
        {"ok": False, "status": 503, "error": f"RenderBusyError: {message}"},
        status=503,
        headers={"retry-after": "30"},
    )


ROUTES = [
    (r"^/-/archive/(?P<sha256>[0-9a-f]{64})/page/(?P<number>[0-9]{1,6})\.png$", page_image),
]


def page_image_url(
    datasette: Any, sha256: str, page: int, bbox: str | None = None, zoom: int = 1
) -> str:
    """The address of a page image, with the row's box highlighted when given."""
    url = datasette.urls.path(f"/-/archive/{sha256}/page/{page}.png")
    query = {k: v for k, v in (("box", bbox), ("zoom", zoom if zoom != 1 else None)) if v}
    return f"{url}?{urlencode(query, safe=',')}" if query else url
