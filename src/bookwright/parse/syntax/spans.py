"""Bracketed spans, as in Pandoc: `[text]{#id .class key="value"}` → `<span ...>text</span>`.

One general extension, so that every feature that needs to mark a run of text (index
terms `{.idx}`, a language `{lang=de}`, small capitals `{.smallcaps}`, ...) reads the same
attribute syntax the author already uses on headings and figures. The span's text is
Markdown: emphasis, citations and references inside it are recognised by the patterns
that run after this one; a span inside a span is one too. An empty `[]{...}` is an
invisible mark (an index entry with no visible text). Nothing here gives attributes a
meaning; later stages look at the classes they own.

The attribute block itself was hidden from the other inline patterns before they ran
(syntax/attributes.py), so a backtick or a formula inside a quoted value stays a
character of the value.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.inlinepatterns import InlineProcessor

from bookwright.parse.syntax.attributes import ATTRIBUTES, BLOCK, attribute_text

# In the inline patterns an attribute block is a placeholder by now (or still literal,
# where the protector did not see it: syntax/attributes.py).
_PLACEHOLDER = util.INLINE_PLACEHOLDER % r"\d+"
AFTER_SPAN = re.compile(f"{BLOCK}|{_PLACEHOLDER}")
AFTER_SPAN_IN_SOURCE = re.compile(ATTRIBUTES)
OPENING = re.compile(r"\[(?<![\\!\]]\[)")
ATTRIBUTE_NAME = re.compile(r"[A-Za-z_:][\w:.-]*")


BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.S)


def bracket_pairs(text: str) -> dict[int, int]:
    """Each `[` of `text` that is closed → the offset of its `]` (escaped ones are text)."""
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for m in BRACKET_OR_ESCAPE.finditer(text):
        token = m.group()
        if token == "[":
            open_at.append(m.start())
        elif token == "]" and open_at:
            pairs[open_at.pop()] = m.start()
    return pairs


def written_spans(text: str):
    """(start, inner text, attribute text) of every bracketed span written in `text`, spans
    inside spans too, in the order they open."""
    pairs = bracket_pairs(text)
    for m in OPENING.finditer(text):
        start = m.start()
        if start not in pairs:
            continue
        block = AFTER_SPAN_IN_SOURCE.match(text, pairs[start] + 1)
        if block is not None:
            yield start, text[start + 1:pairs[start]], block.group(1)


def span_attributes(text: str) -> list[tuple[str, str]]:
    """`#id .class key="value" flag` → [("id", ...), ("class", ...), (key, value), (flag, "")]."""
    pairs, _ = get_attrs_and_remainder(text)
    out: list[tuple[str, str]] = []
    classes: list[str] = []
    for key, value in pairs:
        if key == ".":
            classes.append(value)
        elif value is None:
            out.append((key, ""))  # a flag such as `{.idx hidden}`
        else:
            out.append((key, value))
    if classes:
        out.append(("class", " ".join(classes)))
    return out


def span_element(md, text: str, attributes: list[tuple[str, str]]) -> etree.Element:
    """The span, with every bracketed span inside its text made a child span in turn."""
    el = etree.Element("span")
    for key, value in attributes:
        if ATTRIBUTE_NAME.fullmatch(key):
            el.set(key, value)
    position, last = 0, None
    pairs = bracket_pairs(text)
    for opening in OPENING.finditer(text):
        start = opening.start()
        if start < position or start not in pairs:
            continue
        block = AFTER_SPAN.match(text, pairs[start] + 1)
        written = attribute_text(md, block.group(0)) if block else None
        if written is None:
            continue
        child = span_element(md, text[start + 1:pairs[start]], span_attributes(written))
        before = text[position:start]
        if last is None:
            el.text = before
        else:
            last.tail = before
        el.append(child)
        last, position = child, block.end()
    if last is None:
        el.text = text
    else:
        last.tail = text[position:]
    return el


class BracketedSpanPattern(InlineProcessor):
    """Matches at a `[`; the bracket it closes with is found by counting, so spans nest."""

    def __init__(self, md):
        super().__init__(OPENING.pattern, md)
        self.compiled_re = OPENING
        self._pairs: tuple[str, dict[int, int]] = ("", {})

    def handleMatch(self, m, data):
        if self._pairs[0] is not data:
            self._pairs = (data, bracket_pairs(data))  # once per text, not once per bracket
        closing = self._pairs[1].get(m.start())
        block = AFTER_SPAN.match(data, closing + 1) if closing is not None else None
        written = attribute_text(self.md, block.group(0)) if block else None
        if written is None:
            return None, None, None  # not a span; leave it to the other patterns
        # "[x]{}" is a span without attributes, as in Pandoc: its text, nothing printed around it.
        return span_element(self.md, data[m.start() + 1:closing], span_attributes(written)), m.start(), block.end()
