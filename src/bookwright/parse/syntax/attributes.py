"""Attribute blocks `{#id .class key="value"}` are opaque to inline Markdown.

Pandoc reads an attribute block as one token: a backtick, a dollar sign or an asterisk
inside a quoted value is a character of the value (`{.idx term="Cohen's $d$"}`,
`{fig-alt="the `ls` output"}`). Python-Markdown runs its inline patterns over the whole
text first, so without this a backtick in one span's attributes would pair with one in
the next span's and turn the text between into code, and a formula would be taken out of
the value and leave a placeholder behind.

`AttributeBlockProtector` runs before every other inline pattern and hides each block
that follows `]` or `)` (a bracketed span, a link, an inline image) behind a placeholder
holding its text, line breaks made spaces (Pandoc lets a block break over a line, and
attr_list reads one line). When inline processing ends, the placeholder becomes the
block's text again, where attr_list reads it; the patterns that read attribute blocks
themselves (bracketed spans) take the text back with `attribute_text`.
"""

from __future__ import annotations

import re

from markdown import util
from markdown.inlinepatterns import InlineProcessor

# `{`, then unquoted characters or whole quoted values (which may hold braces), then `}`;
# a line break inside is allowed, a blank line is not.
ATTRIBUTE_BODY = r"(?:[^{}\"'\n]|\n(?![ \t]*\n)|\"[^\"\n]*\"|'[^'\n]*')*"
ATTRIBUTES = r"\{(" + ATTRIBUTE_BODY + r")\}"  # the inside is group 1
BLOCK = r"\{" + ATTRIBUTE_BODY + r"\}"  # no group, to build other patterns with
# After a closing bracket or parenthesis that is not escaped. Written literal first, the
# characters before it checked from behind: the pattern runs on every text of every chapter.
PROTECTED_BLOCK = re.compile(r"\{(?<=[\])]\{)(?<!\\[\])]\{)(" + ATTRIBUTE_BODY + r")\}")


def one_line(text: str) -> str:
    return " ".join(text.split("\n"))


class AttributeBlockProtector(InlineProcessor):
    def __init__(self, md):
        super().__init__(PROTECTED_BLOCK.pattern, md)
        self.compiled_re = PROTECTED_BLOCK

    def handleMatch(self, m, data):
        # A string, not an element: the inline processor puts it back as plain text.
        return "{" + one_line(m.group(1)) + "}", m.start(0), m.end(0)


def attribute_text(md, text: str) -> str | None:
    """The inside of an attribute block as written: `text` is a protected block's
    placeholder or a literal `{...}`; None when it is neither."""
    text = text.strip()
    found = util.INLINE_PLACEHOLDER_RE.fullmatch(text)
    if found:
        stashed = md.treeprocessors["inline"].stashed_nodes.get(found.group(1))
        if not isinstance(stashed, str) or not stashed.startswith("{"):
            return None
        text = stashed
    if text.startswith("{") and text.endswith("}"):
        return one_line(text[1:-1])
    return None


BACKTICKS = re.compile(r"`+")
PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_BLOCK_AFTER_BRACKET = re.compile(r"[\])]\{(" + ATTRIBUTE_BODY + r")\}")


def code_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Where inline code is in `text[start:end]`, read left to right as Pandoc does: a
    backtick inside an attribute block's quoted value is a character of the value, not
    the start of code."""
    end = len(text) if end is None else end
    spans = []
    position = start
    while position < end:
        tick = text.find("`", position, end)
        block = text.find("]{", position, end)
        block_paren = text.find("){", position, end)
        block = min((b for b in (block, block_paren) if b != -1), default=-1)
        if tick == -1:
            break
        if block != -1 and block < tick:
            m = _BLOCK_AFTER_BRACKET.match(text, block)
            position = m.end() if m is not None and m.end() <= end else block + 2
            continue
        run = BACKTICKS.match(text, tick).group(0)
        closing = re.compile(r"(?<!`)" + run + r"(?!`)")
        paragraph_end = PARAGRAPH_END.search(text, tick, end)  # code never spans a blank line
        found = closing.search(text, tick + len(run), paragraph_end.start() if paragraph_end else end)
        if found is None:
            position = tick + len(run)  # an unmatched run is text
            continue
        spans.append((tick, found.end()))
        position = found.end()
    return spans
