"""Reading built editions back the way a reader meets them: the EPUB's package, nav and
documents; the PDF's pages split into running head, body and folio, its outline and fonts;
the web edition's pages. Tests open an EPUB only through `Epub`, so they all read it alike;
`support.apparatus` adds what the apparatus tests need from a PDF (links and the words around them).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lxml import etree

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Prefixes for XPath in EPUB documents: doc.xpath("//x:aside", namespaces=X).
X = {"x": XHTML[1:-1], "epub": EPUB_NS, "m": "http://www.w3.org/1998/Math/MathML"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def text_of(el) -> str:
    """An element's text as a reader sees it: every descendant's text, white space squashed."""
    return squash("".join(el.itertext()))


# --- EPUB ------------------------------------------------------------------------------------


class Epub:
    """An EPUB as a reading system opens it. Documents are named by their path in the zip
    (`EPUB/01-first.xhtml`); links inside them are resolved against that path."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.files = {name: z.read(name) for name in z.namelist()}
        container = etree.fromstring(self.files["META-INF/container.xml"])
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.base = posixpath.dirname(self.opf_path)
        self.opf = etree.fromstring(self.files[self.opf_path])

    def zip_path(self, href: str, relative_to: str | None = None) -> str:
        """The path inside the zip of an href written in a document at `relative_to`."""
        folder = posixpath.dirname(relative_to) if relative_to else self.base
        return posixpath.normpath(posixpath.join(folder, href))

    @cached_property
    def manifest(self) -> dict[str, etree._Element]:
        return {item.get("id"): item for item in self.opf.iter(f"{OPF}item")}

    def manifest_properties(self) -> dict[str, set[str]]:
        """Each manifest item's zip path → its properties (`svg`, `mathml`, `nav`, ...)."""
        return {self.zip_path(item.get("href")): set((item.get("properties") or "").split())
                for item in self.manifest.values()}

    @cached_property
    def spine(self) -> list[etree._Element]:
        """The spine's itemrefs, in reading order."""
        return list(self.opf.find(f"{OPF}spine"))

    def spine_paths(self) -> list[str]:
        return [self.zip_path(self.manifest[ref.get("idref")].get("href")) for ref in self.spine]

    @cached_property
    def documents(self) -> dict[str, etree._Element]:
        """Every XHTML document, parsed, by its path in the zip."""
        return {name: etree.fromstring(data) for name, data in self.files.items() if name.endswith(".xhtml")}

    def element_at(self, href: str, document: str | None = None) -> etree._Element | None:
        """The element whose id a link names: `href` as written in `document`, or without
        `document` a zip path#fragment (as `toc_tree` and `page_list` give them). None when
        the link names no id, or no such document or id exists."""
        path, _, fragment = (self.resolve_href(href, document) if document else href).partition("#")
        doc = self.documents.get(path)
        found = doc.xpath("//*[@id=$id]", id=fragment) if doc is not None and fragment else []
        return found[0] if found else None

    def item_with_property(self, prop: str) -> etree._Element:
        found = [i for i in self.manifest.values() if prop in (i.get("properties") or "").split()]
        assert len(found) == 1, f"{len(found)} manifest items with properties={prop}"
        return found[0]

    @cached_property
    def nav_path(self) -> str:
        return self.zip_path(self.item_with_property("nav").get("href"))

    def navs(self, kind: str) -> list[etree._Element]:
        return [n for n in self.documents[self.nav_path].iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == kind]

    def nav(self, kind: str) -> etree._Element:
        navs = self.navs(kind)
        assert len(navs) == 1, f"{len(navs)} <nav epub:type={kind}>"
        return navs[0]

    def toc_tree(self) -> list[tuple[str, str, list]]:
        """The nav document's contents as (label, zip path#fragment, children)."""

        def walk(ol):
            out = []
            for li in ol.findall(f"{XHTML}li"):
                a = li.find(f"{XHTML}a")
                child = li.find(f"{XHTML}ol")
                out.append((text_of(a), self.resolve_href(a.get("href"), self.nav_path),
                            walk(child) if child is not None else []))
            return out

        return walk(self.nav("toc").find(f"{XHTML}ol"))

    def page_list(self) -> list[tuple[str, str]]:
        """The print page list as (label, zip path#fragment); empty when the EPUB has none."""
        navs = self.navs("page-list")
        if not navs:
            return []
        return [(text_of(a), self.resolve_href(a.get("href"), self.nav_path)) for a in navs[0].iter(f"{XHTML}a")]

    def page_breaks(self) -> list[etree._Element]:
        """Every page-break marker in the documents."""
        return [el for doc in self.documents.values() for el in doc.iter(f"{XHTML}span")
                if el.get(EPUB_TYPE) == "pagebreak"]

    def resolve_href(self, href: str, document: str) -> str:
        path, _, fragment = href.partition("#")
        target = self.zip_path(path, document) if path else document
        return f"{target}#{fragment}" if fragment else target

    def dc(self, name: str) -> list[etree._Element]:
        """The package's Dublin Core elements `name` (title, creator, source, ...)."""
        return list(self.opf.find(f"{OPF}metadata").iter(f"{DC}{name}"))

    def metadata(self, name: str) -> list[str]:
        return [squash(el.text or "") for el in self.dc(name)]

    def meta(self, prop: str) -> list[str]:
        """The texts of the package's <meta property=`prop`> that refine nothing."""
        return [m.text for m in self.opf.iter(f"{OPF}meta") if m.get("property") == prop and not m.get("refines")]


# --- PDF -------------------------------------------------------------------------------------


@dataclass
class PdfPage:
    index: int  # 0-based; the first page is a right-hand page
    height: float
    width: float
    head: str  # text in the top margin: the running head
    foot: str  # text in the bottom margin: the folio
    body: str  # everything between, whitespace squashed, hyphenation joined
    lines: list[str] = field(default_factory=list)  # body lines, top to bottom

    @property
    def is_right(self) -> bool:
        return self.index % 2 == 0

    @property
    def blank(self) -> bool:
        return not (self.head or self.foot or self.body)


def pdf_page_texts(path: Path) -> list[str]:
    """Each page's whole text as pypdf extracts it (running head and folio included), spaces squashed."""
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(str(path)).pages]


def _join_hyphenation(text: str) -> str:
    # WeasyPrint breaks words with U+2010 at line ends; a reader sees one word.
    return re.sub(r"\u2010\s+", "", text)


class Pdf:
    # The theme's margins are 0.7in top and 0.75in bottom; running heads and folios sit in them.
    HEAD_BAND = 0.62 * 72
    FOOT_BAND = 0.62 * 72

    def __init__(self, path: Path):
        from pypdf import PdfReader

        self.path = path
        self.reader = PdfReader(str(path))
        self.pages = [self._page(i, p) for i, p in enumerate(self.reader.pages)]

    def _page(self, index: int, page) -> PdfPage:
        height = float(page.mediabox.height)
        width = float(page.mediabox.width)
        pieces: list[tuple[float, tuple, str]] = []

        def visit(text, cm, tm, font, size):
            if text:
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                pieces.append((height - y, tuple(round(v, 3) for v in cm), text))

        page.extract_text(visitor_text=visit)
        # The page's own text shares one transformation; text drawn inside a figure (an SVG's
        # labels) comes with its own, and pypdf cannot place it: it is body text, never a head.
        cms = [cm for _, cm, t in pieces if t.strip()]
        main = max(set(cms), key=cms.count) if cms else None

        def band(piece) -> str:
            y, cm, _ = piece
            if cm == main and y < self.HEAD_BAND:
                return "head"
            if cm == main and y > height - self.FOOT_BAND:
                return "foot"
            return "body"

        head = "".join(piece[2] for piece in pieces if band(piece) == "head")
        foot = "".join(piece[2] for piece in pieces if band(piece) == "foot")
        lines: list[str] = []
        current, line_y, line_cm, ended = "", None, None, True
        for piece in pieces:
            if band(piece) != "body":
                continue
            y, cm, text = piece
            # A new line when the baseline moves more than a superscript does (a note call
            # stays on its line), or the text said so.
            if ended or cm != line_cm or abs(y - line_y) > 5:
                lines.append(current)
                current, line_y, line_cm = "", y, cm
            current += text
            ended = text.endswith("\n")
        lines.append(current)
        lines = [squash(line) for line in lines if line.strip()]
        return PdfPage(index, height, width, squash(head), squash(foot),
                       squash(_join_hyphenation("\n".join(lines))), lines)

    def page_with_folio(self, folio: str) -> PdfPage:
        found = [p for p in self.pages if p.foot == folio]
        assert len(found) == 1, f"{len(found)} pages print the folio {folio!r}"
        return found[0]

    def outline(self) -> list[tuple[str, int, list]]:
        """Bookmarks as (title, 0-based page index, children)."""

        def walk(items):
            out = []
            for item in items:
                if isinstance(item, list):
                    title, page, _ = out[-1]
                    out[-1] = (title, page, walk(item))
                else:
                    out.append((squash(item.title), self.reader.get_destination_page_number(item), []))
            return out

        return walk(self.reader.outline)

    def fonts(self) -> dict[str, bool]:
        """Every font the pages use: base name → whether its program is embedded."""
        fonts: dict[str, bool] = {}

        def collect(resources):
            if not resources:
                return
            resources = resources.get_object()
            for ref in (resources.get("/Font") or {}).values():
                font = ref.get_object()
                descendants = font.get("/DescendantFonts")
                described = descendants[0].get_object() if descendants else font
                descriptor = described.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font.get("/BaseFont"))] = embedded
            for xobject in (resources.get("/XObject") or {}).values():
                collect(xobject.get_object().get("/Resources"))

        for page in self.reader.pages:
            collect(page.get("/Resources"))
        return fonts


TOC_LINE = re.compile(r"^(?P<label>.*?)\s*(?:\.\s?){3,}\s*(?P<folio>[ivxlcdm]+|\d+)$")


def pdf_contents(pdf: Pdf, part_titles: list[str], contents_title: str = "Contents") -> list[tuple[str, str | None]]:
    """The printed contents as (label, folio) in order; a part prints no folio (None).

    The contents run from the page titled `contents_title` to the page before the next
    bookmark. A line that is neither a part title nor ends in a folio is the first line
    of a label that wraps, and is joined to the next."""
    outline = pdf.outline()
    start = next(page for title, page, _ in outline if title == contents_title)
    end = min((page for _, page, _ in outline if page > start), default=len(pdf.pages))
    entries: list[tuple[str, str | None]] = []
    pending = ""
    for page in pdf.pages[start:end]:
        for line in page.lines:
            if line == contents_title and not entries and not pending:
                continue
            if line in part_titles and not pending:
                entries.append((line, None))
                continue
            match = TOC_LINE.match(_join_hyphenation(f"{pending} {line}".strip()))
            if match:
                entries.append((squash(match.group("label")), match.group("folio")))
                pending = ""
            else:
                pending = f"{pending} {line}".strip()
    if pending:
        entries.append((pending, None))  # a line that never found its folio: the test shows it
    return entries


# --- web -------------------------------------------------------------------------------------


def web_pages(site: Path) -> dict:
    """The web edition's pages by file name, parsed as HTML."""
    from lxml import html

    return {p.name: html.fromstring(p.read_bytes()) for p in site.glob("*.html")}


def web_target(pages: dict, href: str, current: str):
    """The element a web link on page `current` points at, or None."""
    file, _, fragment = href.partition("#")
    page = pages.get(file or current)
    if page is None:
        return None
    found = page.xpath("//*[@id=$id]", id=fragment) if fragment else [page]
    return found[0] if found else None
