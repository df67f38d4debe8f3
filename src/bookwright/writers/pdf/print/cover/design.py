"""The full wrap as HTML for WeasyPrint: back, spine and front on one sheet, the ground
running into the bleed on every outside edge.

- The front: the author's `cover` image, filling the front panel and its bleed, or the
  typographic front every other edition shows (writers/cover.py), placed on the panel.
- The back: the blurb and the author's note (parse/cover_text.py) set in the book's face,
  the publisher, and the barcode on its white box where the service expects it.
- The spine: title, author and publisher in capitals along it, when the service allows
  text at that page count and it fits legibly between the folds' margins; nothing else.

Everything is placed on the boxes of geometry.py, so the preflight checks what was meant.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from html import escape

from lxml import html as lxml_html
from PIL import Image
from weasyprint.formatting_structure import boxes

from bookwright.model import Face, ResolvedBook
from bookwright.writers.pdf.image_resolution import MIN_PPI
from bookwright.writers.cover import font_faces, front_cover, text_width
from bookwright.writers.theme import css_string
from bookwright.writers.pdf.print.cover.barcode import Barcode
from bookwright.writers.pdf.print.cover.geometry import Box, CoverGeometry
from bookwright.writers.pdf.print.cover.specs import (BARCODE_BLACK, BARCODE_WHITE, EAN_BAR_HEIGHT, EAN_MAGNIFICATION,
                                                      EAN_MODULE, INCH)

# How far the cover's shape may differ from the front panel with its bleed before the
# picture would lose a visible strip to cropping.
SHAPE_TOLERANCE = 0.02
# The back's words stay this far inside the panel, well within either service's safe zone.
BACK_MARGIN = 0.6 * INCH
BACK_TOP = 0.75 * INCH
BACK_GAP = 0.3 * INCH  # between the words and the barcode's box
# The spine's type: capitals (no descenders), whose height is about this much of the size.
SPINE_CAP_EXTENT = 0.78
SPINE_LARGEST = 13.0
SPINE_SMALLEST = 5.5  # points: smaller than this, spine type cannot be read on a shelf
SPINE_END = 0.5 * INCH  # the words keep this far from the top and bottom of the spine
SPINE_TRACKING = 0.1  # em of letter-spacing in the capitals
SPINE_GAP = 2.0  # em between the title and the author
ISBN_LINE = 11.0  # points: the "ISBN ..." line above the bars
DIGITS_LINE = 9.0  # points: the digits under them
# Languages whose books traditionally read their spines from the bottom up (the
# continental European convention); English and most others read it from the top down.
BOTTOM_TO_TOP = {"fr", "de", "it", "es", "pt", "ca", "pl", "cs", "sk", "hu", "ro", "ru"}


@dataclass(frozen=True)
class SpineText:
    size: float  # points
    parts: tuple[str, ...]  # title, then author and publisher as far as they fit
    top_to_bottom: bool


def front_image_problem(book: ResolvedBook, geometry: CoverGeometry) -> str | None:
    """Why the book's `cover` image cannot be the printed front, or None when it can: too
    few pixels for 300 ppi at the front's size with its bleed, or the wrong shape."""
    cover = book.metadata.cover
    if cover is None or cover.suffix.lower() == ".svg":
        return None  # no picture, or drawn to any size
    with Image.open(io.BytesIO(book.image_bytes(cover))) as image:
        pixels = image.size
    width = (geometry.trim_width + geometry.bleed) / INCH
    height = (geometry.trim_height + 2 * geometry.bleed) / INCH
    ppi = min(pixels[0] / width, pixels[1] / height)
    need = f"{width:.3f} x {height:.3f} in (the front with its bleed)"
    if ppi < MIN_PPI:
        return (f"the cover image is {pixels[0]} x {pixels[1]} px: {ppi:.0f} ppi on the printed front, "
                f"{need}; print needs {MIN_PPI} ppi, at least {round(width * MIN_PPI)} x {round(height * MIN_PPI)} px")
    shape, wanted = pixels[0] / pixels[1], width / height
    if abs(shape - wanted) / wanted > SHAPE_TOLERANCE:
        return (f"the cover image is {pixels[0]} x {pixels[1]} px, {shape:.3f} as wide as it is tall; the printed "
                f"front is {need}, {wanted:.3f}: a strip of the picture would be cut off")
    return None


def spine_text(book: ResolvedBook, geometry: CoverGeometry) -> SpineText | None:
    """The spine's words at the largest size that fits, or None when the service allows no
    text at this page count or even the title would be too small to read."""
    if not geometry.spine_allows_text:
        return None
    metadata = book.metadata
    thickness = geometry.spine_safe.width
    length = geometry.trim_height - 2 * SPINE_END
    candidates = [part.upper() for part in (metadata.title, ", ".join(metadata.authors), metadata.publisher) if part]
    for count in range(len(candidates), 0, -1):
        parts = tuple(candidates[:count])
        size = min(SPINE_LARGEST, thickness / SPINE_CAP_EXTENT)
        while size >= SPINE_SMALLEST:
            if _spine_length(book.config.style.body, parts, size) <= length:
                return SpineText(size, parts, metadata.language.split("-")[0].lower() not in BOTTOM_TO_TOP)
            size *= 0.94
    return None


def _spine_length(face: Face, parts: tuple[str, ...], size: float) -> float:
    """How long the spine's words run, set in the book's text face as the spine sets them."""
    weights = ("bold", "normal", "normal")
    sizes = (size, size * 0.9, size * 0.75)
    total = sum(text_width(face, part, s, weight) + SPINE_TRACKING * s * len(part)
                for part, s, weight in zip(parts, sizes, weights))
    return total + SPINE_GAP * size * (len(parts) - 1)


def cover_document(book: ResolvedBook, geometry: CoverGeometry, barcode: Barcode | None,
                   spine: SpineText | None, measuring: bool = False) -> str:
    """The wrap as one HTML page of the sheet's size, with bleed. `measuring`: the back's
    words alone, on a page tall enough to hold all of them (the engine leaves out what
    runs past a page's foot, so an overflow is counted there; see overflowing_lines)."""
    bleed = geometry.bleed
    metadata = book.metadata

    def place(box: Box) -> str:
        # CSS places from the trimmed sheet's corner; the bleed lies at negative offsets.
        return (f"left: {box.left - bleed:.3f}pt; top: {box.top - bleed:.3f}pt; "
                f"width: {box.width:.3f}pt; height: {box.height:.3f}pt;")

    front = front_cover(book, geometry.trim_width, geometry.trim_height)
    if metadata.cover is not None:
        # The picture fills the front panel and the bleed beyond its three outside edges.
        outer_left = geometry.front.left - bleed if geometry.right_to_left else geometry.front.left
        picture = Box(outer_left, 0, geometry.trim_width + bleed, geometry.height)
        front_markup = (f'<img class="front-picture" src="{escape(metadata.cover.as_uri())}" alt="" '
                        f'style="{place(picture)}">')
    else:
        front_markup = f'<div class="front" style="{place(geometry.front)}">{front.markup}</div>'
    text_box = Box(geometry.back.left + BACK_MARGIN, geometry.back.top + BACK_TOP,
                   geometry.back.width - 2 * BACK_MARGIN,
                   geometry.barcode.top - BACK_GAP - geometry.back.top - BACK_TOP)
    css = _css(book, geometry, spine)
    back_words = f'<div class="back-text" style="{place(text_box)}">{_back_words(book)}</div>'
    # The file's dates are the build's moment, not the clock's: the same book, the same bytes.
    about = "".join([f"<title>{escape(metadata.title)}</title>",
                     *(f'<meta name="author" content="{escape(author)}">' for author in metadata.authors),
                     '<meta name="generator" content="bookwright">',
                     f'<meta name="dcterms.created" content="{book.moment.isoformat()}">',
                     f'<meta name="dcterms.modified" content="{book.moment.isoformat()}">'])
    head = (f'<!DOCTYPE html><html lang="{escape(metadata.language)}" dir="{metadata.direction}"><head>'
            f"{about}<style>{css}\n{front.css}")
    if measuring:
        tall = f"@page {{ size: {geometry.trimmed.width:.3f}pt 100in; }}"
        return f"{head}\n{tall}</style></head><body>{back_words}</body></html>"
    return (f"{head}</style></head><body>{back_words}"
            f"{_imprint(book, geometry, place)}"
            f"{_barcode_box(barcode, geometry, place)}"
            f"{_spine(spine, geometry, place)}"
            f"{front_markup}</body></html>")


def _css(book: ResolvedBook, geometry: CoverGeometry, spine: SpineText | None) -> str:
    options = book.config.cover
    return f"""{font_faces(book.config.style)}
@page {{ size: {geometry.trimmed.width:.3f}pt {geometry.trimmed.height:.3f}pt; margin: 0;
  bleed: {geometry.bleed:.3f}pt; background: {options.background}; }}
html, body {{ margin: 0; }}
body {{ font-family: {css_string(book.config.style.body.name)}; color: {options.text}; }}
body > * {{ position: absolute; margin: 0; }}
.back-text {{ font-size: 10.5pt; line-height: 1.42; hyphens: auto; text-align: left; }}
.back-text p {{ margin: 0 0 0.55em; }}
.back-text .blurb > p:first-child {{ font-size: 1.25em; font-style: italic; line-height: 1.32; margin-bottom: 0.9em; }}
.back-text h1, .back-text h2, .back-text h3, .back-text h4 {{ font-size: 0.8em; font-weight: bold;
  letter-spacing: 0.1em; text-transform: uppercase; color: {options.accent}; margin: 1.3em 0 0.55em; }}
.back-text blockquote {{ margin: 0.8em 0 0.8em 1.2em; font-style: italic; }}
.back-text ul, .back-text ol {{ margin: 0 0 0.6em; padding-left: 1.2em; }}
.author-note {{ border-top: 0.75pt solid {options.accent}; margin-top: 1.1em; padding-top: 0.85em;
  font-size: 9pt; line-height: 1.36; }}
.author-note::after {{ content: ""; display: block; clear: both; }}
.author-photo {{ float: left; width: 0.95in; margin: 0.25em 0.9em 0.2em 0; }}
.imprint p {{ position: absolute; bottom: 0; left: 0; margin: 0; font-size: 9pt; letter-spacing: 0.12em;
  text-transform: uppercase; }}
.barcode {{ background: {BARCODE_WHITE}; color: {BARCODE_BLACK}; }}
.barcode > * {{ position: absolute; margin: 0; white-space: nowrap; }}
.barcode .isbn {{ font-size: 8pt; }}
.barcode .digit {{ font-size: 8.5pt; line-height: 1; }}
.front-picture {{ object-fit: cover; }}
""" + (_spine_css(spine, geometry) if spine else "")


def _spine_css(spine: SpineText, geometry: CoverGeometry) -> str:
    return f"""
.spine-line {{ transform: rotate({"90deg" if spine.top_to_bottom else "-90deg"});
  line-height: {geometry.spine_safe.width:.3f}pt; font-size: {spine.size:.2f}pt; white-space: nowrap;
  letter-spacing: {SPINE_TRACKING}em; }}
.spine-line .title {{ font-weight: bold; }}
.spine-line .author {{ font-size: 0.9em; margin-left: {SPINE_GAP / 0.9:.3f}em; }}
.spine-line .publisher {{ position: absolute; right: 0; top: 0; font-size: 0.75em; }}
"""


def _back_words(book: ResolvedBook) -> str:
    text = book.cover_text
    parts = []
    if text.blurb is not None:
        parts.append(f'<div class="blurb">{_inner(text.blurb)}</div>')
    if text.author_note is not None:
        photo = book.config.cover.author_photo
        picture = (f'<img class="author-photo" src="{escape(photo.as_uri())}" alt="">' if photo else "")
        parts.append(f'<div class="author-note">{picture}{_inner(text.author_note)}</div>')
    return "".join(parts)


def _inner(tree) -> str:
    """The <div>'s content as markup (serialised, so the resolved book's tree is untouched)."""
    return escape(tree.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in tree)


def _imprint(book: ResolvedBook, geometry: CoverGeometry, place) -> str:
    """The publisher, at the foot of the back, level with the barcode's foot."""
    publisher = book.metadata.publisher
    if not publisher:
        return ""
    barcode = geometry.barcode
    left = geometry.back.left + BACK_MARGIN
    box = Box(left, barcode.top, barcode.left - left - BACK_GAP, barcode.height)
    return f'<div class="imprint" style="{place(box)}"><p>{escape(publisher)}</p></div>'


def _barcode_box(barcode: Barcode | None, geometry: CoverGeometry, place) -> str:
    """The white box with the ISBN above the bars and the digits under them (the add-on's
    above its own bars), in the places the encoder gives them; nothing when the service
    prints the barcode itself."""
    if barcode is None:
        return ""
    box = geometry.barcode
    module = EAN_MODULE * EAN_MAGNIFICATION * INCH  # points
    scale_y = EAN_BAR_HEIGHT * INCH / barcode.bar_bottom  # bars drawn shorter than the nominal height
    width, height = barcode.width * module, barcode.height * scale_y
    left = (box.width - width) / 2
    top = (box.height - ISBN_LINE - height - DIGITS_LINE) / 2 + ISBN_LINE
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {barcode.width} {barcode.height:g}" '
           f'width="{width:.3f}pt" height="{height:.3f}pt" preserveAspectRatio="none">'
           f'<path fill="{BARCODE_BLACK}" d="{barcode.bars}"/></svg>')
    main = Box(left + barcode.main_left * module, top - ISBN_LINE, barcode.main_width * module, ISBN_LINE)
    pieces = [f'<p class="isbn" style="{_at(main)} text-align: center;">{escape(barcode.isbn_line)}</p>',
              f'<img class="bars" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" alt="" '
              f'style="{_at(Box(left, top, width, height))}">']
    for digits in barcode.digits:
        under = digits.baseline > barcode.bar_bottom
        y = top + barcode.bar_bottom * scale_y + 0.5 if under else top + 0.2
        span = 60.0  # wide enough for the group; aligned on the encoder's anchor
        x = left + digits.x * module - {"end": span, "middle": span / 2}.get(digits.anchor, 0.0)
        align = {"end": "right", "middle": "center"}.get(digits.anchor, "left")
        pieces.append(f'<p class="digit" style="{_at(Box(x, y, span, DIGITS_LINE))} text-align: {align};">'
                      f"{escape(digits.text)}</p>")
    return f'<div class="barcode" style="{place(box)}">{"".join(pieces)}</div>'


def _at(box: Box) -> str:
    return f"left: {box.left:.3f}pt; top: {box.top:.3f}pt; width: {box.width:.3f}pt; height: {box.height:.3f}pt;"


def _spine(spine: SpineText | None, geometry: CoverGeometry, place) -> str:
    if spine is None:
        return ""
    safe = geometry.spine_safe
    length = geometry.trim_height - 2 * SPINE_END
    # A line as long as the spine, as tall as the space between the folds' margins,
    # turned about its centre onto the spine.
    centre_x, centre_y = safe.left + safe.width / 2, geometry.spine.top + geometry.spine.height / 2
    line = Box(centre_x - length / 2, centre_y - safe.width / 2, length, safe.width)
    classes = ("title", "author", "publisher")
    spans = "".join(f'<span class="{name}">{escape(part)}</span>' for name, part in zip(classes, spine.parts))
    return f'<div class="spine-line" style="{place(line)}">{spans}</div>'


def overflowing_lines(document) -> int:
    """How many lines of the back's words lie below the space they were given. Laid out on
    the cover itself, this only tells that there are some (lines past the page's foot are
    left out); laid out by `cover_document(..., measuring=True)`, it is the count."""
    def walk(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    for box in walk(document.pages[0]._page_box):
        element = box.element
        if element is not None and "back-text" in (element.get("class") or "").split() and box.element_tag == "div":
            limit = box.content_box_y() + box.height
            return sum(1 for inner in walk(box)
                       if isinstance(inner, boxes.LineBox) and inner.position_y + inner.height > limit + 0.5)
    return 0
