"""The web edition's full-text search index, built once at build time.

The index is a script that assigns one global, not a JSON file to fetch: browsers refuse
`fetch()` from `file://`, and the edition must search offline from the files alone.

Each section (a chapter's opening, or the text under one of its headings) is one
document: where it lives, its heading, and its plain text for snippets. A map from
folded token to the sections that hold it makes lookups a dictionary access instead of
a scan; postings are delta-encoded in base 36 so that a word found in every section of a
long book costs two characters per section. web.js tokenises queries the same way
(`fold` below and `fold` there must agree).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass

from lxml import html

# Elements whose boundaries separate words even when the HTML has no space between them.
BLOCKS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "td", "th", "tr", "table", "caption", "figure",
    "figcaption", "blockquote", "pre", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "aside", "hr",
}
SPLIT_HEADINGS = ("h2", "h3", "h4")
TOKEN = re.compile(r"\w+")
GLOBAL_NAME = "bookwrightSearch"


@dataclass
class SearchSection:
    page: int  # index into the page list
    anchor: str  # element id on the page, "" for the top
    title: str
    text: str


def fold(text: str) -> str:
    """Lower case without accents: "Café" and "cafe" are one word to a searcher."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def tokens(text: str) -> list[str]:
    out: list[str] = []
    # Composed first, so that an accent typed as a combining mark stays inside its word.
    for word in TOKEN.findall(unicodedata.normalize("NFC", text)):
        out.extend(_folded_word(word))
    return out


@functools.lru_cache(maxsize=65536)
def _folded_word(word: str) -> tuple[str, ...]:
    # Folding word by word, each distinct word once, is what keeps a 500-page book's
    # index fast to build; folding can split a word ("½" → "1⁄2"), hence a tuple.
    return tuple(t for t in TOKEN.findall(fold(word)) if len(t) > 1 or t.isdigit())


def plain_text(el: html.HtmlElement, skip=lambda el: False) -> str:
    """The element's text with its tail left out, words kept apart at block boundaries."""
    parts: list[str] = []

    def walk(node, top: bool = False) -> None:
        if isinstance(node.tag, str) and not skip(node):
            block = node.tag in BLOCKS
            if block:
                parts.append(" ")
            parts.append(node.text or "")
            for child in node:
                walk(child)
            if block:
                parts.append(" ")
        if not top:
            parts.append(node.tail or "")

    walk(el, top=True)
    return " ".join("".join(parts).split())


def is_note_call(el) -> bool:
    # The call's number would glue itself to the word before it ("ledger.2").
    return el.tag == "a" and "noteref" in el.get("class", "").split()


def chapter_sections(page: int, title: str, body: html.HtmlElement,
                     note_text: dict[str, str]) -> list[SearchSection]:
    """Splits a chapter at its headings; a note's text joins the section that calls it."""
    sections = [SearchSection(page, "", title, "")]
    pieces: list[list[str]] = [[]]
    for child in body:
        if not isinstance(child.tag, str):
            continue
        if child.tag in SPLIT_HEADINGS and child.get("id"):
            sections.append(SearchSection(page, child.get("id"), plain_text(child), ""))
            pieces.append([])
            continue
        if child.tag == "h1":
            continue
        pieces[-1].append(plain_text(child, skip=is_note_call))
        for call in child.iter("a"):
            if is_note_call(call) and call.get("data-note") in note_text:
                pieces[-1].append(note_text.pop(call.get("data-note")))
    for section, texts in zip(sections, pieces):
        section.text = " ".join(t for t in texts if t)
    return [s for s in sections if s.text or s.anchor]


def _postings(ids: list[int]) -> str:
    out, previous = [], 0
    for i in ids:
        out.append(_base36(i - previous))
        previous = i
    return ",".join(out)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, rest = divmod(n, 36)
        text = digits[rest] + text
        if n == 0:
            return text


def index_script(pages: list[tuple[str, str]], sections: list[SearchSection]) -> str:
    """The index as JavaScript: `pages` [href, chapter title], `sections` [page, anchor,
    title, text], `terms` token → delta-encoded section numbers."""
    postings: dict[str, list[int]] = {}
    for number, section in enumerate(sections):
        for token in set(tokens(section.title + " " + section.text)):
            postings.setdefault(token, []).append(number)
    data = {
        "pages": [list(p) for p in pages],
        "sections": [[s.page, s.anchor, s.title, s.text] for s in sections],
        "terms": {token: _postings(ids) for token, ids in sorted(postings.items())},
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</script" cannot end anything in an external script, but a U+2028 inside a string
    # literal broke older engines; escaping both costs nothing.
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL_NAME}={payload};\n"
