"""Helpers every writer shares: copying a chapter body and pointing its links.

A writer never changes the resolved model: it works on a deep copy of each body.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree, html

from bookwright.model import ResolvedBook, ResolvedChapter, TocEntry

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def body_copy(chapter: ResolvedChapter, edition: str) -> html.HtmlElement:
    """The chapter's body as `edition` ("epub", "pdf" for the screen PDF and every print
    interior, "web") shows it: a copy, without the content that is for other editions."""
    body = copy.deepcopy(chapter.body)
    for_edition(body, edition)
    return body


def for_edition(body: html.HtmlElement, edition: str) -> None:
    """Conditional content (parse/syntax/conditional.py) not for `edition` is left out, and
    a link to something left out keeps its words but links nowhere."""
    for el in body.xpath(".//*[@data-editions]"):
        if edition in el.attrib.pop("data-editions").split():
            continue
        if el.getparent() is not None:
            el.drop_tree()  # its tail, the text after it, stays
    for el in body.xpath(".//*[@data-target-editions]"):
        if edition in el.attrib.pop("data-target-editions").split():
            continue
        for name in ("data-chapter", "data-id", "href"):
            el.attrib.pop(name, None)
        el.tag = "span"


def point_links(body: html.HtmlElement, href_for: Callable[[str, str], str]) -> None:
    """Gives every resolved link (`data-chapter`, `data-id`) the href of its edition."""
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        chapter = el.get("data-chapter")
        if chapter is None:
            continue
        el.set("href", href_for(chapter, el.get("data-id", "")))
        del el.attrib["data-chapter"]
        el.attrib.pop("data-id", None)


def rename_ids(body: html.HtmlElement, rename: Callable[[str], str]) -> None:
    for el in body.iter():
        if isinstance(el.tag, str) and el.get("id"):
            el.set("id", rename(el.get("id")))


def point_images(body: html.HtmlElement, src_for: Callable[[str], str]) -> None:
    for img in body.iter("img"):
        if img.get("src"):
            img.set("src", src_for(img.get("src")))


def inner_xml(el: html.HtmlElement) -> str:
    """The element's content serialised as well-formed XML (for XHTML documents)."""
    parts = [escape_text(el.text or "")]
    for child in el:
        parts.append(etree.tostring(child, method="xml", encoding="unicode", with_tail=True))
    return "".join(parts)


def inner_html(el: html.HtmlElement) -> str:
    parts = [escape_text(el.text or "")]
    for child in el:
        parts.append(html.tostring(child, method="html", encoding="unicode", with_tail=True))
    return "".join(parts)


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


def iter_toc(entries: list[TocEntry]):
    for entry in entries:
        yield entry
        yield from iter_toc(entry.children)


def front_matter_keys(book: ResolvedBook) -> set[str]:
    """Chapters before the first numbered chapter or part: printed with roman folios."""
    keys = set()
    for chapter in book.chapters:
        if chapter.role == "chapter" or chapter.source.part is not None:
            break
        keys.add(chapter.key)
    return keys


def roman(number: int) -> str:
    """A page number in lower-case roman numerals, as front matter is numbered (0 and below stay arabic)."""
    if number <= 0:
        return str(number)
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)
