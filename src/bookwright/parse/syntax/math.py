"""Math in LaTeX notation, as in Pandoc: `$...$` inline, `$$...$$` display, and
`\\[...\\]` display (LaTeX's own, which Bookdown and Quarto manuscripts use).

Currency stays text: as in Pandoc, an opening `$` must have a non-space character right
after it, a closing `$` a non-space character right before it and no digit after it, so
"$5 and $10" is not a formula. `\\$` is a literal dollar sign.

A paragraph that is only a display formula becomes an equation block, and may carry a
label: `$$ L = \\lambda W $$ {#eq-little}`. The extension leaves `<span class="math"
data-display="inline|block">TeX</span>` (inside `<div class="equation">` for a block);
the whole-book pass checks and converts the TeX.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from bookwright.parse.syntax.spans import span_attributes

# Shared with the source scanner, so diagnostics find the formulas the parser saw.
# Written literal first, the character before it checked from behind (`$(?<!X$)` matches
# what `(?<!X)$` does): a pattern that opens with a literal is searched for quickly, and
# the inline patterns run on every text of every chapter.
DISPLAY_MATH = re.compile(r"\$(?<![\\$]\$)\$(?!\$)((?:[^$\\]|\\.)+?)\$\$", re.S)
INLINE_MATH = re.compile(r"\$(?<![\\$]\$)(?![$\s])((?:[^$\\\n]|\\.|\n(?![ \t]*\n))*?[^\s\\])\$(?![$\d])")
# `\[...\]` is display math when it reads as TeX (a command, a sub- or superscript, an
# operator) or stands alone as a paragraph; "\[sic\]" stays escaped brackets.
BRACKET_MATH = re.compile(r"\\(?<!\\\\)\[((?=(?:[^\\]|\\(?!\]).)*?(?:[\^_=+<>{}]|\\[A-Za-z]))(?:[^\\]|\\(?!\]).)+?)\\\]",
                          re.S)
EQUATION_BLOCK = re.compile(r"^[ ]{0,3}(?:\$\$((?:[^$\\]|\\.)+?)\$\$|\\\[((?:[^\\]|\\(?!\]).)+?)\\\])"
                            r"[ \t]*(?:\{([^{}\n]*)\})?[ \t]*$", re.S)


def math_element(tex: str, display: bool) -> etree.Element:
    el = etree.Element("span")
    el.set("class", "math")
    el.set("data-display", "block" if display else "inline")
    el.text = AtomicString(tex.strip())
    return el


class DisplayMathPattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(DISPLAY_MATH.pattern, md)
        self.compiled_re = DISPLAY_MATH

    def handleMatch(self, m, data):
        return math_element(m.group(1), True), m.start(0), m.end(0)


class BracketMathPattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(BRACKET_MATH.pattern, md)
        self.compiled_re = BRACKET_MATH

    def handleMatch(self, m, data):
        return math_element(m.group(1), True), m.start(0), m.end(0)


class InlineMathPattern(InlineProcessor):
    def __init__(self, md):
        super().__init__(INLINE_MATH.pattern, md)
        self.compiled_re = INLINE_MATH

    def handleMatch(self, m, data):
        return math_element(m.group(1), False), m.start(0), m.end(0)


class EquationBlockProcessor(BlockProcessor):
    """A paragraph that is one display formula, with an optional `{#eq-...}` after it."""

    def test(self, parent, block):
        return bool(EQUATION_BLOCK.match(block))

    def run(self, parent, blocks):
        m = EQUATION_BLOCK.match(blocks.pop(0))
        div = etree.SubElement(parent, "div")
        classes = ["equation"]
        for key, value in span_attributes(m.group(3) or ""):
            if key == "class":
                classes.extend(value.split())
            elif re.fullmatch(r"[A-Za-z_:][\w:.-]*", key):
                div.set(key, value)
        div.set("class", " ".join(classes))
        div.append(math_element(m.group(1) if m.group(1) is not None else m.group(2), True))
