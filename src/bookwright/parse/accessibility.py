"""What a reader who cannot see the page needs from the author, checked at the source line.

Only the author can describe an image or say which words are in another language, so
these are checks on the parsed chapters, reported before anything is written:

- an image without alt text is an error, unless it is marked decorative with
  `![](ornament.png){.decorative}` (it then gets `alt=""` and `role="presentation"`);
- a heading that skips a level (`#` then `###`) is a warning: screen-reader users move
  through a book by heading level, and a skipped level reads like a missing section;
- a language span with a tag that is not BCP 47 (`[Gesellschaft]{lang=german}`) is an error;
- a table without a caption, or without header cells, is a warning.
"""

from __future__ import annotations

import re

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.load.book_options import LANGUAGE_TAG
from bookwright.model import ParsedChapter, SourceLocation
from bookwright.parse.sourcemap import SourceMap

DECORATIVE = "decorative"
LANG_ATTRIBUTE = re.compile(r"""\blang\s*=\s*["']?([^"'\s}>]*)""")
# A Markdown table's delimiter row, or a raw <table>: one per table, in reading order.
# A grid table (issue 16) starts at its first border, after a blank line.
TABLE_START = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$|<table\b"
                         r"|(?:\A|(?<=\n\n))\+(?:[-=:]+\+)+[ \t]*$", re.M | re.I)


def is_decorative(img: html.HtmlElement) -> bool:
    return DECORATIVE in img.get("class", "").split()


def check_accessibility(chapters: list[ParsedChapter], diags: Diagnostics) -> None:
    for chapter in chapters:
        sources = SourceMap.of(chapter.source)
        _check_images(chapter, diags)
        _check_heading_order(chapter, diags)
        _check_languages(chapter, sources, diags)
        _check_tables(chapter, sources, diags)


def _check_images(chapter: ParsedChapter, diags: Diagnostics) -> None:
    uses = chapter.images
    for index, img in enumerate(chapter.body.iter("img")):
        where = uses[index].location if index < len(uses) else SourceLocation(chapter.source.path, 1, 1)
        if is_decorative(img):
            continue
        if img.xpath("ancestor::figure[figcaption]") and img.get("alt") is not None:
            continue  # a figure's alt is its caption, or an explicit fig-alt (even "": the caption says it all)
        if not (img.get("alt") or "").strip():
            src = img.get("src", "")
            diags.error_at(where, f"image '{src}' has no alt text",
                           hint=f"describe what it shows, ![A short description]({src}), "
                           f"or mark it decorative, ![]({src}){{.decorative}}")


def _check_heading_order(chapter: ParsedChapter, diags: Diagnostics) -> None:
    previous = None
    for heading in chapter.headings:
        if previous is not None and heading.level > previous.level + 1:
            where = heading.location
            diags.warning_at(where, f"heading '{heading.text}' jumps from {'#' * previous.level} to {'#' * heading.level}",
                             hint=f"use {'#' * (previous.level + 1)}: screen readers navigate by heading level, "
                             "and a skipped level sounds like a missing section")
        previous = heading


def _check_languages(chapter: ParsedChapter, sources: SourceMap, diags: Diagnostics) -> None:
    reported: set[str] = set()
    for el in chapter.body.xpath(".//*[@lang]"):
        tag = el.get("lang", "")
        if LANGUAGE_TAG.match(tag) or tag in reported:
            continue
        reported.add(tag)
        found = [loc for loc, m in _lang_matches(sources) if m == tag]
        where = found[0] if found else SourceLocation(chapter.source.path, 1, 1)
        diags.error_at(where, f"'{tag}' is not a language tag",
                       hint="use a BCP 47 tag such as de, fr, es, la or pt-BR: [Gesellschaft]{lang=de}")


def _lang_matches(sources: SourceMap):
    for m in LANG_ATTRIBUTE.finditer(sources.text):
        if not sources.in_code(m.start()):
            yield sources.location(m.start()), m.group(1)


def _check_tables(chapter: ParsedChapter, sources: SourceMap, diags: Diagnostics) -> None:
    starts = [m for m in TABLE_START.finditer(sources.text) if not sources.in_code(m.start())]
    tables = [t for t in chapter.body.iter("table") if not t.xpath("ancestor::div[contains(@class,'footnote')]")]
    for index, table in enumerate(tables):
        if index < len(starts):
            m = starts[index]
            found = sources.location(m.start())
            # A Markdown table starts at its header row, the line above the delimiter row.
            header_above = not m.group(0).lstrip().startswith(("<", "+")) and found.line > 1
            where = SourceLocation(found.path, found.line - 1 if header_above else found.line, 1)
        else:
            where = SourceLocation(sources.path, 1, 1)
        if table.find("caption") is None or not table.find("caption").text_content().strip():
            diags.warning_at(where, "table has no caption",
                             hint="add a line ': What the table shows {#tbl-name}' after a blank line below it")
        if not table.xpath(".//th"):
            diags.warning_at(where, "table has no header cells",
                             hint="give it a header row, so that a screen reader can name each cell's column")
