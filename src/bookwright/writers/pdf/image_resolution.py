"""Pictures too coarse for print: each picture's resolution at the size the layout gives it.

A print interior (and the print preflight, which reads a built file back) needs 300 ppi;
the layout is the one place that knows how large a picture prints.
"""

from __future__ import annotations

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook

MIN_PPI = 300  # what KDP and IngramSpark ask of a printed picture
CSS_PX_PER_INCH = 96


def low_resolution_images(document) -> dict[tuple[str, str], tuple[float, float]]:
    """(chapter key, src) → (lowest ppi, inches wide) of each picture laid out below 300 ppi."""
    from weasyprint.images import RasterImage  # the worker's (units.py): the build's process does without

    lowest: dict[tuple[str, str], tuple[float, float]] = {}

    def visit(box, chapter: str) -> None:
        element = box.element
        if element is not None and element.tag == "section" and "chapter" in (element.get("class") or "").split():
            chapter = element.get("id") or chapter
        image = getattr(box, "replacement", None)
        if isinstance(image, RasterImage) and box.width and box.height and element is not None:
            inches = box.width / CSS_PX_PER_INCH
            ppi = min(image.width / inches, image.height / (box.height / CSS_PX_PER_INCH))
            key = (chapter, element.get("src") or "")
            if ppi < MIN_PPI and (key not in lowest or ppi < lowest[key][0]):
                lowest[key] = (ppi, inches)
        for child in getattr(box, "children", ()):
            visit(child, chapter)

    for page in document.pages:
        visit(page._page_box, "")
    return lowest


def report_low_resolution(book: ResolvedBook, lowest: dict, diags: Diagnostics) -> None:
    """A warning for each picture that prints below 300 ppi at its laid-out size, at the
    line of the chapter that shows it."""
    chapters = {chapter.key: chapter for chapter in book.chapters}
    for (key, src), (ppi, inches) in sorted(lowest.items()):
        chapter = chapters.get(key)
        path, line, col = book.root / src, 0, 0
        if chapter is not None:
            path = chapter.source.path
            offset = chapter.source.text.find(src)
            if offset >= 0:
                line = chapter.source.text.count("\n", 0, offset) + 1
                col = offset - chapter.source.text.rfind("\n", 0, offset)
        diags.warning(path, line, col,
                      f"image '{src}' prints at {ppi:.0f} ppi ({inches:.2f} in wide); print needs {MIN_PPI} ppi",
                      hint=f"use a picture at least {inches * MIN_PPI:.0f} pixels wide, or print it smaller")
