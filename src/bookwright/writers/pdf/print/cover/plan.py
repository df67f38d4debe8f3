"""What a book's cover for one service must be: the wrap's boxes for the interior's page
count and the paper, the barcode it carries (or the area it leaves to KDP) and whether its
spine may carry words. The writer makes the cover from the plan, and the preflight checks a
built file against the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookwright.model import ResolvedBook
from bookwright.writers.pdf.print.cover.barcode import Barcode, isbn_barcode
from bookwright.writers.pdf.print.cover.geometry import CoverGeometry
from bookwright.writers.pdf.print.cover.specs import SPECS
from bookwright.writers.pdf.print.profiles import trim_points


@dataclass(frozen=True)
class CoverPlan:
    geometry: CoverGeometry  # the wrap the interior's page count and the paper call for
    barcode: Barcode | None  # the barcode the cover carries, or None
    clear_barcode_area: bool  # KDP prints its own barcode there: nothing of the cover's may be
    spine_text: bool  # whether the service allows words on the spine at this page count


def plan_cover(book: ResolvedBook, profile: str, pages: int) -> CoverPlan:
    """The cover for `profile` ("kdp", "ingram") of `book`, whose interior has `pages`.
    KDP prints the barcode itself when the author asks it to (`[cover] kdp-barcode`) or when
    the book has no ISBN of its own (KDP then assigns one)."""
    spec = SPECS[profile]
    width, height = trim_points(book.config.page)
    geometry = CoverGeometry(spec, pages, book.config.print.paper, width, height,
                             right_to_left=book.metadata.direction == "rtl")
    isbn = book.config.print.isbn
    leave_to_kdp = profile == "kdp" and (book.config.cover.kdp_barcode == "kdp" or not isbn)
    barcode = None
    if isbn and not leave_to_kdp:
        barcode = isbn_barcode(isbn.removeprefix("urn:isbn:"), book.config.cover.price)
    return CoverPlan(geometry, barcode, clear_barcode_area=leave_to_kdp, spine_text=geometry.spine_allows_text)
