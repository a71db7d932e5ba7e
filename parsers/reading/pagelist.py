"""A PDF's pages made when asked for, so what a process holds does not grow with page count.

pdfplumber's ``PDF.pages`` makes a ``Page`` for every page of the file up front, each with
pdfminer's ``PDFPage``, which resolves the page's content streams (their bytes read from
the file and cached by the document). A process opening a 20,000-page file held about
230 MB before reading a page. ``PageList`` walks the page tree once and keeps, for each
page, only what makes it again: its object number, the attributes it inherits from the
tree (one shared dict for the pages of one parent), its label and where it starts down the
document (``initial_doctop``, the heights of the pages before it, as pdfplumber sums them).
A page is made when asked for and lives while somebody holds it: the pages a document
keeps for its next stage (``hold``), those a caller still uses (weakly remembered, so the
same page object comes back while it lives).

pdfminer's ``PDFDocument`` caches every object it resolves, streams included (a content
stream keeps its decoded bytes once read: about 7.5 KB a page of a generated table). A
page's streams belong to the page: ``drop_streams`` lets the document's cache forget them
once the page has them (fonts stay cached by the resource manager, dictionaries in the
document's cache, but for the page's own dictionary and resources, which the page keeps).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any, overload

from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value
from pdfplumber.page import Page, _normalize_box
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.pdfinternals import resolve_all


class Acyclic:
    """A page that refers to itself through its class only, so it goes as soon as nobody
    holds it (with its ``PDFPage`` and decoded content streams), not when the garbage
    collector next runs: pdfplumber's ``Page.__init__`` sets ``root_page = self`` and
    ``get_textmap = lru_cache()(self._get_textmap)``, two reference cycles (and the
    collector runs seldom while pages are read: ``document.fewer_collections``)."""

    @property
    def root_page(self) -> Any:
        return self

    @root_page.setter
    def root_page(self, value: Any) -> None:
        """pdfplumber's ``Page`` sets it to the page itself: nothing to keep."""

    @property
    def get_textmap(self) -> Any:
        """pdfplumber's cached text map (``_get_textmap``), cached per page as there."""
        cached: Callable[..., Any] | None = self.__dict__.get("_textmap_cache")
        if cached is None:
            page = weakref.ref(self)

            def textmap(**kwargs: Any) -> Any:
                return page()._get_textmap(**kwargs)  # type: ignore[union-attr]

            cached = self.__dict__["_textmap_cache"] = lru_cache()(textmap)
        return cached

    @get_textmap.setter
    def get_textmap(self, value: Any) -> None:
        """pdfplumber's ``Page`` sets a cache bound to the page (a cycle): made on demand."""


class _Found(PDFPage):
    """What ``PDFPage.create_pages`` finds for a page, without making the page (no content
    stream resolved): its object number, attributes (its own and inherited) and label."""

    def __init__(self, doc: Any, pageid: Any, attrs: Any, label: str | None) -> None:
        self.pageid = pageid
        self.attrs = dict_value(attrs)
        self.label = label


def _height(attrs: dict[str, Any]) -> Any:
    """The page's height as pdfplumber's ``Page`` has it (its media box, turned by its
    rotation)."""
    rotation = resolve_all(attrs.get("Rotate"))
    rotation = (0 if rotation is None else rotation) % 360
    x0, y0, x1, y1 = _normalize_box(resolve_all(attrs.get("MediaBox")), rotation)
    return y1 - y0


def _own(doc: Any, pageid: Any) -> dict[str, Any]:
    """The page's own dictionary (without what it inherits from the page tree)."""
    if not isinstance(pageid, int):
        return {}
    own = doc.getobj(pageid)
    return own if isinstance(own, dict) else {}


def _cache(doc: Any) -> dict[int, tuple[object, int]] | None:
    cache = getattr(doc, "_cached_objs", None)
    return cache if isinstance(cache, dict) else None


def drop_streams(doc: Any) -> None:
    """Let pdfminer's document cache forget the streams it holds (a page's content
    streams and images: the page that resolved them keeps them while it lives; a stream
    asked for again is read again from the file)."""
    cache = _cache(doc)
    if cache:
        for objid in [k for k, (obj, _) in cache.items() if isinstance(obj, PDFStream)]:
            del cache[objid]


class PageList(Sequence[Page]):
    """The pages of ``pdf`` (a pdfplumber ``PDF`` with a ``page_class``), each made when
    asked for. Reads the page tree when made: raises ``PdfminerException`` for a broken
    one, as pdfplumber's ``pages`` does."""

    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf
        doc = pdf.doc
        #: For each page: object number, inherited attributes, label.
        self._found: list[tuple[Any, dict[str, Any], str | None]] = []
        self._doctops: list[Any] = []
        shared: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}
        doctop: Any = 0
        cache = _cache(doc)
        try:
            for found in _Found.create_pages(doc):
                own = _own(doc, found.pageid)
                if cache is not None and isinstance(found.pageid, int):  # made with its page
                    cache.pop(found.pageid, None)
                inherited = {k: v for k, v in found.attrs.items() if k not in own}
                key = tuple((k, id(v)) for k, v in inherited.items())
                inherited = shared.setdefault(key, inherited)
                self._found.append((found.pageid, inherited, found.label))
                self._doctops.append(doctop)
                doctop += _height(found.attrs)
        except PdfminerException:
            raise
        except Exception as exc:  # pdfminer raises many types for a broken page tree
            raise PdfminerException(exc) from exc
        parsed = getattr(doc, "_parsed_objs", None)
        if isinstance(parsed, dict):
            parsed.clear()
        drop_streams(doc)
        self._held: dict[int, Page] = {}
        self._alive: weakref.WeakValueDictionary[int, Page] = weakref.WeakValueDictionary()

    def __len__(self) -> int:
        return len(self._found)

    @overload
    def __getitem__(self, index: int) -> Page: ...

    @overload
    def __getitem__(self, index: slice) -> list[Page]: ...

    def __getitem__(self, index: int | slice) -> Page | list[Page]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self._found)
        if not -count <= index < count:
            raise IndexError("page index out of range")
        index %= count
        page = self._held.get(index)
        if page is None:
            page = self._alive.get(index)
        if page is None:
            page = self._make(index)
            self._alive[index] = page
        return page

    def __iter__(self) -> Iterator[Page]:
        for i in range(len(self._found)):
            yield self[i]

    def _make(self, index: int) -> Page:
        pdf = self._pdf
        pageid, inherited, label = self._found[index]
        try:
            attrs = _own(pdf.doc, pageid).copy()
            for k, v in inherited.items():
                attrs.setdefault(k, v)
            page_obj = PDFPage(pdf.doc, pageid, attrs, label)
        except Exception as exc:
            raise PdfminerException(exc) from exc
        cache = _cache(pdf.doc)
        if cache is not None:  # the page keeps what it resolved (its content streams...)
            resolved = [pageid, attrs.get("Contents"), attrs.get("Resources")]
            for obj in [*resolved, *page_obj.contents]:
                objid = obj.objid if isinstance(obj, PDFObjRef | PDFStream) else obj
                if isinstance(objid, int):
                    cache.pop(objid, None)
        page: Page = pdf.page_class(
            pdf, page_obj, page_number=index + 1, initial_doctop=self._doctops[index]
        )
        return page

    def hold(self, page: Page) -> None:
        """Keep ``page`` made (the document keeps its objects for the next stage)."""
        self._held[page.page_number - 1] = page

    def release(self, page: Page) -> None:
        """``page`` need not stay made (it lives on while somebody holds it)."""
        self._held.pop(page.page_number - 1, None)

    def made(self) -> list[Page]:
        """The pages made and still alive, in page order."""
        numbers = sorted({*self._held, *self._alive.keys()})
        made = [self._held.get(n, self._alive.get(n)) for n in numbers]
        return [p for p in made if p is not None]
