"""WeasyPrint as bookwright drives it: the fetcher that keeps every read inside the book and
the theme, its log turned into the author's warnings, and a document that shows each layout
to its observers (the EPUB's page list, the lost-note check) before it is written.

Every PDF edition and the unit-by-unit layout (`jobs.py`) lay out through these, so they
live apart from the HTML assembly (`document.py`) and from any one edition.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook
from bookwright.paths import is_inside, theme_dir
from bookwright.writers.pdf.apparatus import data_response
from bookwright.writers.pdf.layout_places import LayoutPlaces


# The book folder as the documents address it. WeasyPrint names a raster image in the PDF
# after a hash of its address, so a real file:// address would make the PDF's bytes depend
# on where the book folder is; this one is the same in every folder.
BOOK_URL = "file:///bookwright-book/"


class BookFetcher(URLFetcher):
    """Serves only files inside the book folder (`roots[0]`, addressed as BOOK_URL) and the
    other roots (the theme); never the network."""

    def __init__(self, roots: list[Path], prepared: dict[Path, bytes] | None = None):
        super().__init__(allowed_protocols={"file"})
        self.roots = roots
        self.prepared = prepared or {}  # images as assets/prepare.py made them: scaled, SVG made inert

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return data_response(url)  # formulas drawn as SVG (issue 7): inside the document
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"bookwright does not fetch '{url}' during a build")
        book_path = urlsplit(BOOK_URL).path
        if parts.path.startswith(book_path):
            path = self.roots[0] / url2pathname(unquote(parts.path[len(book_path):]))
        else:
            path = Path(url2pathname(unquote(parts.path)))
        if not is_inside(path, *self.roots) or not path.is_file():
            raise ValueError(f"'{path}' is outside the book folder and the theme, or missing")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = self.prepared.get(path.resolve())
        return URLFetcherResponse(url, data if data is not None else path.read_bytes(), {"Content-Type": media_type})


class WeasyPrintMessages(logging.Handler):
    """WeasyPrint logs rather than raises; its warnings become the author's warnings."""

    def __init__(self, diags: Diagnostics, book: ResolvedBook):
        super().__init__(logging.WARNING)
        self.diags = diags
        self.places = LayoutPlaces(book)  # the chapter and line a message is about, where it tells

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        if "HarfBuzz-Subset" in message:
            return  # about the machine's libraries, not the book; fontTools subsets correctly
        if "has no required alt description" in message:
            return  # reported with the chapter's file and line (parse/accessibility.py)
        for placed in self.places.place(message):
            self.diags.warning_at(placed, placed.message, hint=placed.hint)


class ObservedHTML(HTML):
    """Shows every layout of the book to its observers before it is written: the EPUB's
    page list reads where the pages begin (writers/pagelist.py), and lost_notes.py looks
    for footnotes the engine dropped. The last layout is the one written."""

    def __init__(self, observers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.observers = [observer for observer in observers if observer is not None]

    def render(self, *args, **kwargs):
        document = super().render(*args, **kwargs)
        for observer in self.observers:
            observer.observe(document)
        return document


def book_fetcher(book: ResolvedBook) -> BookFetcher:
    return BookFetcher([book.root, theme_dir()], book.assets)


def book_base_url(book: ResolvedBook) -> str:
    """Relative addresses in the document (images) are the book folder's, wherever it is."""
    return BOOK_URL


def stylesheet_base_url() -> str:
    """Relative addresses in the stylesheet (fonts) are the theme's."""
    return (theme_dir() / "print.css").as_uri()


def compiled_stylesheet(css: str, fetcher: BookFetcher, fonts: FontConfiguration) -> CSS:
    """The stylesheet for one layout; `fonts` must be the layout's (without it @font-face
    rules are ignored, and a document keeps the fonts it was laid out with)."""
    return CSS(string=css, base_url=stylesheet_base_url(), url_fetcher=fetcher, font_config=fonts)


def pdf_identifier(book: ResolvedBook) -> bytes:
    """The PDF's /ID, from the book's identifier: the same book gives the same bytes."""
    return hashlib.sha256(book.metadata.identifier.encode("utf-8")).hexdigest()[:32].encode()


@contextmanager
def reporting_to(diags: Diagnostics, book: ResolvedBook) -> Iterator[WeasyPrintMessages]:
    """WeasyPrint's warnings during the block become the author's warnings."""
    handler = WeasyPrintMessages(diags, book)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
