"""The PDF for screens: the book tagged for assistive technology (PDF/UA-1), with a
contents, bookmarks and links that work.

The document is `document.py`'s, laid out unit by unit (`book_layout.py`, through the
build's workers and the layout cache) and joined into one tagged file (`join.py`, with
the units' structure trees merged by `structure_join.py`). The print interiors
(`print/`) lay out the same document for paper, the same way.
"""

from __future__ import annotations

from pathlib import Path

from bookwright.editions import Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext
from bookwright.writers.pdf.author_css import report_dropped
from bookwright.writers.pdf.book_layout import EditionPlan
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.edition_layout import lay_out_edition, original_fonts, record_pages
from bookwright.writers.pdf.engine import pdf_identifier
from bookwright.writers.pdf.join import join_book
from bookwright.writers.pdf.screen_pages import recto_pages

SCREEN_VARIANT = "pdf/ua-1"


class ScreenPdfEdition:
    def __init__(self, edition: Edition):
        self.edition = edition

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        probe = context.layout_probe(self.edition.name)
        document = PdfDocument(book, probe=probe)
        report_dropped(book, "pdf", context.diagnostics)  # what WeasyPrint drops of the author's CSS
        css = recto_pages(document.stylesheet(), book.metadata.direction)
        plan = EditionPlan(document, lambda total: css, tagged=True, variant=SCREEN_VARIANT,
                           identifier=pdf_identifier(book))
        laid = lay_out_edition(book, self.edition.name, plan, context, "PDF")
        record_pages(probe, laid, laid.pages.total)
        context.layout_known(self.edition.name)
        join_book(laid, tagged=True, hidden=probe.created, identifier=plan.identifier, target=target,
                  original_font=original_fonts(laid, context), labelled=True)
        return ""
