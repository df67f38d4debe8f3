"""The PDF for screens: the book laid out in one pass and tagged for assistive technology
(PDF/UA-1), with a contents, bookmarks and links that work.

The document is `document.py`'s, laid out through `engine.py`; its running heads and folios
are then marked as page furniture (`tagged.py`), which WeasyPrint leaves to us. The print
interiors (`print/`) lay out the same document for paper.
"""

from __future__ import annotations

from pathlib import Path

from bookwright.editions import Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext
from bookwright.writers.pdf.apparatus import anchor_pages
from bookwright.writers.pdf.author_css import report_dropped
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.engine import (
    ObservedHTML, book_base_url, book_fetcher, compiled_stylesheet, pdf_identifier, reporting_to)
from bookwright.writers.pdf.fonts import BookFonts
from bookwright.writers.pdf.lost_notes import LostNotes, report_lost_notes
from bookwright.writers.pdf.tagged import finish_tagged_pdf
from bookwright.writers.theme import font_aliases


class ScreenPdfEdition:
    def __init__(self, edition: Edition):
        self.edition = edition

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        probe = context.layout_probe(self.edition.name)
        document = PdfDocument(book, probe=probe)
        lost = LostNotes()
        fetcher = book_fetcher(book)

        def observed() -> ObservedHTML:
            return ObservedHTML((probe, lost), string=document.html_document(), base_url=book_base_url(book),
                                url_fetcher=fetcher)

        report_dropped(book, "pdf", context.diagnostics)  # what WeasyPrint drops of the author's CSS
        with reporting_to(context.diagnostics, book):
            fonts = BookFonts(font_aliases(book.config.style))
            stylesheets = [compiled_stylesheet(document.stylesheet(), fetcher, fonts)]
            html = observed()
            if book.index:
                # Issue 7: a first layout tells which index locators share a page or follow one.
                document.index_pages = anchor_pages(html.render(stylesheets=stylesheets, font_config=fonts))
                html = observed()
            html.write_pdf(target, stylesheets=stylesheets, font_config=fonts, pdf_identifier=pdf_identifier(book),
                           pdf_variant="pdf/ua-1", finisher=finish_tagged_pdf)
        report_lost_notes(book, lost.lost, "PDF", context.diagnostics)
        if probe is not None:
            probe.written(target)
        return ""
