"""Cross-reference syntax, compatible with Quarto and pandoc-crossref habits.

`@sec-x` full reference ("Section 5.2"); `@Sec-x` the same at the start of a sentence
(capitalised); `[-@fig-x]` number alone ("5.1"); `[Fig. @fig-x]` custom prefix
("Fig. 5.1"), which may hold Markdown (`[see *the loop* in @fig-x]`); `[@fig-x, page]`
page reference ("Figure 5.1 on page 87" in the PDFs, "Figure 5.1" where there are no
pages). Only keys with a label prefix are ours; every other `@key` is left for
citations. `\\@fig-x` is an at-sign and text, in brackets too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor

from bookwright.parse.syntax.keys import LABEL, in_address, is_capitalised, label_of

# Shared with the source scanner, so diagnostics find the same tokens the parser saw.
# Written literal first, the character before it checked from behind (`@(?<!X@)` matches
# what `(?<!X)@` does): a pattern that opens with a literal is searched for quickly, and
# the inline patterns run on every text of every chapter.
BARE_REFERENCE = re.compile(rf"@(?<![\w@.\\]@)({LABEL})")
BRACKETED_REFERENCE = re.compile(rf"\[(?<!\\\[)([^\[\]@]*?)(-?)@(?<!\\@)({LABEL})(\s*,\s*page)?([^\[\]@]*)\]")


def reference_element(written: str, form: str) -> etree.Element:
    el = etree.Element("a")
    el.set("class", "xref")
    el.set("data-ref", label_of(written))
    el.set("data-form", form)
    if is_capitalised(written):
        el.set("data-capital", "true")
    return el


class BareReferencePattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(BARE_REFERENCE.pattern, md)
        self.compiled_re = BARE_REFERENCE

    def handleMatch(self, m, data):
        if in_address(data, m.start()):
            return None, None, None
        return reference_element(m.group(1), "full"), m.start(0), m.end(0)


class BracketedReferencePattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(BRACKETED_REFERENCE.pattern, md)
        self.compiled_re = BRACKETED_REFERENCE

    def handleMatch(self, m, data):
        prefix, minus, label, page, suffix = m.groups()
        form = "number" if minus else ("page" if page else "full")
        el = reference_element(label, form)
        if prefix.strip():
            # The author's words replace the kind's word; the inline patterns after this
            # one read them as Markdown (the element's text is processed further).
            el.set("data-prefixed", "true")
            el.text = prefix.strip()
        el.tail = suffix or None
        return el, m.start(0), m.end(0)
