"""A print interior for one print-on-demand profile: the book laid out for paper, finished
for the service, and read back as its file check would.

The gutter depends on the page count and the page count on the gutter, so the book is
laid out with the narrowest gutter, counted (with the blank pages that will pad it),
and laid out again with a wider gutter until the two agree; a wider gutter only ever
adds pages, so this settles after at most a few passes, and usually after one. With
`--jobs N` (and no EPUB page list to feed, in a left-to-right book) the same search runs
over units laid out in N processes (`pdf/jobs.py`).
"""

from __future__ import annotations

from pathlib import Path


from bookwright.diagnostics import Diagnostics
from bookwright.editions import Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext
from bookwright.writers.pdf.apparatus import anchor_pages
from bookwright.writers.pdf.author_css import report_dropped
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.engine import (
    ObservedHTML, book_base_url, book_fetcher, compiled_stylesheet, pdf_identifier, reporting_to)
from bookwright.writers.pdf.image_resolution import low_resolution_images, report_low_resolution
from bookwright.writers.pdf.fonts import BookFonts
from bookwright.writers.pdf.jobs import lay_out_book
from bookwright.writers.pdf.lost_notes import LostNotes, report_lost_notes
from bookwright.writers.pdf.print.finish import PrintFinish, finish_print_pdf
from bookwright.writers.pdf.print.preflight import preflight
from bookwright.writers.pdf.print.profiles import PROFILES, bleed_points, profile_css, trim_points
from bookwright.writers.theme import font_aliases


class PrintEdition:
    def __init__(self, edition: Edition):
        self.edition = edition
        self.profile = PROFILES[edition.profile]

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        probe = context.layout_probe(self.edition.name)
        document = PdfDocument(book, printed=True, probe=probe)
        diags = context.diagnostics
        report_dropped(book, "print", diags)  # what WeasyPrint drops of the author's CSS
        # Units laid out apart cannot feed the EPUB's page list, and right-to-left units are not joined yet.
        if context.jobs > 1 and probe is None and book.metadata.direction == "ltr":
            self._write_in_units(book, document, target, diags, context.jobs)
        else:
            self._write_in_one_pass(book, document, target, diags)
        if probe is not None:
            probe.written(target)
        return ""

    def _write_in_one_pass(self, book: ResolvedBook, document: PdfDocument, target: Path, diags: Diagnostics) -> None:
        lost = LostNotes()
        fetcher = book_fetcher(book)

        def observed() -> ObservedHTML:
            return ObservedHTML((document.probe, lost), string=document.html_document(), base_url=book_base_url(book),
                                url_fetcher=fetcher)

        def relaid(layout):
            """The document again, with what the print layout tells (issue 7's index pages)."""
            if not book.index:
                return None
            document.index_pages = anchor_pages(layout)
            return observed()

        with reporting_to(diags, book):
            write_print_pdf(book, self.edition.profile, observed(), document.stylesheet(), fetcher,
                            pdf_identifier(book), target, diags, relaid)
        report_lost_notes(book, lost.lost, self.profile.service + " file", diags)

    def _write_in_units(self, book: ResolvedBook, document: PdfDocument, target: Path, diags: Diagnostics,
                        jobs: int) -> None:
        """The same gutter search (wider only when the page count asks for it), over units
        laid out in `jobs` processes, then the same finishing and checks."""
        profile = self.profile
        width, height = trim_points(book.config.page)
        gutter = [profile.inside_margin(0)]

        def page_css(total: int | None) -> str:
            if total is not None:  # wider only, as the one pass does: a wider gutter only adds pages
                gutter[0] = max(gutter[0], profile.inside_margin(profile.padded_count(total, width, height)))
            return profile_css(profile, book.config.print, gutter[0])

        laid = lay_out_book(document, document.stylesheet(), jobs, pdf_identifier(book),
                            pdf_variant(book, self.edition.profile), diags, page_css)
        report_low_resolution(book, laid.low, diags)
        report_lost_notes(book, laid.lost, profile.service + " file", diags)
        finish_and_check(book, self.edition.profile, laid.pdf, profile.padded_count(laid.pages, width, height),
                         target, diags)


def write_print_pdf(book: ResolvedBook, name: str, html, css: str, fetcher, identifier: bytes, path: Path,
                    diags: Diagnostics, relaid=lambda layout: None) -> None:
    """`relaid(layout)` returns the document to lay out again when its content depends on
    a layout (page numbers printed as text), or None; it is asked once, after the first."""
    profile = PROFILES[name]
    options = book.config.print
    width, height = trim_points(book.config.page)

    def lay_out(html, inside: float):
        fonts = BookFonts(font_aliases(book.config.style))  # one per pass: a document keeps the fonts it was laid out with
        sheet = compiled_stylesheet(css + "\n" + profile_css(profile, options, inside), fetcher, fonts)
        return html.render(stylesheets=[sheet], font_config=fonts)

    inside = profile.inside_margin(0)
    asked = False
    for _ in range(6):
        document = lay_out(html, inside)
        pages = profile.padded_count(len(document.pages), width, height)
        wanted = profile.inside_margin(pages)
        if not asked:
            asked = True
            again = relaid(document)
            if again is not None:
                html, inside = again, max(inside, wanted)
                continue
        if wanted <= inside:
            break
        inside = wanted

    report_low_resolution(book, low_resolution_images(document), diags)
    data = document.write_pdf(pdf_identifier=identifier, pdf_variant=pdf_variant(book, name))
    finish_and_check(book, name, data, pages, path, diags)


def pdf_variant(book: ResolvedBook, name: str) -> str | None:
    return f"pdf/{book.config.print.pdfx}" if PROFILES[name].pdfx else None


def finish_and_check(book: ResolvedBook, name: str, data: bytes, pages: int, path: Path, diags: Diagnostics) -> None:
    """The laid-out interior (`pages` once padded) finished for the service, written and checked."""
    profile = PROFILES[name]
    options = book.config.print
    width, height = trim_points(book.config.page)
    finish = PrintFinish(
        pages=pages,
        bleed=bleed_points(profile, options) > 0,
        colour=("cmyk" if options.interior == "color" else "grey") if profile.pdfx else None,
        flatten=profile.pdfx and options.pdfx == "x-1a",
        pdfx=options.pdfx if profile.pdfx else None,
        icc=options.icc,
        right_to_left=book.metadata.direction == "rtl",
    )
    toml = book.config.toml_path or book.root / "book.toml"
    problems, flattened = finish_print_pdf(data, path, finish)
    for problem in problems:
        diags.error(toml, 0, 0, f"the {profile.service} file: {problem}",
                    hint='draw the figure with flat colours and no masks, or set pdfx = "x-4" in [print]')
    if flattened:
        diags.warning(toml, 0, 0, f"the {profile.service} file blends {flattened} see-through colour(s) or picture(s) "
                                  "with white paper (PDF/X-1a allows no transparency)",
                      hint='where they overlap other drawing the overlap prints opaque; check the proof, '
                           'or set pdfx = "x-4" in [print] with your printer\'s icc profile')
    # The file as the service's checker will see it; pictures were reported above, by name.
    for finding in preflight(path, name, trim=(width, height), skip=("ppi",)):
        diags.warning(toml, 0, 0, f"{profile.service} file: {finding.text()}", hint=finding.hint)


