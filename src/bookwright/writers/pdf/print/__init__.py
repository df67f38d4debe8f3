"""A print interior for one print-on-demand profile: the book laid out for paper, finished
for the service, and read back as its file check would.

The gutter depends on the page count and the page count on the gutter, so the book is
laid out with the narrowest gutter, counted (with the blank pages that will pad it), and
laid out again with a wider gutter until the two agree; a wider gutter only ever adds
pages, so this settles after at most a few rounds, and usually after one. The rounds are
those of the unit-by-unit layout (`pdf/book_layout.py`), which settles the page numbers
the book prints at the same time.
"""

from __future__ import annotations

import io
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.editions import Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext
from bookwright.writers.pdf.author_css import report_dropped
from bookwright.writers.pdf.book_layout import EditionPlan
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.edition_layout import lay_out_edition, original_fonts, record_pages
from bookwright.writers.pdf.engine import pdf_identifier
from bookwright.writers.pdf.image_resolution import report_low_resolution
from bookwright.writers.pdf.join import join_book
from bookwright.writers.pdf.print.finish import PrintFinish, finish_print_pdf
from bookwright.writers.pdf.print.preflight import preflight
from bookwright.writers.pdf.print.profiles import PROFILES, bleed_points, profile_css, trim_points


class PrintEdition:
    def __init__(self, edition: Edition):
        self.edition = edition
        self.profile = PROFILES[edition.profile]

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        probe = context.layout_probe(self.edition.name)
        document = PdfDocument(book, printed=True, probe=probe)
        report_dropped(book, "print", context.diagnostics)  # what WeasyPrint drops of the author's CSS
        profile = self.profile
        width, height = trim_points(book.config.page)
        base = document.stylesheet()
        gutter = [profile.inside_margin(0)]

        def stylesheet(total: int | None) -> str:
            if total is not None:  # wider only: a wider gutter only adds pages
                gutter[0] = max(gutter[0], profile.inside_margin(profile.padded_count(total, width, height)))
            return base + "\n" + profile_css(profile, book.config.print, gutter[0])

        # Only what a round costs depends on this guess, never the pages: a book that will
        # clearly pass the first gutter step is measured, not written, with the first gutter.
        wider = profile.inside_margin(estimated_pages(book, width, height)) > gutter[0]
        plan = EditionPlan(document, stylesheet, tagged=False, variant=pdf_variant(book, self.edition.profile),
                           identifier=pdf_identifier(book), measure_first=wider)
        laid = lay_out_edition(book, self.edition.name, plan, context, profile.service + " file")
        report_low_resolution(book, {(chapter, src): (ppi, inches) for result in laid.units
                                     for chapter, src, ppi, inches in result.low}, context.diagnostics)
        padded = profile.padded_count(laid.pages.total, width, height)
        record_pages(probe, laid, padded)
        context.layout_known(self.edition.name)
        joined = io.BytesIO()
        join_book(laid, tagged=False, hidden=probe.created, identifier=plan.identifier, target=joined,
                  original_font=original_fonts(laid, context))
        finish_and_check(book, self.edition.profile, joined.getvalue(), padded, target, context.diagnostics)
        return ""


# Characters of Markdown per 6 x 9 in page of the default design, counted high (the sample
# book has about 1,200, the benchmark's books 1,700), so that a guess errs short.
CHARACTERS_PER_PAGE = 2000


def estimated_pages(book: ResolvedBook, width: float, height: float) -> int:
    """A rough page count from the text's length and the trim: for deciding how to lay the
    book out first, never what it looks like."""
    characters = sum(len(chapter.source.text) for chapter in book.chapters)
    return int(characters / (CHARACTERS_PER_PAGE * (width * height) / (6 * 9 * 72 * 72)))


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


