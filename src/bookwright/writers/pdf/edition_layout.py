"""A PDF edition's layout as the editions use it: its units laid out through the build's
worker pool and the layout cache, WeasyPrint's warnings and lost footnotes reported once,
and its pages recorded for the EPUB's page list (pagelist.py)."""

from __future__ import annotations

import json
import logging

from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext
from bookwright.writers.pagelist import LayoutProbe
from bookwright.writers.pdf.book_layout import BookLaidOut, EditionPlan, lay_out_book
from bookwright.writers.pdf.engine import WeasyPrintMessages, book_base_url, stylesheet_base_url
from bookwright.writers.pdf.font_union import originals_from
from bookwright.writers.pdf.layout_cache import LayoutCache, layout_folders, tool_environment
from bookwright.writers.pdf.lost_notes import report_lost_notes
from bookwright.writers.pdf.unit_runner import UnitRunner
from bookwright.writers.theme import font_aliases

def lay_out_edition(book: ResolvedBook, edition: str, plan: EditionPlan, context: BuildContext,
                    words: str) -> BookLaidOut:
    """The edition laid out; `words` names it in warnings ("PDF", "Amazon KDP paperback file")."""
    units, fonts = layout_folders(context.cache_folder)
    # Where the theme is, is part of every key: WeasyPrint names a picture in the PDF after
    # the hash of its address (the book folder's address is the same everywhere, engine.BOOK_URL).
    # So are the faces the generic families stand for.
    environment = "\n".join([tool_environment(context.tool), book_base_url(book), stylesheet_base_url(),
                              json.dumps(font_aliases(book.config.style), sort_keys=True)])
    cache = LayoutCache(units, environment, fonts)
    runner = UnitRunner(book, edition, cache, context.cache_folder, context.pool,
                        first=context.page_source() == edition)
    laid = lay_out_book(plan, runner)
    cache.prune()
    logging.getLogger("bookwright.layout").info("%s: %d of %d tasks laid out, the others from the cache", edition,
                                                runner.laid_out, runner.laid_out + cache.hits)
    handler = WeasyPrintMessages(context.diagnostics, book)
    seen = set()
    for result in laid.units:
        for message in result.messages:
            if message not in seen:
                seen.add(message)
                handler.emit(logging.makeLogRecord({"msg": message, "levelno": logging.WARNING}))
    report_lost_notes(book, [tuple(where) for result in laid.units for where in result.lost], words,
                      context.diagnostics)
    return laid


def record_pages(probe: LayoutProbe, laid: BookLaidOut, pages: int) -> None:
    """The pages as the EPUB's page list reads them: the anchors on each, and its folio;
    `pages`: how many the file has (a print interior pads the book with blank pages)."""
    anchors = [page.anchors for unit in laid.units for page in unit.pages]
    probe.observe(anchors, [laid.folio(i) for i in range(laid.pages.total)], lambda number: laid.folio(number - 1))
    probe.layout.pad_to(pages)


def original_fonts(laid: BookLaidOut, context: BuildContext):
    """Where the join finds the originals of the units' font subsets."""
    return originals_from(laid.units, layout_folders(context.cache_folder)[1])
