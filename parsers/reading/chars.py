"""A page's characters as the text steps read them: small dicts, pdfplumber's made on demand.

pdfplumber makes a dict of 22 keys for every character (about 1 KB each, beyond Python's
small-object allocator, and tracked by the garbage collector through its matrix tuple); it
was about 40% of reading a page. The text steps of this layer (words, text maps, text
lines, a table's cells) and of the templates read seven of the keys. So the reader makes
each character a *light* dict of those keys (``x0``, ``x1``, ``top``, ``bottom``,
``doctop``, ``upright``, ``text``, and ``size``), with the same values as pdfplumber's, and
what it needs to make pdfplumber's dict later: for a character of an unrotated string, its
position in the page's flat list of (matrix e, advance, string) values under ``"i"``, the
string's shared values (its matrix f among them) in the page's list of strings; for any
other (rotated, vertical, a media box off the origin) pdfplumber's dict itself under
``"full"``, with its ``matrix``, ``width`` and ``height``. A light dict of the first kind
holds only numbers, strings and booleans, so the garbage collector never tracks it.

``page.chars`` (and ``page.objects``) still give pdfplumber's dicts, made from the light ones
the first time they are asked for (``full_chars``); ``light_chars(page)`` gives the light
ones, or pdfplumber's own dicts for a page the fast reader did not read (the tests' oracle),
which carry every key the light ones have.
"""

from __future__ import annotations

from typing import Any

from pdfplumber import utils as plumber_utils
from pdfplumber.page import CroppedPage

from parsers.reading.words import TOLERANCES, extract_words, page_textmap, text_line_boxes

Char = dict[str, Any]

#: Values per character in a page's flat list (``"i"`` is where a character's start).
CHAR_DATA_WIDTH = 3


def light_chars(page: Any) -> list[Char]:
    """The characters of ``page`` with the keys the text steps read: the fast reader's light
    dicts (a crop of a fast page: the same crop of its light dicts), else ``page.chars``."""
    own = getattr(page, "light_chars", None)
    if own is not None:
        return own()  # type: ignore[no-any-return]
    parent = getattr(page, "parent_page", None)
    crop = getattr(page, "_crop_fn", None)
    if parent is not None and crop is not None:
        # pdfplumber's crop functions read only the box (and clip it, doctop with it).
        return crop(light_chars(parent))  # type: ignore[no-any-return]
    return page.chars  # type: ignore[no-any-return]


def chars_within(chars: list[Char], bbox: tuple[float, float, float, float]) -> list[Char]:
    """``pdfplumber.utils.within_bbox(chars, bbox)`` (what a ``page.within_bbox(bbox)`` crop
    keeps of its page's characters): those whose box lies wholly inside ``bbox``, by the
    same comparisons as pdfplumber's overlap test, written out (no call per character)."""
    left, top, right, bottom = bbox
    return [
        c
        for c in chars
        if (x0 := c["x0"]) >= left
        and (c_top := c["top"]) >= top
        and (x1 := c["x1"]) <= right
        and (c_bottom := c["bottom"]) <= bottom
        and (width := x1 - x0) >= 0
        and (height := c_bottom - c_top) >= 0
        and height + width > 0
    ]


def light_of(full: Char) -> Char:
    """The light dict of a character pdfplumber's dict was made for (kept under ``full``)."""
    return {
        "x0": full["x0"],
        "x1": full["x1"],
        "top": full["top"],
        "bottom": full["bottom"],
        "doctop": full["doctop"],
        "upright": full["upright"],
        "text": full["text"],
        "size": full["size"],
        # pdfplumber's word extraction reads a sideways run's heights (and widths)
        "width": full["width"],
        "height": full["height"],
        "matrix": full["matrix"],
        "full": full,
    }


def full_chars(
    light: list[Char], strings: list[tuple[Any, ...]], data: list[Any], page_number: int
) -> list[Char]:
    """pdfplumber's dicts of the light characters, key for key and value for value as the
    reader made them before (``_CharDicts._unrotated_string``'s arithmetic, term for term)."""
    out: list[Char] = []
    add = out.append
    for c in light:
        full = c.get("full")
        if full is not None:
            add(full)
            continue
        i = c["i"]
        ec, adv, s = data[i], data[i + 1], data[i + 2]  # CHAR_DATA_WIDTH values
        a, b, cc, d, fc, low, high, fontname, upright, mcid, tag, ncs, scolor, ncolor = strings[s]
        bottom_y, top_y = d * low + fc, d * high + fc
        y0, y1 = (bottom_y, top_y) if bottom_y <= top_y else (top_y, bottom_y)
        x0, x1 = c["x0"], c["x1"]
        height = y1 - y0
        add(
            {
                "matrix": (a, b, cc, d, ec, fc),
                "fontname": fontname,
                "adv": adv,
                "upright": upright,
                "x0": x0,
                "y0": y0,
                "x1": x1,
                "y1": y1,
                "width": x1 - x0,
                "height": height,
                "size": height,
                "mcid": mcid,
                "tag": tag,
                "object_type": "char",
                "page_number": page_number,
                "ncs": ncs,
                "text": c["text"],
                "stroking_color": scolor,
                "non_stroking_color": ncolor,
                "top": c["top"],
                "bottom": c["bottom"],
                "doctop": c["doctop"],
            }
        )
    return out


def _light_textmap(page: Any) -> Any:
    """The page's default text map made from its light characters (a fast page keeps it)."""
    own = getattr(page, "light_textmap", None)
    if own is not None:
        return own()
    textmap = page_textmap(light_chars(page))
    if textmap is None:  # never for the default settings
        raise ValueError("page_textmap refused its default settings")
    return textmap


def text_line_dicts(page: Any) -> list[dict[str, Any]]:
    """``page.extract_text_lines(return_chars=False)``: each line's text and box (x0, top,
    x1, bottom), from the light characters of a fast page."""
    if not _is_fast(page):
        return page.extract_text_lines(return_chars=False)  # type: ignore[no-any-return]
    made = page.__dict__.get("_light_textmaps")  # a fast page's text map made already
    if not made or () not in made:
        lines = text_line_boxes(light_chars(page))  # the page's words, no text map
        if lines is not None:
            return lines
    return _light_textmap(page).extract_text_lines(strip=True, return_chars=False)  # type: ignore[no-any-return]


def search_boxes(page: Any, pattern: Any) -> list[dict[str, Any]]:
    """``page.search(pattern, regex=True, return_chars=False)``: each match's text, groups
    and box, from the light characters of a fast page."""
    if not _is_fast(page):
        return page.search(pattern, regex=True, return_chars=False)  # type: ignore[no-any-return]
    return _light_textmap(page).search(pattern, regex=True, return_chars=False)  # type: ignore[no-any-return]


def _is_fast(page: Any) -> bool:
    """Whether ``page`` (or the page it is cropped from) has light characters."""
    while page is not None:
        if getattr(page, "light_chars", None) is not None:
            return True
        if getattr(page, "_crop_fn", None) is None:
            return False
        page = getattr(page, "parent_page", None)
    return False


class FastCrops:
    """``crop``, ``within_bbox`` and ``outside_bbox`` giving ``FastCrop``s (for a fast page and
    its crops)."""

    def crop(self: Any, bbox: Any, relative: bool = False, strict: bool = True) -> FastCrop:
        return FastCrop(self, bbox, relative=relative, strict=strict)

    def within_bbox(self: Any, bbox: Any, relative: bool = False, strict: bool = True) -> FastCrop:
        within = plumber_utils.within_bbox
        return FastCrop(self, bbox, relative=relative, strict=strict, crop_fn=within)

    def outside_bbox(self: Any, bbox: Any, relative: bool = False, strict: bool = True) -> FastCrop:
        outside = plumber_utils.outside_bbox
        return FastCrop(self, bbox, relative=relative, strict=strict, crop_fn=outside)


class FastCrop(FastCrops, CroppedPage):
    """pdfplumber's ``CroppedPage`` of a fast page (or of such a crop): its lines,
    rectangles, curves and images are the crop of its parent's, made without the
    characters' dicts (a table finder asks for edges only); ``chars`` and ``objects`` are
    pdfplumber's, ``light_chars`` the crop of the parent's light characters."""

    cached_properties: list[str] = [*CroppedPage.cached_properties, "_kinds"]

    def _kind(self, kind: str, name: str) -> list[dict[str, Any]]:
        """``self.objects.get(kind, [])`` (the parent's ``name`` property, cropped)."""
        if "_objects" in self.__dict__:
            return self.objects.get(kind, [])
        kinds: dict[str, list[dict[str, Any]]] = self.__dict__.setdefault("_kinds", {})
        found = kinds.get(kind)
        if found is None:
            found = kinds[kind] = self._crop_fn(getattr(self.parent_page, name))
        return found

    def extract_words(self, **kwargs: Any) -> list[dict[str, Any]]:
        """pdfplumber's ``extract_words`` (a table finder's text strategy), from the light
        characters when ``kwargs`` ask only for tolerances."""
        if set(kwargs) <= TOLERANCES:
            return extract_words(light_chars(self), **kwargs)
        return super().extract_words(**kwargs)

    @property
    def rects(self) -> list[dict[str, Any]]:
        return self._kind("rect", "rects")

    @property
    def lines(self) -> list[dict[str, Any]]:
        return self._kind("line", "lines")

    @property
    def curves(self) -> list[dict[str, Any]]:
        return self._kind("curve", "curves")

    @property
    def images(self) -> list[dict[str, Any]]:
        return self._kind("image", "images")
