"""The print edition's page numbers inside the EPUB: where each PDF page begins.

The PDF writer hands every chapter body (and its generated pages) to a `LayoutProbe`
before layout. The probe gives each block an id (or uses the id it has), and once the
book is laid out it reads which of those anchors each page holds:

- a page's first block that *starts* on it marks the page's beginning (a block split
  over two pages has its anchor on both; the first page it appears on is its start);
- a page on which no block starts, but one continues (a long paragraph or listing), is
  marked at the end of that block;
- a blank page takes the end of the document the page before it belongs to.

So page markers are placed to the block: a page that begins in the middle of a
paragraph is marked before the first paragraph, heading or list item that begins on it.
The anchors the probe made (`created`) are no named destinations in the PDF.

Folios are the page numbers the PDF prints, in the style it prints them, given by its
layout: blank pages, part openings and chapter openings without a printed folio get the
number the printed book implies.

The EPUB side (`PageMarkers`) walks the same blocks of the same chapter bodies and puts a
`<span epub:type="pagebreak" role="doc-pagebreak">` at each page's place, and builds the
navigation document's `page-list`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from bookwright.writers.common import EPUB_NS, XHTML_NS

BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "pre", "figure", "table", "tr", "hr")
# Blocks a marker goes inside (phrasing content is allowed there), at the start or the end.
INSIDE = {"p", "li", "dt", "dd", "pre"}
PROBE_PREFIX = "bw-page-"


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def page_blocks(root, skip: Callable[[object], bool] = lambda el: False) -> list:
    """The blocks of a chapter body in reading order: the units a page can start with."""
    out = []
    for el in root.iter():
        if local(el.tag) in BLOCK_TAGS and not skip(el):
            out.append(el)
    return out


def signature(el) -> str:
    text = " ".join("".join(el.itertext()).split())
    return f"{local(el.tag)} {text[:40]}"


@dataclass(frozen=True)
class Position:
    owner: str  # the chapter or generated page the position is in ("title", "toc", a chapter key)
    index: int | None  # the block, or None for the whole document
    where: str  # "before" the block, at its "end", or the document's "start" / "end"
    signature: str = ""  # the block's tag and first words, to find it again if numbering drifts


@dataclass
class PageStart:
    number: int  # 1-based page of the PDF
    label: str  # the folio: "vii", "42"
    position: Position | None  # None: the page has no content of its own (placed with the next)


@dataclass
class PageLayout:
    """Where every page of one PDF begins, in terms both editions share."""

    source: str  # the PDF's format name: "print-kdp", "pdf"
    pages: list[PageStart] = field(default_factory=list)
    next_folio: Callable[[int], str] | None = None  # the folio of page N past the last laid out

    def pad_to(self, count: int) -> None:
        """Blank pages a print profile adds after layout (to an even count, a signature)."""
        while len(self.pages) < count and self.next_folio is not None:
            number = len(self.pages) + 1
            self.pages.append(PageStart(number, self.next_folio(number), None))


class LayoutProbe:
    """Handed to the PDF writer: marks blocks before layout, reads pages after it."""

    def __init__(self, source: str):
        self.source = source
        self.anchors: dict[str, tuple[int, Position]] = {}  # anchor name → (reading order, position)
        self.created: set[str] = set()
        self.layout: PageLayout | None = None

    def _record(self, name: str, position: Position) -> None:
        if name not in self.anchors:
            self.anchors[name] = (len(self.anchors), position)

    def _id_for(self, el, owner: str, index: int) -> str:
        if not el.get("id"):
            el.set("id", f"{PROBE_PREFIX}{re.sub(r'[^A-Za-z0-9_-]', '-', owner)}-{index}")
            return el.get("id")
        return el.get("id")

    def mark_blocks(self, owner: str, body, anchor: Callable[[str], str]) -> None:
        """A chapter body, before its ids are namespaced by `anchor`."""
        for index, el in enumerate(page_blocks(body)):
            created = not el.get("id")
            element_id = self._id_for(el, owner, index)
            name = anchor(element_id)
            if created:
                self.created.add(name)
            self._record(name, Position(owner, index, "before", signature(el)))

    def mark_page(self, owner: str, element) -> None:
        """A generated page (title, copyright, contents, part opening): one anchor at its start."""
        created = not element.get("id")
        element_id = self._id_for(element, owner, 0)
        if created:
            self.created.add(element_id)
        self._record(element_id, Position(owner, None, "start"))

    def observe(self, pages: list[list[str]], folios: list[str], next_folio: Callable[[int], str]) -> None:
        """Reads a layout: the anchor names on each page, in page order, and each page's
        folio; `next_folio(n)` numbers page n past the last."""
        seen: set[Position] = set()  # blocks that began on an earlier page
        starts: list[PageStart] = []
        previous: Position | None = None
        for number, names in enumerate(pages, 1):
            present = sorted((self.anchors[n] for n in names if n in self.anchors), key=lambda item: item[0])
            fresh = [item for item in present if item[1] not in seen]
            for name in names:
                if name in self.anchors:
                    seen.add(self.anchors[name][1])
            if fresh:
                position = fresh[0][1]
            elif present:
                last = present[-1][1]
                position = Position(last.owner, last.index, "end", last.signature)
            elif previous is not None:
                position = Position(previous.owner, None, "end")
            else:
                position = None
            starts.append(PageStart(number, folios[number - 1], position))
            if position is not None:
                previous = position
        self.layout = PageLayout(self.source, starts, next_folio)


# --- the EPUB side -----------------------------------------------------------------------------


def _is_note(el) -> bool:
    return any(local(a.tag) == "aside" and "note" in (a.get("class") or "").split() for a in el.iterancestors())


class PageMarkers:
    """Puts one layout's page markers into the EPUB's documents and lists them in the nav."""

    def __init__(self, layout: PageLayout, owners: dict[str, str]):
        # owners: document owner ("title", "toc", chapter and part keys) → EPUB file name
        self.layout = layout
        self.owners = owners
        self.placed: list[tuple[int, str, str, str]] = []  # (page, label, file, id) in page order
        self.ids: dict[int, str] = {}
        used: set[str] = set()
        for page in layout.pages:
            base = "page-" + re.sub(r"[^A-Za-z0-9_.-]", "-", page.label)
            element_id, n = base, 1
            while element_id in used:
                n += 1
                element_id = f"{base}-{n}"
            used.add(element_id)
            self.ids[page.number] = element_id
        self.where = self._assign()
        for owner, entries in self.where.items():
            for _, pages in entries:
                self.placed.extend((page.number, page.label, owners[owner], self.ids[page.number]) for page in pages)
        self.placed.sort()

    def _assign(self) -> dict[str, list[tuple[Position, list[PageStart]]]]:
        """Each page's position, grouped per document; a page whose position lies in no
        EPUB document (the half-title, a blank page before the title page) goes with the next."""
        groups: dict[str, list[tuple[Position, list[PageStart]]]] = {}
        waiting: list[PageStart] = []
        for page in self.layout.pages:
            position = page.position
            if position is None or position.owner not in self.owners:
                waiting.append(page)
                continue
            pages = waiting + [page]
            waiting = []
            entries = groups.setdefault(position.owner, [])
            if entries and entries[-1][0] == position:
                entries[-1][1].extend(pages)
            else:
                entries.append((position, pages))
        if waiting and groups:
            # Pages after the last content (blank end pages) close the last document.
            last_owner = list(groups)[-1]
            groups[last_owner].append((Position(last_owner, None, "end"), waiting))
        return groups

    @property
    def page_count(self) -> int:
        return len(self.layout.pages)

    def apply(self, owner: str, root) -> None:
        """Inserts the markers of `owner`'s pages into its XHTML tree (`root` is <html>)."""
        entries = self.where.get(owner)
        if not entries:
            return
        body = root.find(f"{{{XHTML_NS}}}body")
        blocks = page_blocks(body, skip=_is_note)
        signatures = [signature(b) for b in blocks]
        cursor = 0
        for position, pages in entries:
            spans = [self._span(page) for page in pages]
            if position.index is None:
                self._place_in_document(body, position.where, spans)
                continue
            index = self._find(position, signatures, cursor)
            if index is None:
                self._place_in_document(body, "end", spans)
                continue
            cursor = index
            self._place_at_block(blocks[index], position.where, spans)

    @staticmethod
    def _find(position: Position, signatures: list[str], cursor: int) -> int | None:
        index = position.index
        if index < len(signatures) and signatures[index] == position.signature:
            return index
        # The editions numbered blocks differently (a writer added or dropped one): find the
        # same block by its first words, from the last one placed on.
        for candidate in range(cursor, len(signatures)):
            if signatures[candidate] == position.signature:
                return candidate
        return min(index, len(signatures) - 1) if signatures else None

    def _span(self, page: PageStart):
        span = etree.Element(f"{{{XHTML_NS}}}span")
        span.set(f"{{{EPUB_NS}}}type", "pagebreak")
        span.set("role", "doc-pagebreak")
        span.set("id", self.ids[page.number])
        span.set("aria-label", page.label)
        return span

    @staticmethod
    def _place_in_document(body, where: str, spans: list) -> None:
        first = next((el for el in body if isinstance(el.tag, str)), None)
        last = next((el for el in reversed(body) if isinstance(el.tag, str)), None)
        if where == "start":
            if first is not None and local(first.tag) == "section":
                _insert_at_start(first, spans)
            else:
                index = body.index(first) if first is not None else 0
                for offset, span in enumerate(spans):
                    body.insert(index + offset, span)
        else:
            target = last if last is not None and local(last.tag) == "section" else body
            for span in spans:
                target.append(span)

    @staticmethod
    def _place_at_block(block, where: str, spans: list) -> None:
        tag = local(block.tag)
        if tag == "tr":
            cells = [c for c in block if local(c.tag) in ("td", "th")]
            if cells:
                block, tag = (cells[0], "td") if where == "before" else (cells[-1], "td")
        if tag in INSIDE or tag in ("td", "th"):
            if where == "before":
                _insert_at_start(block, spans)
            else:
                for span in spans:
                    block.append(span)
            return
        parent = block.getparent()
        index = parent.index(block)
        if where == "before":
            for offset, span in enumerate(spans):
                parent.insert(index + offset, span)
        else:
            spans[-1].tail, block.tail = block.tail, None
            for offset, span in enumerate(spans, 1):
                parent.insert(index + offset, span)

    def nav_element(self, label: str):
        """The `page-list` nav for the navigation document."""
        nav = etree.Element(f"{{{XHTML_NS}}}nav")
        nav.set(f"{{{EPUB_NS}}}type", "page-list")
        nav.set("role", "doc-pagelist")
        nav.set("hidden", "hidden")
        nav.set("aria-label", label)
        ol = etree.SubElement(nav, f"{{{XHTML_NS}}}ol")
        for _, page_label, file_name, element_id in self.placed:
            li = etree.SubElement(ol, f"{{{XHTML_NS}}}li")
            a = etree.SubElement(li, f"{{{XHTML_NS}}}a")
            a.set("href", f"{file_name}#{element_id}")
            a.text = page_label
        return nav


def _insert_at_start(parent, spans: list) -> None:
    spans[-1].tail, parent.text = parent.text, None
    for offset, span in enumerate(spans):
        parent.insert(offset, span)


# The editions a page list may follow, best first: the print edition's own pages, or else
# the screen PDF's (same trim and typography, without the print profile's gutter).
PAGE_SOURCES = ("print-kdp", "print-ingram", "print-press", "pdf")
