"""Break opportunities in words too long for any line, for WeasyPrint's sake.

The theme lets a word longer than the line break anywhere (`overflow-wrap`), but
WeasyPrint finds such a break by laying the rest of the paragraph out again for every
line, which grows with the square of the word: a 100,000-character word would take
hours. Words longer than `LONG_WORD` get an invisible break opportunity (U+200B) every
`SEGMENT` characters instead, so every line breaks the ordinary, linear way. Ordinary
long words (URLs) are left to CSS and keep copying cleanly.
"""

from __future__ import annotations

import re

from lxml import html

LONG_WORD = 200
SEGMENT = 16  # shorter than any line of any trim, so no segment needs breaking itself
ZERO_WIDTH_SPACE = "\u200b"
_LONG = re.compile(r"\S{%d,}" % LONG_WORD)
# A cheap test on the serialised document: only a document with such a run is parsed.
_LONG_RUN = re.compile(r"[^\s<>]{%d,}" % LONG_WORD)


def _split(match: re.Match) -> str:
    word = match.group(0)
    return ZERO_WIDTH_SPACE.join(word[i:i + SEGMENT] for i in range(0, len(word), SEGMENT))


def _breakable(text: str | None) -> str | None:
    return _LONG.sub(_split, text) if text and len(text) >= LONG_WORD else text


def break_long_words(document: str) -> str:
    """The HTML document with every over-long word made breakable; unchanged when none is."""
    if not _LONG_RUN.search(document):
        return document
    root = html.document_fromstring(document)
    if not break_long_words_in(root):
        return document
    return html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode", method="html")


def break_long_words_in(root) -> bool:
    """The same in a parsed tree (a unit's markup, book_layout.py); True if anything changed."""
    changed = False
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("style", "script", "head", "title", "meta"):
            continue
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            new = _breakable(value)
            if new != value:
                setattr(el, attr, new)
                changed = True
    return changed


# Inline elements a space can move into unseen: nothing drawn under or around them (no
# underline, strike-through, background or box), not a note (set at the foot of the page),
# and no class of the author's (whose CSS may draw something).
SPACE_TAKERS = {"em", "i", "strong", "b", "span", "cite", "q", "abbr", "dfn", "small", "var", "a"}
PLAIN_CLASSES = {"idx", "index-term", "index-locators", "index-see-also", "math", "smallcaps", "caption-number",
                 "section-number", "chapter-number"}
LINKS_WITHOUT_LINES = {"xref", "citation-ref", "index-locator", "index-page"}  # print.css, base.css: no underline
VERBATIM = {"pre", "code", "kbd", "samp"}


def spaces_into_inlines(root) -> bool:
    """Moves the space before an inline element into it; True if anything moved.

    WeasyPrint (the pinned version) breaks a line too early when the first word of the
    inline element that comes next does not fit and the text before it ends with a space:
    it breaks at the line's first break opportunity instead of at that space, and leaves a
    word or two alone on a line in the middle of a paragraph ("to" alone, then the rest of
    the sentence). With the space inside the element, the element holds the break, and the
    line breaks where it should."""
    changed = False
    for el in root.iter():
        if not isinstance(el.tag, str) or not _takes_space(el) or any(a.tag in VERBATIM for a in el.iterancestors()):
            continue
        parent, previous = el.getparent(), el.getprevious()
        if parent is None:
            continue
        text = previous.tail if previous is not None else parent.text
        if not text or not text[-1].isspace():
            continue
        if previous is not None:
            previous.tail = text[:-1]
        else:
            parent.text = text[:-1]
        el.text = text[-1] + (el.text or "")
        changed = True
    return changed


def _takes_space(el) -> bool:
    classes = set((el.get("class") or "").split())
    if el.tag == "a":
        return bool(classes & LINKS_WITHOUT_LINES) and classes <= LINKS_WITHOUT_LINES | {"front-target"}
    return el.tag in SPACE_TAKERS and classes <= PLAIN_CLASSES
