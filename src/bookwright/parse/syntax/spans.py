"""Bracketed spans, as in Pandoc: `[text]{#id .class key="value"}` → `<span ...>text</span>`.

One general extension, so that every feature that needs to mark a run of text (index
terms `{.idx}`, a language `{lang=de}`, ...) reads the same attribute syntax the
author already uses on headings and figures. The span's text is Markdown: emphasis,
citations and references inside it are recognised by the patterns that run after this
one. An empty `[]{...}` is an invisible mark (an index entry with no visible text).
Nothing here gives attributes a meaning; later stages look at the classes they own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.inlinepatterns import InlineProcessor

# One level of nested brackets is allowed in the text ("[see [1]]{.idx}"); the braces must
# follow the closing bracket directly, as in Pandoc. Shared with the source scanners.
# Written literal first, the character before it checked from behind (`[(?<!X[)` matches
# what `(?<!X)[` does): a pattern that opens with a literal is searched for quickly, and
# the inline patterns run on every text of every chapter.
BRACKETED_SPAN = re.compile(r"\[(?<![\\!\]]\[)((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\{([^{}\n]*)\}")


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


class BracketedSpanPattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(BRACKETED_SPAN.pattern, md)

    def handleMatch(self, m, data):
        attributes = span_attributes(m.group(2))
        if not attributes:
            return None, None, None  # "[x]{}" is not a span; leave it to the other patterns
        el = etree.Element("span")
        for key, value in attributes:
            if re.fullmatch(r"[A-Za-z_:][\w:.-]*", key):
                el.set(key, value)
        el.text = m.group(1)
        return el, m.start(0), m.end(0)
