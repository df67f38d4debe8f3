"""Reading the scholarly apparatus back out of built editions: PDF links and folios, EPUB
documents and manifest properties."""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from support import BOOKS

OPF_NS = {"opf": "http://www.idpf.org/2007/opf"}
X = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
     "m": "http://www.w3.org/1998/Math/MathML"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def fixture_copy(name: str, target: Path, toml_extra: str = "") -> Path:
    """A writable copy of tests/books/<name>, with lines appended to its book.toml."""
    destination = target / name
    shutil.copytree(BOOKS / name, destination)
    if toml_extra:
        toml = destination / "book.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + "\n" + toml_extra + "\n", encoding="utf-8")
    return destination


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


def epub_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def epub_docs(path: Path) -> dict[str, etree._Element]:
    """Content documents by file name (without the EPUB folder), parsed."""
    return {Path(name).name: etree.fromstring(data) for name, data in epub_zip(path).items() if name.endswith(".xhtml")}


def manifest_properties(path: Path) -> dict[str, set[str]]:
    files = epub_zip(path)
    opf_name = next(n for n in files if n.endswith(".opf"))
    opf = etree.fromstring(files[opf_name])
    return {Path(item.get("href")).name: set((item.get("properties") or "").split())
            for item in opf.iterfind(".//opf:manifest/opf:item", OPF_NS)}


def element_by_id(docs: dict[str, etree._Element], href: str, current: str) -> etree._Element | None:
    """The element an EPUB link points at: `file.xhtml#id` or `#id` in the current file."""
    file, _, fragment = href.partition("#")
    doc = docs.get(Path(file).name if file else current)
    if doc is None:
        return None
    found = doc.xpath("//*[@id=$id]", id=fragment)
    return found[0] if found else None


def text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def web_pages(site: Path) -> dict:
    """The web edition's pages by file name, parsed as HTML."""
    from lxml import html

    return {p.name: html.fromstring(p.read_bytes()) for p in site.glob("*.html")}


def web_target(pages: dict, href: str, current: str):
    """The element a web link points at, or None."""
    file, _, fragment = href.partition("#")
    page = pages.get(file or current)
    if page is None:
        return None
    found = page.xpath("//*[@id=$id]", id=fragment) if fragment else [page]
    return found[0] if found else None


def built_book(name: str, tmp_path_factory):
    """Builds a fixture book in every default edition and yields (outputs by format, the
    EPUB's documents, the PDF opened for reading); for module-scoped fixtures."""
    from support import build_book, diagnostics_text

    result = build_book(name, tmp_path_factory.mktemp(name))
    assert not result.diagnostics.errors, diagnostics_text(result)
    outputs = {o.format: o.path for o in result.outputs}
    reading = PdfReading(outputs["pdf"])
    yield outputs, epub_docs(outputs["epub"]), reading
    reading.close()
