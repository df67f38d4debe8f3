"""Folios laid out apart from the pages they number.

A unit is laid out without its folios (unit_css.py), so that its pages do not depend on
where it falls in the book: a chapter that grows by a page moves every later folio, and
nothing else. Each unit's folios are laid out as a document of their own: one page for
each of the unit's pages, of the same side and the same named page, with the page's
folio set as named strings that the stylesheet's margin boxes print where it printed
`counter(page)`. The stylesheet's own rules therefore decide, as in the whole book, which
pages show a folio (not a blank page, a part page or a title page), in which style
(roman in the front matter) and where. The join draws each folio page onto its unit page.

Pages a forced break left blank are made the same way in the folio document: the next
page asks for its side, and the page between is blank. A blank page at the end of a unit
shows no folio, so the folio document simply stops before it.
"""

from __future__ import annotations

from bookwright.writers.common import escape_attr, roman
from bookwright.writers.pdf.unit_css import FOLIO_STYLES, folio_string


def folio_text(value: int, style: str) -> str:
    """A page counter as `counter(page, style)` prints it."""
    if style == "lower-roman":
        return roman(value)
    if style == "upper-roman":
        return roman(value).upper()
    return str(value)


def folio_markup(pages: list[tuple[str, bool, str]], values: list[int]) -> str:
    """The body of a folio document for pages described as (side, blank, page name), whose
    page counters are `values`."""
    last = max((i for i, (_, blank, _) in enumerate(pages) if not blank), default=-1)
    out = []
    for i in range(last + 1):
        side, blank, name = pages[i]
        if blank:
            continue  # made by the next page's break to its side
        strings = ", ".join(f"{folio_string(style)} '{folio_text(values[i], style)}'" for style in FOLIO_STYLES)
        style = [f"string-set: {strings}", "height: 1px"]
        if name:
            style.append(f"page: {name}")
        if out:
            style.append(f"break-before: {side}")
        out.append(f'<div class="bw-folio" style="{escape_attr("; ".join(style))}"></div>')
    return "".join(out)


def printed_style(value: int, texts: set[str]) -> str | None:
    """Which counter style a page's margin boxes printed its counter `value` in, if any."""
    for style in FOLIO_STYLES:
        if folio_text(value, style) in texts:
            return style
    return None
