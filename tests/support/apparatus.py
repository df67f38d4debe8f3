"""Reading the scholarly apparatus back out of a built PDF: its internal links with the text
under and before them, the folio of a page, page text as words; and the scholarly fixture
books' shared builds opened for reading (`built_book`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from support import diagnostics_text
from support.readback import Epub


def normalise(text: str) -> str:
    """Page text as words: ligatures undone, words hyphenated at line ends joined."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[-\u2010\u00ad]\s*\n\s*", "", text)
    return " ".join(text.split())


@dataclass
class PdfLink:
    page: int  # page index of the link
    rect: tuple[float, float, float, float]  # x0, top, x1, bottom in pdfplumber's coordinates
    destination: str  # named destination
    target_page: int | None


class PdfReading:
    """A PDF's pages, texts and internal links."""

    def __init__(self, path: Path):
        import pdfplumber
        from pypdf import PdfReader

        self.path = path
        reader = PdfReader(str(path))
        page_ids = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
        self.destinations = {
            name: page_ids.get(dest.page.idnum) if hasattr(dest.page, "idnum") else None
            for name, dest in reader.named_destinations.items()
        }
        self.texts = [page.extract_text() or "" for page in reader.pages]
        self.links: list[PdfLink] = []
        heights = [float(page.mediabox.height) for page in reader.pages]
        for number, page in enumerate(reader.pages):
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                dest = annotation.get("/Dest")
                if annotation.get("/Subtype") != "/Link" or dest is None:
                    continue
                xa, ya, xb, yb = (float(v) for v in annotation["/Rect"])
                x0, x1, y0, y1 = min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)
                h = heights[number]
                self.links.append(PdfLink(number, (x0, h - y1, x1, h - y0), str(dest), self.destinations.get(str(dest))))
        self._plumber = pdfplumber.open(str(path))

    def close(self) -> None:
        self._plumber.close()

    def text_in(self, page: int, rect: tuple[float, float, float, float]) -> str:
        x0, top, x1, bottom = rect
        cropped = self._plumber.pages[page].within_bbox((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5))
        return " ".join((cropped.extract_text() or "").split())

    def line_before(self, page: int, rect: tuple[float, float, float, float]) -> str:
        """The text on the link's line, from the column's left edge up to the link."""
        x0, top, x1, bottom = rect
        p = self._plumber.pages[page]
        column_left = 0 if x0 < p.width / 2 else p.width / 2
        chars = [c for c in p.chars if column_left <= c["x0"] and c["x1"] <= x0 + 0.5
                 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        return " ".join("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])).split())

    def words(self, page: int) -> list[dict]:
        return self._plumber.pages[page].extract_words()

    def curves(self, page: int) -> int:
        p = self._plumber.pages[page]
        return len(p.curves) + len(p.lines) + len(p.rects)

    def folio(self, page: int) -> str:
        """The page number printed at the foot of a page: its lowest word."""
        words = self.words(page)
        return max(words, key=lambda w: w["bottom"])["text"] if words else ""

    def pages_with(self, text: str) -> list[int]:
        return [n for n, t in enumerate(self.texts) if text in normalise(t)]


def built_book(name: str, shared_builds):
    """A fixture book's session build (EPUB and PDF), as (outputs by format, the EPUB opened,
    the PDF opened for reading); for module-scoped fixtures, which close the PDF."""
    result = shared_builds(name)
    assert not result.diagnostics.errors, diagnostics_text(result)
    outputs = {o.format: o.path for o in result.outputs}
    reading = PdfReading(outputs["pdf"])
    yield outputs, Epub(outputs["epub"]), reading
    reading.close()
