"""Page images: a parsed row's page cell leads to its page as a PNG with exactly that row
highlighted; the route renders only known documents' pages, into a cache beside the archive."""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import re
import sqlite3

from PIL import Image

from records.publish.plugin.pages import BAND_COLOUR, OUTLINE_COLOUR, PAGE_WIDTH
from tests.publish.conftest import Built, Client
from tests.shared import fixture

PDF = fixture("ddor/ddor2017_01-28to02-03.pdf")
SHA = hashlib.sha256(PDF.read_bytes()).hexdigest()
WHITE = (255, 255, 255)


def _image(client: Client, path: str) -> Image.Image:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def _first_rows(built: Built, n: int) -> list[sqlite3.Row]:
    con = sqlite3.connect(built.db)
    con.row_factory = sqlite3.Row
    return con.execute(
        "select rowid, page, bbox, facility from ddor_declined_detainers order by rowid limit ?",
        [n],
    ).fetchall()


def _pixels(box: tuple[float, float, float, float], scale: float, inset: float):
    """A grid of pixel positions inside ``box`` (points), ``inset`` pixels from its edges."""
    x0, top, x1, bottom = (v * scale for v in box)
    for i in range(1, 20):
        for j in range(1, 4):
            x = x0 + inset + (x1 - x0 - 2 * inset) * i / 20
            y = top + inset + (bottom - top - 2 * inset) * j / 4
            yield int(x), int(y)


def test_page_cell_leads_to_the_row_highlighted_on_its_page(
    site_client: Client, ddor_site: Built
) -> None:
    first, second = _first_rows(ddor_site, 2)
    assert (first["page"], first["bbox"], first["facility"]) == (
        3,
        "54.0,181.5,738.0,203.0",
        "Santa Rita Jail",
    )
    table = site_client.get(f"/{site_client.db}/ddor_declined_detainers?_sort=rowid&_size=1").text
    # The PDF link stays; the image link carries the row's box.
    assert f'href="/-/archive/{SHA}#page=3"' in table
    (href,) = re.findall(
        r'class="archive-page"[^>]*>p\. 3</a> <a href="([^"]+)" class="page-image"', table
    )
    href = html_lib.unescape(href)
    rowid = first["rowid"]
    assert href == (
        f"/-/archive/{SHA}/page/3?box=54.0,181.5,738.0,203.0"
        f"&table=ddor_declined_detainers&row={rowid}"
    )
    # The page check: a caption naming document, edition, page and row, zoom, the way back.
    check = site_client.get(href).text
    assert "ddor2017_01-28to02-03.pdf" in check
    assert f"page 3, row {rowid} of ddor_declined_detainers" in check
    assert f'class="back-to-row" href="/{site_client.db}/ddor_declined_detainers/{rowid}"' in check
    (src,) = re.findall(r'<img src="([^"]+)"', check)
    assert html_lib.unescape(src) == f"/-/archive/{SHA}/page/3.png?box=54.0,181.5,738.0,203.0"
    zoomed = [html_lib.unescape(z) for z in re.findall(r'<a href="([^"]+)">[23]×</a>', check)]
    assert zoomed == [href.replace("&table", f"&zoom={n}&table") for n in (2, 3)]
    big = _image(site_client, f"/-/archive/{SHA}/page/3.png?zoom=2&box=54.0,181.5,738.0,203.0")
    assert big.width == 2 * PAGE_WIDTH
    href = html_lib.unescape(src)

    marked = _image(site_client, href)
    plain = _image(site_client, f"/-/archive/{SHA}/page/3.png")
    assert marked.size == plain.size and marked.width == PAGE_WIDTH
    scale = PAGE_WIDTH / 792  # the DDOR is US Letter landscape, 792 points wide
    box = tuple(float(v) for v in first["bbox"].split(","))
    # The row's text is printed inside its box (dark pixels on the plain page).
    inside = list(_pixels(box, scale, inset=6))
    assert any(sum(plain.getpixel(p)) < 200 for p in inside)
    # Inside: every white pixel of the page is tinted with the band's colour.
    tinted = [marked.getpixel(p) for p in inside if plain.getpixel(p) == WHITE]
    assert len(tinted) > 20
    alpha = BAND_COLOUR[3] / 255
    want = tuple(round(255 * (1 - alpha) + c * alpha) for c in BAND_COLOUR[:3])
    assert all(max(abs(a - b) for a, b in zip(px, want, strict=True)) <= 2 for px in tinted)
    # The outline runs just outside the box.
    x0, top, x1, bottom = (v * scale for v in box)
    middle = int((top + bottom) / 2)
    assert marked.getpixel((int(x0) - 4, middle)) == OUTLINE_COLOUR
    assert marked.getpixel((int(x1) + 4, middle)) == OUTLINE_COLOUR
    # Outside (the next row, the rest of the page): the image is the page, unchanged.
    next_box = tuple(float(v) for v in second["bbox"].split(","))
    assert next_box[1] == box[3]  # the next row starts where this one ends
    for p in _pixels(next_box, scale, inset=12):
        assert marked.getpixel(p) == plain.getpixel(p)
    for p in [(10, 10), (500, 20), (20, 700), (990, 600), (500, int(bottom) + 40)]:
        assert marked.getpixel(p) == plain.getpixel(p)


def test_pages_are_cached_beside_the_archive(site_client: Client, ddor_site: Built) -> None:
    _image(site_client, f"/-/archive/{SHA}/page/1.png")
    cached = ddor_site.archive.parent / "page-cache" / SHA[:2] / SHA / "1@1x.png"
    assert cached.is_file()
    assert Image.open(cached).width == PAGE_WIDTH
    archived = {p.name for p in ddor_site.archive.rglob("*")}
    assert not any(name.endswith(".png") for name in archived)
    # Served from the cache the second time: the same bytes.
    assert site_client.get(f"/-/archive/{SHA}/page/1.png").content == cached.read_bytes()


def test_page_images_refuse_unknown_documents_pages_and_boxes(site_client: Client) -> None:
    assert site_client.get(f"/-/archive/{'0' * 64}/page/1.png").status_code == 404
    assert site_client.get(f"/-/archive/{SHA}/page/0.png").status_code == 404
    assert site_client.get(f"/-/archive/{SHA}/page/9999.png").status_code == 404
    assert site_client.get(f"/-/archive/{SHA}/page/x.png").status_code == 404
    assert site_client.get(f"/-/archive/{SHA}/page/1.jpg").status_code == 404
    for raw in (
        f"/-/archive/{SHA}/page/..%2F..%2F1.png",
        f"/-/archive/{SHA}/page/../../../sources.toml",
        f"/-/archive/{SHA}/page/%2e%2e/1.png",
    ):
        status, headers, body = site_client.raw(raw)
        if status == 302:  # Datasette turns %-escapes into ~-escapes first
            assert headers["Location"].startswith("/-/archive/"), raw
            status, headers, body = site_client.raw(headers["Location"])
        assert status == 404, raw
        assert b"[[source]]" not in body
    for box in ("1,2,3", "a,b,c,d", "10,10,5,5", "nan,1,2,3", "1e999,1,2,3"):
        assert site_client.get(f"/-/archive/{SHA}/page/1.png?box={box}").status_code == 400
        assert site_client.get(f"/-/archive/{SHA}/page/1?box={box}").status_code == 400
    for zoom in ("0", "4", "x", "-1"):
        assert site_client.get(f"/-/archive/{SHA}/page/1.png?zoom={zoom}").status_code == 400


def test_document_page_shows_page_thumbnails(site_client: Client, ddor_site: Built) -> None:
    pages = (
        sqlite3.connect(ddor_site.db)
        .execute("select pages from documents where sha256 = ?", [SHA])
        .fetchone()[0]
    )
    html = site_client.get(f"/{site_client.db}/documents/{SHA}").text
    shown = re.findall(rf'<img src="/-/archive/{SHA}/page/(\d+)\.png"', html)
    assert shown == [str(n) for n in range(1, min(pages, 40) + 1)]
