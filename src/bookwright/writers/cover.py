"""The front cover bookwright draws for a book that brings none: one design for every edition.

The front is HTML and CSS laid out by WeasyPrint, so that its words are type, not pixels:
the print covers (writers/pdf/print/cover/) place the markup on the front panel of the
wrap at the trim size, and the EPUB's cover image and the web edition's are the same front
rendered alone and rasterised (PDFium), 1600 pixels wide. The title is set in the book's
heading face, the subtitle and authors in its text face (the theme's, or the author's
`[style]` faces), on the ground, in the colours of `[cover]`, inside a frame that keeps well
clear of every trimmed edge. Stores require a cover image; an empty one is
worse than a quiet one.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from PIL import ImageFont
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bookwright.load.print_options import points
from bookwright.model import Face, FontFile, ResolvedBook, StyleOptions
from bookwright.writers.pdfium_access import pdfium_document
from bookwright.writers.theme import css_string
from bookwright.writers.theme import font_faces as theme_font_faces

RASTER_WIDTH = 1600  # pixels: what the ebook stores ask of a cover's width
POINTS_PER_INCH = 72.0
# The design in fractions of the front's width (a frame just inside a quarter inch on a
# 6 in book, the title at about 40 pt): it scales with the trim size.
FRAME_INSET = 0.056
FRAME_RULE = 0.004
TITLE_SIZE = 0.094
SUBTITLE_SIZE = 0.05
AUTHOR_SIZE = 0.056
MEASURE = 0.74  # the width the words may take
TITLE_LINES = 4  # a longer title is set smaller rather than run down the cover
@dataclass(frozen=True)
class FrontCover:
    markup: str  # a <div class="front-cover"> of the front's size
    css: str  # its rules, every one scoped to .front-cover


def font_faces(style: StyleOptions) -> str:
    """@font-face rules for the book's faces, by the files' own addresses (read by CoverFonts)."""
    return theme_font_faces(style, lambda path: path.as_uri())


@functools.lru_cache(maxsize=16)
def _metrics(path: Path) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), 1000)


def font_file(face: Face, weight: str = "normal", style: str = "normal") -> FontFile:
    """The face's file nearest to a weight ("normal", "bold") and slant, as the layout would pick it."""
    wanted = 700 if weight == "bold" else 400
    return min(face.files, key=lambda f: (f.style != style, abs(f.weight - wanted)))


def text_width(face: Face, text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
    """How wide `text` sets at `size` points in `face` (its advance widths)."""
    return _metrics(font_file(face, weight, style).path).getlength(text) * size / 1000


def _lines(face: Face, text: str, size: float, measure: float, weight: str) -> int | None:
    """Lines `text` takes at `size` in a measure (a greedy fill, as the layout does), or
    None when a single word is wider than the measure."""
    lines, current = 0, ""
    for word in text.split():
        if text_width(face, word, size, weight) > measure:
            return None
        trial = f"{current} {word}".strip()
        if current and text_width(face, trial, size, weight) > measure:
            lines, current = lines + 1, word
        else:
            current = trial
    return lines + (1 if current else 0)


def fitted_size(face: Face, text: str, size: float, measure: float, most_lines: int, weight: str = "normal") -> float:
    """The largest size up to `size` at which `text` fits the measure in at most `most_lines`."""
    while size > 6:
        lines = _lines(face, text, size, measure, weight)
        if lines is not None and lines <= most_lines:
            break
        size *= 0.92
    return size


def front_cover(book: ResolvedBook, width: float, height: float) -> FrontCover:
    """The typographic front at `width` x `height` points (the trimmed front panel)."""
    metadata, options, style = book.metadata, book.config.cover, book.config.style
    measure = width * MEASURE
    title = fitted_size(style.heading, metadata.title, width * TITLE_SIZE, measure, TITLE_LINES, "bold")
    subtitle = (fitted_size(style.body, metadata.subtitle, width * SUBTITLE_SIZE, measure, 4)
                if metadata.subtitle else 0)
    authors = ", ".join(metadata.authors)
    author = fitted_size(style.body, authors, width * AUTHOR_SIZE, measure, 2)
    inset, rule = width * FRAME_INSET, max(width * FRAME_RULE, 1.0)
    css = f"""
.front-cover {{ position: relative; width: {width:.3f}pt; height: {height:.3f}pt; overflow: hidden;
  background: {options.background}; color: {options.text}; font-family: {css_string(style.body.name)};
  text-align: center;
  hyphens: manual; }}
.front-cover .frame {{ position: absolute; left: {inset:.3f}pt; top: {inset:.3f}pt;
  width: {width - 2 * inset - 2 * rule:.3f}pt; height: {height - 2 * inset - 2 * rule:.3f}pt;
  border: {rule:.3f}pt solid {options.accent}; }}
.front-cover .words {{ position: absolute; left: {(width - measure) / 2:.3f}pt; width: {measure:.3f}pt;
  top: {height * 0.2:.3f}pt; }}
.front-cover .title {{ font-family: {css_string(style.heading.name)}; font-weight: bold; font-size: {title:.2f}pt;
  line-height: 1.12; margin: 0; }}
.front-cover .subtitle {{ font-style: italic; font-size: {subtitle:.2f}pt; line-height: 1.3;
  margin: {width * 0.045:.3f}pt 0 0; }}
.front-cover .rule {{ height: 0; margin: {width * 0.055:.3f}pt {(measure - width * 0.2) / 2:.3f}pt 0;
  border-top: {max(width * 0.003, 0.75):.3f}pt solid {options.accent}; }}
.front-cover .authors {{ position: absolute; left: {(width - measure) / 2:.3f}pt; width: {measure:.3f}pt;
  bottom: {height * 0.14:.3f}pt; font-size: {author:.2f}pt; line-height: 1.25; margin: 0; }}
"""
    subtitle_markup = f'<p class="subtitle">{escape(metadata.subtitle)}</p>' if metadata.subtitle else ""
    markup = (f'<div class="front-cover" lang="{escape(metadata.language)}">'
              f'<div class="frame"></div>'
              f'<div class="words"><h1 class="title">{escape(metadata.title)}</h1>{subtitle_markup}'
              f'<div class="rule"></div></div>'
              f'<p class="authors">{escape(authors)}</p></div>')
    return FrontCover(markup, css)


_DRAWN: dict[str, bytes] = {}  # the last front drawn, by what it is drawn from


def typographic_cover(book: ResolvedBook) -> bytes:
    """The front as a PNG, 1600 pixels wide, in the trim's proportions: the EPUB's and the
    web edition's cover when the book names none."""
    # Drawing it takes a third of a second; the EPUB and the site of a build show the same
    # one, and the live preview rebuilds on every save. What it is drawn from (the
    # metadata, the cover's colours, the trim, the faces and their files) is the key.
    faces = book.config.style.faces
    files = [(font.path, font.path.stat().st_mtime_ns) for face in faces.values() for font in face.files]
    key = repr((book.metadata, book.config.cover, book.config.page, faces, files))
    if key not in _DRAWN:
        drawn = _draw_front(book)
        _DRAWN.clear()
        _DRAWN[key] = drawn
    return _DRAWN[key]


def _draw_front(book: ResolvedBook) -> bytes:
    page = book.config.page
    width, height = points(page.width), points(page.height)
    front = front_cover(book, width, height)
    document = (f"<!DOCTYPE html><html><head><style>{font_faces(book.config.style)}\n"
                f"@page {{ size: {width:.3f}pt {height:.3f}pt; margin: 0; }} body {{ margin: 0; }}\n{front.css}"
                f"</style></head><body>{front.markup}</body></html>")
    pdf = HTML(string=document, url_fetcher=CoverFonts(book.config.style)).write_pdf()
    return _raster(pdf, RASTER_WIDTH / width)


class CoverFonts(URLFetcher):
    """The front reads the book's font files and nothing else: never the network."""

    def __init__(self, style: StyleOptions):
        super().__init__(allowed_protocols={"file"})
        self.files = {font.path.resolve() for face in style.faces.values() for font in face.files}

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(url2pathname(unquote(parts.path)))
        if parts.scheme != "file" or path.resolve() not in self.files or not path.is_file():
            raise ValueError(f"the cover does not read '{url}'")
        media_type = "font/ttf" if path.suffix.lower() == ".ttf" else "font/otf"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})


def _raster(pdf: bytes, scale: float) -> bytes:
    with pdfium_document(pdf) as document:
        image = document[0].render(scale=scale).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
