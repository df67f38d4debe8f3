"""Laying out and finishing a print interior for one profile.

The gutter depends on the page count and the page count on the gutter, so the book is
laid out with the narrowest gutter, counted (with the blank pages that will pad it),
and laid out again with a wider gutter until the two agree; a wider gutter only ever
adds pages, so this settles after at most a few passes, and usually after one.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint import CSS
from weasyprint.images import RasterImage
from weasyprint.text.fonts import FontConfiguration

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook
from bookwright.paths import theme_dir
from bookwright.writers.pdf.print.preflight import preflight
from bookwright.writers.pdf.print.finish import PrintFinish, finish_print_pdf
from bookwright.writers.pdf.print.profiles import PROFILES, bleed_points, profile_css, trim_points

MIN_PPI = 300
CSS_PX_PER_INCH = 96


def write_print_pdf(book: ResolvedBook, name: str, html, css: str, fetcher, identifier: bytes, path: Path,
                    diags: Diagnostics, relaid=lambda layout: None) -> None:
    """`relaid(layout)` returns the document to lay out again when its content depends on
    a layout (page numbers printed as text), or None; it is asked once, after the first."""
    profile = PROFILES[name]
    options = book.config.print
    width, height = trim_points(book.config.page)
    base_url = (theme_dir() / "print.css").as_uri()

    def lay_out(html, inside: float):
        fonts = FontConfiguration()  # one per pass: a document keeps the fonts it was laid out with
        sheet = CSS(string=css + "\n" + profile_css(profile, options, inside), base_url=base_url,
                    url_fetcher=fetcher, font_config=fonts)
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

    report_low_resolution_images(book, document, diags)
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


def report_low_resolution_images(book: ResolvedBook, document, diags: Diagnostics) -> None:
    """A warning for each picture that prints below 300 ppi at its laid-out size, at the
    line of the chapter that shows it."""
    report_low_resolution(book, low_resolution_images(document), diags)


def low_resolution_images(document) -> dict[tuple[str, str], tuple[float, float]]:
    """(chapter key, src) → (lowest ppi, inches wide) of each picture laid out below 300 ppi."""
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
