"""The edition's stylesheet as a unit of the book is laid out with it.

A unit (the front block, a part page, a chapter) is laid out alone, so it cannot count the
pages it does not hold. Two kinds of numbers therefore leave the stylesheet:

- page numbers a link prints (`target-counter(attr(href url), page)`: the contents, the
  lists, "on page N", the index) print the link's `data-folio` instead, which the page map
  fills in (`page_map.py`); the rules that print them also say which links need one;
- folios (`counter(page)` in the margin boxes) print a string no unit sets, so a unit is
  laid out without them and its pages are the same wherever it falls in the book; the
  folios are laid out apart and drawn onto the pages when they are joined (`folios.py`).

Running heads stay: every unit sets its own (a chapter's title, a part page's nothing),
and the book's title, set once on the half-title in the whole book, is set for every unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cssselect2
import tinycss2

PAGE_NUMBER = re.compile(r"target-counter\(\s*attr\(\s*href\s+url\s*\)\s*,\s*page\s*(?:,\s*([a-z-]+)\s*)?\)")
FOLIO = re.compile(r"(?<![-\w])counter\(\s*page\s*(?:,\s*([a-z-]+)\s*)?\)")
FOLIO_STYLES = ("decimal", "lower-roman", "upper-roman")  # what writers/common.py and folios.py can write


def folio_string(style: str) -> str:
    """The named string a folio of `style` is printed from in a folio document."""
    return f"bw-folio-{style}"


@dataclass(frozen=True)
class UnitStylesheets:
    unit: str  # what a unit is laid out with
    folios: str  # what a unit's folio document is laid out with (folios.py)
    numbered: tuple[tuple[str, str], ...]  # (selector, counter style) of each rule printing a target's page number


def unit_stylesheets(css: str, book_title: str) -> UnitStylesheets:
    """The edition's stylesheet `css` split as above. Raises when the stylesheet prints
    numbers in a way a unit cannot (a counter style folios.py does not write)."""
    numbered = _numbering_selectors(css)
    if not numbered:
        raise RuntimeError("the stylesheet prints no page numbers with target-counter; writers/pdf/unit_css.py needs updating")
    without_targets = PAGE_NUMBER.sub("attr(data-folio)", css)

    def folio(match: re.Match) -> str:
        style = match.group(1) or "decimal"
        if style not in FOLIO_STYLES:
            raise RuntimeError(f"folios in the {style} style are not supported (writers/pdf/unit_css.py)")
        return f"string({folio_string(style)})"

    with_folios = FOLIO.sub(folio, without_targets)
    # The whole book sets the book's title on its half-title; a unit laid out alone sets it itself.
    unit = with_folios + f"\nhtml {{ string-set: book-title {css_string(book_title)}; }}\n"
    return UnitStylesheets(unit, _page_rules(with_folios), numbered)


def _page_rules(css: str) -> str:
    """What a folio document needs of the stylesheet: its fonts, its pages (size, margins,
    margin boxes) and what pages inherit from (the root element); none of the rules for
    the book's elements, which a folio document has none of."""
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" or (rule.type == "qualified-rule"
                                      and tinycss2.serialize(rule.prelude).strip() in ("html", ":root")):
            kept.append(rule.serialize())
    return "\n".join(kept)


def _numbering_selectors(css: str) -> tuple[tuple[str, str], ...]:
    """(selector, counter style) of every rule whose declarations print a link target's page number."""
    selectors = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.content is not None and PAGE_NUMBER.search(tinycss2.serialize(rule.content)):
            raise RuntimeError(f"target-counter inside @{rule.at_keyword} is not supported (writers/pdf/unit_css.py)")
        if rule.type == "qualified-rule":
            found = PAGE_NUMBER.search(tinycss2.serialize(rule.content))
            if found:
                style = found.group(1) or "decimal"
                if style not in FOLIO_STYLES:
                    raise RuntimeError(f"page numbers in the {style} style are not supported (writers/pdf/unit_css.py)")
                selectors.append((tinycss2.serialize(rule.prelude).strip(), style))
    return tuple(selectors)


class NumberedLinks:
    """Which elements of a unit's markup print their link target's page number, and in
    which counter style: that of the most specific rule, the later one of equals, as the
    cascade chooses."""

    def __init__(self, selectors: tuple[tuple[str, str], ...]):
        self.matcher = cssselect2.Matcher()
        for order, (selector, style) in enumerate(selectors):
            for compiled in cssselect2.compile_selector_list(selector):
                self.matcher.add_selector(compiled, (order, style))

    def matches(self, root) -> dict:
        """{element: counter style} under the lxml element `root`."""
        found = {}
        for wrapper in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
            matched = self.matcher.match(wrapper)
            if matched:
                # (specificity, order, pseudo-element, payload): the winner is the greatest.
                best = max(matched, key=lambda m: (m[0], m[3][0]))
                found[wrapper.etree_element] = best[3][1]
        return found


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'
