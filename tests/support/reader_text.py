"""What a reader sees of a built edition, as text: each block's words in reading order,
the text outside code, and the marks of Pandoc and Quarto constructs that must never
reach a reader (issue 16)."""

from __future__ import annotations

import re

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption", "th", "td", "pre",
          "summary", "blockquote", "div", "aside", "section", "figure", "ul", "ol", "dl", "table", "tr", "details"}
HIDDEN = {"head", "script", "style", "math", "nav", "header", "footer"}
# The marks of every construct issue 16 reads; in a reader's text outside code, each one is
# a construct printed as written.
MARKUP = ("^[", "]{", "{.", "{#", "[@", "@sec-", "@fig-", "@tbl-", "@Fig-", "@Sec-", "[^", ":::", "{{<", ">}}",
          "~~", "**", "\\[", "\\]", "\\ref", "\\@ref", "\\begin", "\\end", "\\emph", "\\textbar", "$", "(PART)",
          "(APPENDIX)", "!!!", "+---", "+===", "#|")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def reader_lines(root) -> list[str]:
    """The text of each block in reading order (a block's own text: its inner blocks are
    lines of their own); a formula reads as its TeX."""
    lines: list[str] = []
    for el in root.iter():
        if _local(el.tag) not in BLOCKS or any(_local(a.tag) in HIDDEN for a in el.iterancestors()):
            continue
        text = _own_text(el)
        if text:
            lines.append(text)
    return lines


def _own_text(el) -> str:
    def walk(node, top: bool) -> str:
        name = _local(node.tag)
        if name == "math":
            return node.get("alttext", "")
        if name == "br":
            return " "  # a line break separates words as a space does
        if name in HIDDEN or (not top and name in BLOCKS):
            return ""
        return (node.text or "") + "".join(walk(child, False) + (child.tail or "") for child in node)

    return re.sub(r"\s+", " ", walk(el, True)).strip()


def outside_code(root) -> str:
    """The reader's text with code, formulas and hidden furniture left out."""
    parts = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        inside = any(_local(a.tag) in ("code", "pre", "kbd", "math", *HIDDEN) for a in el.iterancestors())
        if not inside and _local(el.tag) not in ("code", "pre", "kbd", "math", *HIDDEN) and el.text:
            parts.append(el.text)
        if el.tail and not inside:
            parts.append(el.tail)
    return "".join(parts)


def markup_in(text: str) -> list[str]:
    return [mark for mark in MARKUP if mark in text]
