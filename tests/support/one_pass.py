"""The book laid out in one pass by WeasyPrint, as bookwright did before it laid editions out
unit by unit: the reference the joined editions are compared with. Tests only."""

from __future__ import annotations

from pathlib import Path

from weasyprint import CSS, HTML

from bookwright.model import ResolvedBook
from bookwright.writers.pagelist import LayoutProbe
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.engine import book_base_url, pdf_identifier, stylesheet_base_url
from bookwright.writers.pdf.fonts import BookFonts
from bookwright.writers.pdf.page_map import PageMap, UnitMarkup
from bookwright.writers.pdf.screen_pages import recto_pages
from bookwright.writers.pdf.tagged import finish_tagged_pdf
from bookwright.writers.pdf.unit_css import PAGE_NUMBER, NumberedLinks, unit_stylesheets
from bookwright.writers.pdf.units import book_fetcher
from bookwright.writers.theme import font_aliases


def one_pass_screen_pdf(book: ResolvedBook, target: Path, numbers_known: bool = False) -> None:
    """Writes the tagged screen PDF in one pass, page numbers from `target-counter`.

    `numbers_known`: the page numbers the first pass gives are written into the document,
    which is then laid out again printing them as text, as a unit prints them. WeasyPrint
    sizes a table's columns before it knows what a `target-counter` prints, so a page
    number in a table cell can wrap in one pass where a number known beforehand does not;
    this reference lays out the whole book with the numbers a unit prints."""
    document = PdfDocument(book, probe=LayoutProbe("pdf"))
    fetcher = book_fetcher(book)
    css = recto_pages(document.stylesheet(), book.metadata.direction)  # as the screen edition's

    def lay_out(html: str, stylesheet: str):
        fonts = BookFonts(font_aliases(book.config.style))  # as a unit's: the book's faces only
        sheet = CSS(string=stylesheet, base_url=stylesheet_base_url(), url_fetcher=fetcher, font_config=fonts)
        return HTML(string=html, base_url=book_base_url(book), url_fetcher=fetcher).render(
            stylesheets=[sheet], font_config=fonts)

    if book.index:
        document.index_pages = anchor_pages(lay_out(document.html_document(), css))
    html = document.html_document()
    if numbers_known:
        laid = lay_out(html, css)
        anchors = anchor_pages(laid)
        keys = [key for key, _ in document.sections()]
        parts = {part.key for part in book.parts}
        body = next(key for key in keys if key in parts or (key != "#front" and key not in document.front))
        pages = PageMap((0,), (len(laid.pages),), len(laid.pages), anchors[body], anchors)
        markup = UnitMarkup("book", "".join(m for _, m in document.sections()),
                            NumberedLinks(unit_stylesheets(css, book.metadata.title).numbered))
        html = document.wrap(markup.html(pages))
        css = PAGE_NUMBER.sub("attr(data-folio)", css)
    lay_out(html, css).write_pdf(target, pdf_identifier=pdf_identifier(book), pdf_variant="pdf/ua-1",
                                 finisher=finish_tagged_pdf)


def anchor_pages(document) -> dict[str, int]:
    """Page index of every anchor in a laid-out WeasyPrint document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages
