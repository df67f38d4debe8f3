"""A paperback's printed cover for KDP or IngramSpark: back, spine and front on one sheet,
sized from the interior's page count and the paper.

The spine is the page count times the paper's thickness (specs.py), so the cover is made
after its interior and counts it (page_count.py); adding a chapter that adds pages widens
the spine in the next build. The wrap is laid out by WeasyPrint (design.py) and finished
the way the interiors are (print/finish.py): page boxes at the trim with the bleed beyond,
and for IngramSpark every colour in CMYK with the PDF/X output intent. The built file is
then read back as the service's check would read it (preflight.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from weasyprint import HTML

from bookwright.diagnostics import Diagnostics
from bookwright.editions import Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext, EditionRejected
from bookwright.writers.pdf.engine import book_base_url, reporting_to
from bookwright.writers.pdf.print import pdf_variant
from bookwright.writers.pdf.print.cover.design import (cover_document, front_image_problem, overflowing_lines,
                                                       spine_text)
from bookwright.writers.pdf.print.cover.page_count import interior_pages
from bookwright.writers.pdf.print.cover.plan import plan_cover
from bookwright.writers.pdf.print.cover.preflight import cover_preflight
from bookwright.writers.pdf.print.cover.specs import INCH, SPECS
from bookwright.writers.pdf.print.finish import PrintFinish, finish_print_pdf
from bookwright.writers.pdf.units import book_fetcher


class CoverEdition:
    def __init__(self, edition: Edition):
        self.edition = edition
        self.spec = SPECS[edition.profile]

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        diags = context.diagnostics
        pages, counted_from = interior_pages(book, self.edition, target.parent, context)
        plan = plan_cover(book, self.edition.profile, pages)
        geometry = plan.geometry
        problem = front_image_problem(book, geometry)
        if problem:
            diags.error_at(book.config.location_of("book", "cover"), f"the {self.spec.service} cover: {problem}",
                           hint="use a larger picture of the front's shape, or leave `cover` out for a "
                                "typographic front")
            raise EditionRejected
        if plan.barcode is None and self.spec.pdfx:
            diags.warning_at(book.config.location_of("print", "isbn"),
                             f"the {self.spec.service} cover has no barcode: [print] isbn is not set",
                             hint=f"{self.spec.service} prints only covers that carry the ISBN's barcode")
        spine = spine_text(book, geometry) if plan.spine_text else None
        html = cover_document(book, geometry, plan.barcode, spine)
        with reporting_to(diags, book):
            document = self.render(book, html)
            if overflowing_lines(document):
                overflow = overflowing_lines(self.render(book, cover_document(book, geometry, None, None,
                                                                              measuring=True)))
                where = book.cover_text.where or book.config.location_of("cover", "back")
                diags.error_at(where, f"the back cover's text overflows the back by {overflow} "
                                      f"line{'s' if overflow > 1 else ''}",
                               hint="shorten the blurb or the author's note; the barcode keeps the foot of the back")
                raise EditionRejected
            identifier = hashlib.sha256(f"{book.metadata.identifier} {self.edition.name}".encode()).hexdigest()[:32]
            data = document.write_pdf(pdf_identifier=identifier.encode(),
                                      pdf_variant=pdf_variant(book, self.edition.profile))
        self.finish(book, data, target, diags)
        for finding in cover_preflight(target, plan):
            diags.warning(book.config.toml_path, 0, 0, f"the {self.spec.service} cover: {finding.text()}",
                          hint=finding.hint)
        width, height = geometry.inches()
        note = (f"spine {geometry.spine_width / INCH:.3f} in for {pages} pages on "
                f"{self.spec.paper_names[book.config.print.paper]}, {width:.3f} x {height:.3f} in")
        if spine is None:
            note += ", no spine text"
        if counted_from:
            note += f" (pages counted from {counted_from})"
        return note

    @staticmethod
    def render(book: ResolvedBook, html: str):
        return HTML(string=html, base_url=book_base_url(book), url_fetcher=book_fetcher(book)).render()

    def finish(self, book: ResolvedBook, data: bytes, target: Path, diags: Diagnostics) -> None:
        """The page boxes at the trim and the bleed; for IngramSpark, CMYK and PDF/X."""
        options = book.config.print
        pdfx = self.spec.pdfx
        problems, _ = finish_print_pdf(data, target, PrintFinish(
            pages=1, bleed=True, colour="cmyk" if pdfx else None, flatten=pdfx and options.pdfx == "x-1a",
            pdfx=options.pdfx if pdfx else None, icc=options.icc))
        for problem in problems:
            diags.error(book.config.toml_path, 0, 0, f"the {self.spec.service} cover: {problem}",
                        hint="give the cover image flat colours, or set pdfx = \"x-4\" in [print]")
