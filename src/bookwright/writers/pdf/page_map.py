"""Where every unit's pages fall in the book, and the numbers that follow from it.

Every unit opens a page, as in the whole book, and ends where the next one opens (the
blank verso before a chapter is the end of the unit before it: units.py), so the book's
pages are the units' pages one after another. The page map says where each unit starts,
where the arabic folios restart at 1, and which page holds each anchor.

A unit's markup is prepared once (`UnitMarkup`); for each round of the layout it is filled
in with the numbers of the current map: each link whose page number the stylesheet prints
gets `data-folio` (unit_css.py), the number its `target-counter` would print, formatted the
same way. A link to an anchor in another unit points at a private address
(`bw-link:<anchor>`), which WeasyPrint keeps as a link; the join turns it back into a link
to the named destination (join.py). A link whose anchor is nowhere in the book stays as
it is, and WeasyPrint drops it as the whole book would.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from lxml import html as lxml_html

from bookwright.writers.common import escape_text
from bookwright.writers.pdf.folios import folio_text
from bookwright.writers.pdf.linebreaks import break_long_words_in
from bookwright.writers.pdf.unit_css import NumberedLinks

PLACEHOLDER = "00"  # the number a link prints before the page map knows its target's page
LINK_SCHEME = "bw-link:"


@dataclass(frozen=True)
class PageMap:
    starts: tuple[int, ...]  # global index of each unit's first page
    counts: tuple[int, ...]  # pages of each unit
    total: int
    body_start: int  # global index where arabic folios restart at 1
    anchors: dict[str, int]  # anchor name → global page index (its first page)

    def counter(self, page: int) -> int:
        """The page counter of global page `page`, as the one-pass layout counts it."""
        return page + 1 if page < self.body_start else page - self.body_start + 1


def page_map(counts: list[int], anchors: list[list[list[str]]], body_unit: int | None) -> PageMap:
    """`counts[k]` pages in unit k, `anchors[k][i]` the anchors on its page i; the body
    (arabic folios) starts with unit `body_unit`, or never."""
    starts, found = [], {}
    total = 0
    for k, count in enumerate(counts):
        starts.append(total)
        for i, names in enumerate(anchors[k]):
            for name in names:
                found.setdefault(name, total + i)
        total += count
    body = starts[body_unit] if body_unit is not None else total
    return PageMap(tuple(starts), tuple(counts), total, body, found)


class UnitMarkup:
    """One unit's markup, parsed once, filled in with each round's page numbers."""

    def __init__(self, key: str, markup: str, numbered: NumberedLinks):
        self.key = key
        self.wrapper = lxml_html.fragment_fromstring(markup, create_parent="div")
        break_long_words_in(self.wrapper)  # once, not in every round's document
        self.ids = {el.get("id") for el in self.wrapper.iter() if isinstance(el.tag, str) and el.get("id")}
        self.ids |= {el.get("name") for el in self.wrapper.iter("a") if el.get("name")}
        # link → (the anchor whose page it prints, in which counter style)
        self.targets = {link: (link.get("href")[1:], style) for link, style in numbered.matches(self.wrapper).items()
                        if (link.get("href") or "").startswith("#")}
        self.prints_numbers = bool(self.targets)

    def point_links_elsewhere(self, anywhere: set[str]) -> None:
        """Links to anchors in other units get the private address the join resolves."""
        for link in self.wrapper.iter("a"):
            href = link.get("href") or ""
            if href.startswith("#") and href[1:] not in self.ids and href[1:] in anywhere:
                link.set("href", LINK_SCHEME + quote(href[1:], safe=""))

    def html(self, pages: PageMap | None) -> str:
        """The markup with the page numbers of `pages` (None: placeholders)."""
        for link, (target, style) in self.targets.items():
            page = pages.anchors.get(target) if pages is not None else None
            link.set("data-folio", PLACEHOLDER if page is None else folio_text(pages.counter(page), style))
        wrapper = self.wrapper
        return escape_text(wrapper.text or "") + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in wrapper)
