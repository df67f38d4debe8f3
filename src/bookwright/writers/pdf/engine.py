"""WeasyPrint as bookwright drives it: what a layout may read (only the book folder and the
theme), its log turned into the author's warnings, and the addresses and identifier every
layout shares.

Every unit of every PDF edition is laid out with these (units.py), so they live apart from
the HTML assembly (`document.py`) and from any one edition. Nothing here imports WeasyPrint:
the build's own process uses it too, and leaves WeasyPrint to the workers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook
from bookwright.paths import is_inside, theme_dir
from bookwright.writers.pdf.layout_places import LayoutPlaces


# The book folder as the documents address it. WeasyPrint names a raster image in the PDF
# after a hash of its address, so a real file:// address would make the PDF's bytes depend
# on where the book folder is; this one is the same in every folder.
BOOK_URL = "file:///bookwright-book/"


def served(url: str, roots: tuple[Path, ...], prepared: dict[Path, bytes]) -> tuple[bytes, str]:
    """What a layout is given at `url`, with its media type: a file inside the book folder
    (`roots[0]`, addressed as BOOK_URL) or the theme (the other roots), as resolve/assets
    prepared it (pictures scaled, SVG made inert) when it did, or the bytes of a `data:` URL
    (formulas drawn as SVG, issue 7). Raises ValueError for anything else: a build never
    reads the network or any other file."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        header, _, payload = url[len("data:"):].partition(",")
        try:
            data = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode("utf-8")
        except binascii.Error as exc:
            raise ValueError("a malformed data: URL") from exc
        return data, header.split(";")[0] or "text/plain"
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"bookwright does not fetch '{url}' during a build")
    book_path = urlsplit(BOOK_URL).path
    if parts.path.startswith(book_path):
        path = roots[0] / url2pathname(unquote(parts.path[len(book_path):]))
    else:
        path = Path(url2pathname(unquote(parts.path)))
    if not is_inside(path, *roots) or not path.is_file():
        raise ValueError(f"'{path}' is outside the book folder and the theme, or missing")
    data = prepared.get(path.resolve())
    return (data if data is not None else path.read_bytes()), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


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


def book_base_url(book: ResolvedBook) -> str:
    """Relative addresses in the document (images) are the book folder's, wherever it is."""
    return BOOK_URL


def stylesheet_base_url() -> str:
    """Relative addresses in the stylesheet (fonts) are the theme's."""
    return (theme_dir() / "print.css").as_uri()


def pdf_identifier(book: ResolvedBook) -> bytes:
    """The PDF's /ID, from the book's identifier: the same book gives the same bytes."""
    return hashlib.sha256(book.metadata.identifier.encode("utf-8")).hexdigest()[:32].encode()


@contextmanager
def reporting_to(diags: Diagnostics, book: ResolvedBook) -> Iterator[WeasyPrintMessages]:
    """WeasyPrint's warnings during the block, in this process, become the author's warnings
    (a print cover's layout; the units' come back from their workers as text)."""
    handler = WeasyPrintMessages(diags, book)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
