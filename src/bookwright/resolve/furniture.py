"""The trade book's furniture among the author's chapters: where "Also by" and "About the
author" go, and which quotations are epigraphs.

An author lists their chapters in reading order; a trade book moves a few of them. The
author's other books face the title page, so an `also-by` chapter comes first; the
dedication and a book's epigraph page come next, before the contents (where the editions
set them); and "About the author" is the last page of the book, after the index, so an
`about-author` chapter comes last. An epigraph is a quotation set under a chapter's title (or on an `epigraph`
page of its own): a block quotation right after the title is marked `epigraph`, and its
last paragraph, when it begins with a dash, `epigraph-source`. Every edition reads these
marks, so each sets the same quotation as an epigraph.
"""

from __future__ import annotations

from lxml import html

from bookwright.model import ResolvedChapter

# The front of the book, in this order: each group keeps the author's order within it.
FIRST_ROLES = (("also-by",), ("dedication", "epigraph"))
LAST_ROLES = ("about-author",)
SOURCE_DASHES = ("\u2014", "\u2015", "\u2013", "--")


def place_furniture(chapters: list[ResolvedChapter]) -> None:
    """Moves the front furniture (outside parts) to the front and `about-author` chapters to
    the end, in place."""
    first = [c for group in FIRST_ROLES for c in chapters if c.role in group and c.source.part is None]
    last = [c for c in chapters if c.role in LAST_ROLES]
    middle = [c for c in chapters if c not in first and c not in last]
    chapters[:] = first + middle + last


def mark_epigraphs(chapter: ResolvedChapter) -> None:
    body = chapter.body
    if chapter.role == "epigraph":
        quotes = body.findall(".//blockquote")
    else:
        h1 = body.find(".//h1")
        after = h1.getnext() if h1 is not None else None
        quotes = [after] if after is not None and after.tag == "blockquote" else []
    for quote in quotes:
        _add_class(quote, "epigraph")
        paragraphs = quote.findall("p")
        last = paragraphs[-1] if paragraphs else None
        if last is not None and len(paragraphs) > 1 and _text(last).lstrip().startswith(SOURCE_DASHES):
            _add_class(last, "epigraph-source")


def _text(el: html.HtmlElement) -> str:
    return el.text_content() or ""


def _add_class(el: html.HtmlElement, name: str) -> None:
    classes = el.get("class", "").split()
    if name not in classes:
        el.set("class", " ".join(classes + [name]))
