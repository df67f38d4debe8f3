"""`--jobs N` for the print interiors: the book laid out unit by unit in N processes.

A unit is the front block (half-title to the lists), a part page or a chapter. Every unit
after the front block opens on a right-hand page (`break-before: recto` in print.css; a
left-to-right book's rectos, the only books laid out this way, are its right-hand pages), so
each can be laid out alone once three things from the rest of the book are known: the
folio of its first page, whether a blank left-hand page precedes it, and the page numbers
it prints (contents, lists, page references, index). Those come from a page map built from
the units' own layouts, and the units are laid out again until the map no longer changes;
a unit whose markup and start did not change is not laid out again. The pages are then
joined with pikepdf.

The blank page is WeasyPrint's own: the unit is laid out behind an empty first page, so its
opening forces the same blank left page the one-pass layout makes, and the empty page is
dropped. Page numbers printed as text replace `target-counter` with `attr(data-folio)`, the
number the counter would have printed, formatted the same way.

Only the print interiors take this path: the screen edition is a tagged PDF (PDF/UA-1),
and joining tagged files would need their structure trees merged, which this does not do;
print interiors carry no tags, outline or links (pdf_postprocess.finish_print_pdf).
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from lxml import html as lxml_html
from weasyprint import CSS, HTML

from bookwright.diagnostics import Diagnostics
from bookwright.paths import theme_dir
from bookwright.writers.common import roman
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.engine import BookFetcher, WeasyPrintMessages, book_base_url, stylesheet_base_url
from bookwright.writers.pdf.fonts import BookFonts
from bookwright.writers.pdf.image_resolution import low_resolution_images
from bookwright.writers.pdf.lost_notes import lost_notes
from bookwright.writers.theme import font_aliases

PAGE_NUMBER = re.compile(r"target-counter\(attr\(href url\), page(?:, lower-roman)?\)")
FRONT_CLASSES = {"front", "front-target"}  # print.css prints these targets' numbers in roman
PLACEHOLDER = "00"
LEAD = '<div class="bw-lead"></div>'
MAX_ROUNDS = 8


@dataclass
class BookLaidOut:
    pdf: bytes  # the units' pages joined
    pages: int
    low: dict  # pictures below print resolution (image_resolution.low_resolution_images)
    lost: list[tuple[str, str]]  # footnotes called but not set (lost_notes.py)


@dataclass
class UnitLaidOut:
    pdf: bytes | None
    anchors: list[list[str]]  # per page of the unit (after the dropped lead page)
    low: dict
    messages: list[str]
    lost: list[tuple[str, str]]  # footnotes called but not set (lost_notes.py)


# --- the worker ----------------------------------------------------------------------

_WORKER: dict = {}


def _start_worker(roots: list[Path], prepared: dict, base_url: str, css_url: str, faces: dict[str, str]) -> None:
    _WORKER.update(fetcher=BookFetcher(roots, prepared), base_url=base_url, css_url=css_url, faces=faces)


class _CollectedMessages(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        # A link to another unit has no anchor in this one; print interiors drop links anyway.
        if not message.startswith("No anchor #"):
            self.messages.append(message)


def _lay_out(task: tuple[str, str, bool, bool]) -> UnitLaidOut:
    document, css, lead, write, identifier, variant = task
    collect = _CollectedMessages()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        fetcher = _WORKER["fetcher"]
        fonts = BookFonts(_WORKER["faces"])
        sheet = CSS(string=css, base_url=_WORKER["css_url"], url_fetcher=fetcher, font_config=fonts)
        laid = HTML(string=document, base_url=_WORKER["base_url"], url_fetcher=fetcher).render(
            stylesheets=[sheet], font_config=fonts)
        pages = laid.pages[1:] if lead else laid.pages
        anchors = [list(page.anchors) for page in pages]
        low = low_resolution_images(laid) if write else {}
        lost = lost_notes(laid) if write else []
        data = laid.copy(pages).write_pdf(pdf_identifier=identifier, pdf_variant=variant) if write else None
    finally:
        logger.removeHandler(collect)
    return UnitLaidOut(data, anchors, low, collect.messages, lost)


# --- the page map --------------------------------------------------------------------

@dataclass
class PageMap:
    starts: list[int]  # global index of each unit's first page (its blank page, if it has one)
    leads: list[bool]  # a blank left page opens the unit
    total: int
    body_start: int  # global index where arabic folios restart at 1
    anchors: dict[str, int]  # id → global page index

    def counter(self, page: int) -> int:
        return page + 1 if page < self.body_start else page - self.body_start + 1


def page_map(counts: list[int], anchors: list[list[list[str]]], body_unit: int | None) -> PageMap:
    starts, leads, found = [], [], {}
    total = 0
    for k, count in enumerate(counts):
        lead = k > 0 and total % 2 == 1  # the unit opens on a right-hand page: an even index
        starts.append(total)
        leads.append(lead)
        first = total + (1 if lead else 0)
        for i, names in enumerate(anchors[k]):
            for name in names:
                found.setdefault(name, first + i)
        total = first + count
    body = starts[body_unit] + (1 if leads[body_unit] else 0) if body_unit is not None else total
    return PageMap(starts, leads, total, body, found)


# --- the book ------------------------------------------------------------------------

def numbered(markup: str, pages: PageMap | None) -> str:
    """`markup` with each in-book link carrying the page number its target-counter would print."""
    if 'href="#' not in markup:
        return markup
    wrapper = lxml_html.fragment_fromstring(markup, create_parent="div")
    for link in wrapper.iter("a"):
        href = link.get("href") or ""
        if not href.startswith("#"):
            continue
        page = pages.anchors.get(href[1:]) if pages is not None else None
        if page is None:
            link.set("data-folio", PLACEHOLDER)
            continue
        value = pages.counter(page)
        in_roman = bool(FRONT_CLASSES & set((link.get("class") or "").split()))
        link.set("data-folio", roman(value) if in_roman else str(value))
    return (wrapper.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def lay_out_book(document: PdfDocument, base_css: str, jobs: int, identifier: bytes, variant: str | None,
                 diags: Diagnostics, page_css=lambda total: "") -> BookLaidOut:
    """Lays the book out in `jobs` processes and joins the pages. `page_css(total)` is the
    CSS for a book of `total` pages (None: not known yet), for a gutter that grows with the
    book; no PDF is written until it and the page numbers stand still."""
    book = document.book
    common = PAGE_NUMBER.sub("attr(data-folio)", base_css)
    if common == base_css:
        raise RuntimeError("print.css prints no page numbers with target-counter; pdf/jobs.py needs updating")
    common += f"\nhtml {{ string-set: book-title {css_string(book.metadata.title)}; }}"  # set on the half-title only
    css = common + "\n" + page_css(None)
    part_keys = {part.key for part in book.parts}
    pages: PageMap | None = None
    rendered: list[tuple | None] = []
    results: list[UnitLaidOut] = []
    context = multiprocessing.get_context("spawn")
    initargs = ([book.root, theme_dir()], dict(book.assets), book_base_url(book), stylesheet_base_url(),
                font_aliases(book.config.style))
    with context.Pool(jobs, initializer=_start_worker, initargs=initargs) as pool:
        for round_number in range(MAX_ROUNDS):
            if book.index and pages is not None:
                document.index_pages = dict(pages.anchors)
            settled = True
            if pages is not None:
                wanted_css = common + "\n" + page_css(pages.total)
                settled, css = wanted_css == css, wanted_css
            sections = document.sections()
            if not rendered:
                keys = [key for key, _ in sections]
                body_unit = next((k for k, key in enumerate(keys)
                                  if key in part_keys or (key != "#front" and key not in document.front)), None)
                rendered = [None] * len(sections)
                results = [None] * len(sections)
            tasks = []
            for k, (key, markup) in enumerate(sections):
                lead = pages.leads[k] if pages is not None else False
                extra = ""
                if pages is not None and k > 0:
                    first = pages.starts[k] + (1 if lead else 0)
                    extra = f"\n@page :nth({3 if lead else 1}) {{ counter-reset: page {pages.counter(first)}; }}"
                body = (LEAD if lead else "") + numbered(markup, pages)
                wanted = (document.wrap(body), css + extra, lead)
                if rendered[k] != wanted or results[k].pdf is None:
                    write = pages is not None and settled  # a round that changed the gutter only measures
                    tasks.append((k, wanted, write))
            if not tasks:
                break
            order = sorted(tasks, key=lambda t: -len(t[1][0]))  # the longest first, for balance
            laid = pool.map(_lay_out, [(doc, sheet, lead, write, identifier, variant)
                                       for _, (doc, sheet, lead), write in order], chunksize=1)
            logging.getLogger("bookwright.jobs").info("round %d: %d of %d units laid out, %s", round_number + 1,
                                                      len(order), len(sections), "written" if order[0][2] else "measured")
            for (k, wanted, _), result in zip(order, laid):
                rendered[k], results[k] = wanted, result
            counts = [len(r.anchors) - (1 if rendered[k][2] else 0) for k, r in enumerate(results)]
            anchors = [r.anchors[1:] if rendered[k][2] else r.anchors for k, r in enumerate(results)]
            pages = page_map(counts, anchors, body_unit)
        else:
            raise RuntimeError("the page numbers did not settle")

    handler = WeasyPrintMessages(diags, book)
    seen = set()
    for result in results:
        for message in result.messages:
            if message not in seen:
                seen.add(message)
                handler.emit(logging.makeLogRecord({"msg": message, "levelno": logging.WARNING}))
    low: dict = {}
    for result in results:
        for key, (ppi, inches) in result.low.items():
            if key not in low or ppi < low[key][0]:
                low[key] = (ppi, inches)
    joined = pikepdf.Pdf.open(io.BytesIO(results[0].pdf))
    opened = []
    for result in results[1:]:
        part = pikepdf.Pdf.open(io.BytesIO(result.pdf))
        opened.append(part)
        with warnings.catch_warnings():
            # About named destinations and forms: a print interior has neither (its links are removed).
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning") else Warning)
            joined.pages.extend(part.pages)
    out = io.BytesIO()
    joined.save(out)
    for part in opened:
        part.close()
    if len(joined.pages) != pages.total:
        raise RuntimeError(f"joined {len(joined.pages)} pages, the page map has {pages.total}")
    return BookLaidOut(out.getvalue(), pages.total, low, [where for result in results for where in result.lost])
