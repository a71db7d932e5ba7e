"""A page's characters as the text steps read them: small dicts, pdfplumber's made on demand.

pdfplumber makes a dict of 22 keys for every character (about 1 KB each, beyond Python's
small-object allocator, and tracked by the garbage collector through its matrix tuple); it
was about 40% of reading a page. The text steps of this layer (words, text maps, text
lines, a table's cells) and of the templates read seven of the keys. So the reader makes
each character a *light* dict of those keys (``x0``, ``x1``, ``top``, ``bottom``,
``doctop``, ``upright``, ``text``, and ``size``), with the same values as pdfplumber's, and
what it needs to make pdfplumber's dict later: for a character of an unrotated string, its
position in the page's flat list of (matrix e, matrix f, advance, string) values under
``"i"``, the string's shared values in the page's list of strings; for any other (rotated,
vertical, a media box off the origin) pdfplumber's dict itself under ``"full"`` and its
``matrix``. A light dict holds only numbers, strings and booleans, so the garbage collector
never tracks it.

``page.chars`` (and ``page.objects``) still give pdfplumber's dicts, made from the light ones
the first time they are asked for (``full_chars``); ``light_chars(page)`` gives the light
ones, or pdfplumber's own dicts for a page the fast reader did not read (the tests' oracle),
which carry every key the light ones have.
"""

from __future__ import annotations

from typing import Any

from parsers.reading.words import page_textmap

Char = dict[str, Any]

#: Values per character in a page's flat list (``"i"`` is where a character's start).
CHAR_DATA_WIDTH = 4


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
        ec, fc, adv, s = data[i : i + CHAR_DATA_WIDTH]
        a, b, cc, d, low, high, fontname, upright, mcid, tag, ncs, scolor, ncolor = strings[s]
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


def text_line_dicts(page: Any) -> list[dict[str, Any]]:
    """``page.extract_text_lines(return_chars=False)``: each line's text and box (x0, top,
    x1, bottom), from the light characters of a fast page."""
    if getattr(page, "light_chars", None) is None:
        return page.extract_text_lines(return_chars=False)  # type: ignore[no-any-return]
    textmap = page_textmap(light_chars(page))
    if textmap is None:  # never for the default settings
        raise ValueError("page_textmap refused its default settings")
    return textmap.extract_text_lines(strip=True, return_chars=False)
