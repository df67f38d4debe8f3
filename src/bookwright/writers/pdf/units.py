"""One unit of a PDF edition laid out by WeasyPrint, in whichever process runs it.

A unit is the front block (half-title to the lists), a part page or a chapter
(`PdfDocument.sections`), or a unit's folios (folios.py). Every unit opens a page, so it
lays out alone as it does in the whole book once the page numbers it prints are filled in
(page_map.py). So that its last pages break as they do in the book, a unit is laid out
followed by the opening of the unit after it (an empty element of the same kind, which
breaks to a recto as the next chapter does): a footnote carried past the unit's last
line then lands on the page it lands on in the book, and the blank verso before the next
unit, if there is one, is the unit's last page. The page that opening falls on is not
the unit's.

`lay_out` is the whole job, in a worker of the build's pool or in the build's own process
(`--jobs 1`); the same task gives the same bytes in either. What it returns is plain data
(it crosses processes and is kept in the layout cache): the unit's PDF, when asked for it,
and what the rest of the build needs to know of its pages: the anchors on each (the page
map, the EPUB's page list), their sides and page names (the folios), bookmarks (the
outline), footnotes lost and pictures too coarse for print, WeasyPrint's warnings, and
the addresses it read.

A worker keeps, for each stylesheet it has laid out with, the compiled stylesheet with
its fonts: what a fresh process would build from the same text, so keeping it changes no
byte. Every address a task reads is noted, the stylesheet's fonts included, so that the
layout cache can check those files later; pictures are therefore decoded per task.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import cssselect2
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bookwright.model import ResolvedBook
from bookwright.paths import theme_dir
from bookwright.writers.pdf import lost_notes, resumed_layout, unit_rounds
from bookwright.writers.pdf.engine import served
from bookwright.writers.pdf.fonts import BookFonts
from bookwright.writers.pdf.font_union import describe_fonts, keep_original
from bookwright.writers.pdf.image_resolution import low_resolution_images
from bookwright.writers.pdf.unit_finish import finish_unit
from bookwright.writers.pdf.unit_tasks import NEXT_UNIT, PageFacts, UnitLaidOut, UnitTask, WorkerSetup

SCALE = 0.75  # PDF points per CSS pixel, as WeasyPrint writes pages
KEPT_STYLESHEETS = 6  # a build uses a few (screen, each print gutter, folios); more would only hold memory


class BookFetcher(URLFetcher):
    """Serves WeasyPrint only what the build may read (engine.served); never the network."""

    def __init__(self, roots, prepared: dict[Path, bytes] | None = None):
        super().__init__(allowed_protocols={"file"})
        self.roots = tuple(roots)
        self.prepared = prepared or {}

    def fetch(self, url, headers=None):
        data, media_type = served(url, self.roots, self.prepared)
        return URLFetcherResponse(url, data, {"Content-Type": media_type})


def book_fetcher(book: ResolvedBook) -> BookFetcher:
    return BookFetcher((book.root, theme_dir()), book.assets)


class _RecordingFetcher(BookFetcher):
    """The book's fetcher, noting each address it serves (the cache checks them later)."""

    def __init__(self, roots, prepared):
        super().__init__(roots, prepared)
        self.fetched: list[str] = []

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            self.fetched.append(url)  # even when it fails: the file may appear later
        return super().fetch(url, headers)


class _Messages(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


_worker: dict = {}


def current_setup() -> WorkerSetup | None:
    return _worker.get("setup")


def start_worker(setup: WorkerSetup) -> None:
    """A process's state for laying out one book's tasks (unit_tasks.start)."""
    _worker.clear()
    _worker.update(setup=setup, fetcher=_RecordingFetcher(setup.roots, setup.prepared), sheets=OrderedDict())


def _stylesheet(css: str) -> tuple[CSS, BookFonts, list[str]]:
    """The compiled stylesheet, its fonts and the addresses compiling it read."""
    sheets = _worker["sheets"]
    key = hashlib.sha256(css.encode("utf-8")).hexdigest()
    if key in sheets:
        sheets.move_to_end(key)
        return sheets[key]
    fetcher: _RecordingFetcher = _worker["fetcher"]
    fetcher.fetched = []
    fonts = BookFonts(_worker["setup"].faces)  # one per stylesheet: a document keeps the fonts its stylesheet declared
    sheet = CSS(string=css, base_url=_worker["setup"].stylesheet_url, url_fetcher=fetcher, font_config=fonts)
    sheets[key] = (sheet, fonts, list(fetcher.fetched))
    while len(sheets) > KEPT_STYLESHEETS:
        sheets.popitem(last=False)
    return sheets[key]


def lay_out(task: UnitTask) -> UnitLaidOut:
    """Lays one task out (in a process `start_worker` prepared)."""
    with _cycles_collected_at_end():
        return _lay_out(task)


_collector = {"lock": threading.Lock(), "tasks": 0, "was_on": True}


@contextmanager
def _cycles_collected_at_end():
    """Python's cycle collector, left to run as often as it likes, walks the boxes of every
    layout a task holds (the last one is kept to resume from) again and again: a sixth to a
    fifth of a task's time. It is off while tasks run, and the cycles they leave are collected
    once when the last ends, among the objects made since (the youngest generation: nothing
    was collected meanwhile). The price is a task's peak memory: a unit's cycles wait for its
    end (a 174-page book in one chapter, laid out in one process: 588 MB instead of 496)."""
    with _collector["lock"]:
        if not _collector["tasks"]:
            _collector["was_on"] = gc.isenabled()
            gc.disable()
        _collector["tasks"] += 1
    try:
        yield
    finally:
        with _collector["lock"]:
            _collector["tasks"] -= 1
            if not _collector["tasks"]:
                gc.collect(0)
                if _collector["was_on"]:
                    gc.enable()


def _lay_out(task: UnitTask) -> UnitLaidOut:
    fetcher: _RecordingFetcher = _worker["fetcher"]
    messages = _Messages()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(messages)
    try:
        sheet, font_config, read_by_sheet = _stylesheet(task.css)
        fetcher.fetched = list(read_by_sheet)
        source = HTML(string=task.html, base_url=_worker["setup"].base_url, url_fetcher=fetcher)
        tree = unit_rounds.UnitTree(source.etree_element)

        if task.adjustments:
            tree.replay(json.loads(task.adjustments))  # what the rounds changed when the unit was laid out before
        rounds = task.kind == "unit" and unit_rounds.MAX_ROUNDS > 0
        layout = _laid_out_in_rounds(source, tree, sheet, font_config, rounds)
        document = layout.document
        pages = _own_pages(document.pages)
        if len(pages) != len(document.pages):
            document = document.copy(pages)
        facts = [_page_facts(page, task.kind == "folios") for page in pages]
        lost = low = []
        if task.kind == "unit":
            lost = [list(where) for where in lost_notes.lost_notes(document)]
            low = [[chapter, src, ppi, inches] for (chapter, src), (ppi, inches) in low_resolution_images(document).items()]
        data = None
        fonts: list[dict] = []
        originals: dict[str, bytes] = {}
        if task.write:

            def finish(doc, pdf):
                fonts.extend(describe_fonts(doc))
                finish_unit(pdf, task.label, task.tagged, task.identifier)

            data = document.write_pdf(pdf_identifier=task.identifier or False, pdf_variant=task.variant,
                                      finisher=finish)
            for font in fonts:
                original = font.pop("data")
                if original is not None and not keep_original(_worker["setup"].fonts, font["original"], original):
                    originals[font["original"]] = original
    finally:
        logger.removeHandler(messages)
    return UnitLaidOut(facts, data, messages.messages, lost, low, sorted(set(fetcher.fetched)), fonts, originals,
                       json.dumps(tree.changes) if tree.changes else "")


def _laid_out_in_rounds(source, tree: unit_rounds.UnitTree, sheet, font_config, rounds: bool):
    """The unit laid out, and laid out again from where `unit_rounds.adjust` changed its tree
    for a flaw its pages show, until they show none or the rounds run out (`rounds` False: once).

    A layout is read back as it goes, page by page: a flaw on a page with enough pages after it
    to be sure of ends that layout there (the pages after would change), and the next starts
    again from the page the change reaches. Only what can be judged on a whole unit (its share
    of hyphens, its last page) waits for a layout that reached its end; those rounds are at
    most MAX_ROUNDS, and the layouts cut short at most MAX_ROUNDS more than the pages laid out."""
    read: dict[tuple, unit_rounds.PageRead] = {}  # the pages last read, by (page box, number): kept pages are read once

    def adjust(page_boxes: list, complete: bool) -> int | None:
        nonlocal read
        own = [index for index, box in enumerate(page_boxes) if not box.page_type.blank]
        read = {(page_boxes[index], number): read.get((page_boxes[index], number))
                or unit_rounds.read_page(number, page_boxes[index]) for number, index in enumerate(own)}
        again = unit_rounds.adjust(list(read.values()), tree, complete)
        return None if again is None else own[min(again, len(own) - 1)] if own else 0

    def cut_short(page_boxes: list) -> int | None:
        return adjust(page_boxes, complete=False)

    def render(resume=None, at: int = 0, cut=None) -> resumed_layout.Layout:
        if tree.changes:  # WeasyPrint matches selectors on a wrapper it built when it parsed the tree
            source.wrapper_element = cssselect2.ElementWrapper.from_html_root(source.etree_element,
                                                                              content_language=None)
        return resumed_layout.lay_out(source, sheet, font_config, resume, at, cut)

    if not rounds:
        return render()
    whole_rounds, stops = unit_rounds.MAX_ROUNDS, 0
    layout = render(cut=cut_short)
    while True:
        if layout.restart is not None:  # cut short where the tree changed
            stops += 1
            allowed = stops < unit_rounds.MAX_ROUNDS + len(layout.document.pages)
            layout = render(layout, layout.restart, cut_short if allowed else None)
            continue
        if not whole_rounds:
            return layout
        whole_rounds -= 1
        again = adjust([page._page_box for page in _own_pages(layout.document.pages)], complete=True)
        if again is None:
            return layout
        layout = render(layout, again, cut_short)


def _own_pages(pages: list) -> list:
    """The pages before the one the next unit's opening falls on."""
    for index, page in enumerate(pages):
        if NEXT_UNIT in page.anchors:
            if index == 0 or not _opens_page(page):
                raise RuntimeError("the next unit does not open a page of its own (writers/pdf/units.py)")
            return pages[:index]
    return pages


def _opens_page(page) -> bool:
    """The next unit's opening is the first thing on the page (notes carried over aside)."""
    box = page._page_box.children[0]  # the root element's box; the footnote area is its sibling
    while getattr(box, "children", None):
        first = box.children[0]
        if first.element is not None and first.element.get("id") == NEXT_UNIT:
            return True
        if first.element_tag not in ("html", "body"):
            return False
        box = first
    return False


def _page_facts(page, with_margins: bool) -> PageFacts:
    page_type = page._page_box.page_type
    height = page.height * SCALE
    bookmarks = [[level, label, x * SCALE, height - y * SCALE, state]
                 for level, label, (x, y), state in page.bookmarks]
    return PageFacts(list(page.anchors), page_type.side, bool(page_type.blank), page_type.name or "", bookmarks,
                     sorted(margin_texts(page)) if with_margins else [])


def margin_texts(page) -> set[str]:
    """What a laid-out page's margin boxes print, box by box."""
    # WeasyPrint keeps no public record of it; the page box tree is where it is (WeasyPrint
    # is pinned, and the tests read the folios back from the PDF's text).
    texts = set()

    def collect(box, out):
        if getattr(box, "text", None):
            out.append(box.text)
        for child in getattr(box, "children", ()) or ():
            collect(child, out)

    for box in page._page_box.children:
        if getattr(box, "at_keyword", None):
            out: list[str] = []
            collect(box, out)
            text = "".join(out).strip()
            if text:
                texts.add(text)
    return texts
