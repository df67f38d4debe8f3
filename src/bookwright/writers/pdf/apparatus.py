"""The scholarly apparatus as the PDF shows it: formulas drawn as SVG, the index with
page numbers.

Formulas: WeasyPrint has no MathML, so the MathML the other editions show is drawn by
ziamath into an SVG image (a `data:` URL inside the document, nothing fetched), sized
in em of the surrounding text, with the TeX as its text alternative.

Index page numbers are links that print their target's page number (`target-counter`,
filled in from the page map when the book is laid out unit by unit: book_layout.py).
Merging them ("12, 12, 13, 14" → "12–14") needs to know which locators share or follow
a page, which only a layout can tell: the page map of one round gives the page of every
mark, and the index is made again with the merged list for the next round, until the
page map stands still. A range is two page numbers ("12–14"), each its own link.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from lxml import html

from bookwright.resolve.apparatus.formulas import mathml_svg
from bookwright.resolve.apparatus.index import render_index
from bookwright.model import IndexEntry, ResolvedBook, ResolvedChapter


def draw_formulas(body: html.HtmlElement) -> None:
    """Each `span.math` gets an SVG image of its MathML in place of the MathML."""
    for span in body.xpath(".//span[contains(concat(' ', @class, ' '), ' math ')]"):
        math = next((child for child in span if child.tag == "math"), None)
        if math is None:
            continue
        svg, width, height, depth = mathml_svg(html.tostring(math, encoding="unicode"))
        img = html.Element("img")
        img.set("class", "math-image")
        img.set("src", "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"))
        img.set("alt", span.get("data-tex", ""))
        style = f"width: {width:.3f}em; height: {height:.3f}em"
        if span.get("data-display") != "block":
            style += f"; vertical-align: {-depth:.3f}em"
        img.set("style", style)
        span.replace(math, img)


def tidy_footnotes(body: html.HtmlElement) -> None:
    """Drops the line breaks between a footnote's blocks. Its blocks are spans (a footnote
    sits inside a paragraph), and WeasyPrint would set each break as an empty line."""
    for footnote in body.xpath(".//span[contains(concat(' ', @class, ' '), ' footnote ')]"):
        for el in footnote.iter("span"):
            if "note-block" not in el.get("class", "").split():
                continue
            if el.tail is not None and not el.tail.strip():
                el.tail = None
            parent = el.getparent()
            if parent[0] is el and parent.text is not None and not parent.text.strip():
                parent.text = None


def index_body(book: ResolvedBook, words: dict, front: set[str], pages: dict[str, int] | None,
               anchor: Callable[[str, str], str]) -> list[html.HtmlElement]:
    """The index groups with page numbers; merged into ranges when `pages` is known."""
    def locators(entry: IndexEntry) -> list:
        runs = _runs(entry, pages, front, anchor)
        out: list = []
        for first, last in runs:
            if out:
                out.append(", ")
            out.append(_page_link(first, front))
            if last is not None:
                out.append("\u2013")
                out.append(_page_link(last, front))
        return out

    return render_index(book.index, words, locators)


def _runs(entry: IndexEntry, pages: dict[str, int] | None, front: set[str], anchor) -> list[tuple]:
    """[(first locator, last locator or None)]: one per page, consecutive pages joined."""
    if pages is None:
        return [(locator, None) for locator in entry.locators]
    placed = []
    for locator in entry.locators:
        page = pages.get(anchor(locator.chapter, locator.element_id))
        if page is not None:
            placed.append((page, locator.chapter in front, locator))
    placed.sort(key=lambda p: p[0])
    runs: list[list] = []
    for page, in_front, locator in placed:
        if runs and runs[-1][1] == page:
            continue  # same page: printed once
        if runs and runs[-1][1] == page - 1 and runs[-1][2] == in_front:
            runs[-1][1], runs[-1][3] = page, locator
            continue
        runs.append([locator, page, in_front, None])
    return [(first, last) for first, _, _, last in runs]


def _page_link(locator, front: set[str]) -> html.HtmlElement:
    link = html.Element("a")
    link.set("class", "index-page" + (" front-target" if locator.chapter in front else ""))
    link.set("data-chapter", locator.chapter)
    link.set("data-id", locator.element_id)
    return link


def replace_index(chapter: ResolvedChapter, body: html.HtmlElement, groups: list[html.HtmlElement]) -> None:
    holder = body.find(".//div[@class='index-body']")
    if chapter.role != "index" or holder is None:
        return
    for child in list(holder):
        holder.remove(child)
    for group in groups:
        holder.append(group)
