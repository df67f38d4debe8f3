"""Citation syntax, as in Pandoc.

`[@suzaki2002]` parenthetical; `[see @crosby1996, p. 33; @a]` several, with prefix and
locator; `[-@gardner1990]` without the author; `@gardner1990 sees` narrative (the author
in the sentence), `@gardner1990 [p. 33]` narrative with a locator.

Keys that start with a label prefix (`sec-`, `fig-`, ...) are cross-references and are
never matched here (syntax/references.py owns them). The extension leaves
`<cite class="citation" data-keys="a b" data-mode="normal|narrative|suppress-author"
data-items='[{"key": "a", "locator": "33", "label": "page", ...}]'>` for the whole-book
pass, which formats it with the book's citation style.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor

from bookwright.parse.syntax.keys import CITATION_KEY as KEY, in_address

# Shared with the source scanner, so diagnostics find the same keys the parser saw.
KEY_USE = re.compile(rf"(?<![\w@.\\])@({KEY})")
# Written literal first, the character before it checked from behind (`[(?<!X[)` matches
# what `(?<!X)[` does): a pattern that opens with a literal is searched for quickly, and
# the inline patterns run on every text of every chapter.
BRACKETED_CITATION = re.compile(r"\[(?<![\\!\]]\[)([^\[\]]*(?<![\w@.\\])-?@" + KEY + r"[^\[\]]*)\](?![(\[{:])")
NARRATIVE_CITATION = re.compile(rf"@(?<![\w@.\\]@)({KEY})(?:[ \t]\[([^\[\]@]*)\](?![(\[{{:]))?")
ITEM = re.compile(rf"^(?P<prefix>.*?)(?P<minus>-?)(?<![\w@.\\])@(?P<key>{KEY})(?P<rest>.*)$", re.S)
AFFIXES = ("prefix", "suffix")

# Locator words (Pandoc's English list, abbreviated) → CSL locator types.
LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chaps": "chapter", "chapter": "chapter", "chapters": "chapter", "ch": "chapter",
    "sec": "section", "secs": "section", "section": "section", "sections": "section", "§": "section", "§§": "section",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
    "fig": "figure", "figs": "figure", "figure": "figure",
    "n": "note", "nn": "note", "note": "note", "notes": "note",
    "vol": "volume", "vols": "volume", "volume": "volume",
    "l": "line", "ll": "line", "line": "line", "lines": "line",
    "bk": "book", "bks": "book", "book": "book",
    "col": "column", "cols": "column", "column": "column",
    "pt": "part", "pts": "part", "part": "part",
    "v": "verse", "vv": "verse", "verse": "verse",
    "fol": "folio", "fols": "folio", "no": "number", "op": "opus", "sv": "sub verbo", "s.v": "sub verbo",
}
_LABEL = "|".join(sorted((re.escape(k) for k in LOCATOR_LABELS), key=len, reverse=True))
_VALUE = r"[0-9ivxlcdmIVXLCDM]+[a-z]?(?:\s*(?:[-–—,&]|and)\s*[0-9ivxlcdmIVXLCDM]+[a-z]?)*"
LOCATOR = re.compile(rf"^\s*(?:(?P<label>{_LABEL})\.?\s+(?P<value>{_VALUE})|(?P<bare>\d+[a-z]?(?:\s*[-–—,&]\s*\d+[a-z]?)*))(?P<suffix>.*)$", re.S | re.I)


def parse_locator(rest: str) -> dict[str, str]:
    """`, p. 33 and passim` → {"label": "page", "locator": "33", "suffix": " and passim"}."""
    item: dict[str, str] = {}
    if not rest.strip():
        return item
    text = rest
    if text.lstrip().startswith(","):
        m = LOCATOR.match(text.lstrip()[1:])
        if m:
            if m.group("label"):
                item["label"] = LOCATOR_LABELS[m.group("label").lower()]
                item["locator"] = m.group("value").replace("--", "–").replace("-", "–")
            else:
                item["label"] = "page"
                item["locator"] = m.group("bare").replace("--", "–").replace("-", "–")
            text = m.group("suffix")
    if text.strip():
        item["suffix"] = text.rstrip()
    return item


def parse_items(content: str) -> list[dict] | None:
    """The items of `[see @a, p. 3; -@b]`, or None when the brackets are not a citation."""
    items = []
    for part in content.split(";"):
        m = ITEM.match(part)
        if not m or "@" in m.group("rest"):
            return None
        item: dict = {"key": m.group("key")}
        prefix = m.group("prefix").strip()
        if prefix:
            item["prefix"] = prefix
        if m.group("minus"):
            item["suppress"] = True
        item.update(parse_locator(m.group("rest")))
        items.append(item)
    return items


def citation_element(items: list[dict], mode: str) -> etree.Element:
    """The neutral citation. An item's prefix and suffix are Markdown (`[see *Ch. 2* in
    @a]`, `[@a with $N = 30$]`), so they are child elements, which the inline patterns
    after this one read further: `<span class="citation-affix" data-affix="prefix-0">`.
    The whole-book pass sets each one where the citation style puts the affix."""
    el = etree.Element("cite")
    el.set("class", "citation")
    el.set("data-keys", " ".join(item["key"] for item in items))
    el.set("data-mode", mode)
    plain = []
    for index, item in enumerate(items):
        for kind in AFFIXES:
            text = item.pop(kind, "")
            if text:
                affix = etree.SubElement(el, "span")
                affix.set("class", "citation-affix")
                affix.set("data-affix", f"{kind}-{index}")
                affix.text = text
        plain.append(item)
    el.set("data-items", json.dumps(plain, ensure_ascii=False, separators=(",", ":")))
    return el


class BracketedCitationPattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(BRACKETED_CITATION.pattern, md)

    def handleMatch(self, m, data):
        items = parse_items(m.group(1))
        if items is None:
            return None, None, None
        mode = "suppress-author" if all(item.get("suppress") for item in items) else "normal"
        return citation_element(items, mode), m.start(0), m.end(0)


class NarrativeCitationPattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(NARRATIVE_CITATION.pattern, md)

    def handleMatch(self, m, data):
        if in_address(data, m.start()):
            return None, None, None
        item: dict = {"key": m.group(1)}
        if m.group(2) is not None:
            locator = parse_locator(", " + m.group(2))
            if "locator" not in locator:
                # "@smith [a note]" is a narrative citation followed by ordinary brackets.
                return citation_element([item], "narrative"), m.start(0), m.start(0) + len(m.group(1)) + 1
            item.update(locator)
        return citation_element([item], "narrative"), m.start(0), m.end(0)
