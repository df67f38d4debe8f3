"""What a label may name, and the label mistakes only the whole book can see.

A label's prefix promises a kind of target: `sec-` a heading, `fig-` a figure, `tbl-` a
table, `lst-` a listing, `eq-` a display equation. A label on anything
else would print nonsense ("sec 3"), so it is an error. And `@key` without a prefix is
reserved for citations: when such a key names an id the author gave something with
`{#key}`, they almost certainly meant a cross-reference and forgot the prefix.
"""

from __future__ import annotations

import re

from lxml import html
from markdown.extensions.attr_list import get_attrs

from bookwright.diagnostics import Diagnostics
from bookwright.model import LABEL_KINDS, ParsedChapter, SourceLocation
from bookwright.parse.sourcemap import SourceMap

# What each prefix names, as the messages say it.
PREFIX_NAMES = {"sec": "headings", "fig": "figures", "tbl": "tables", "lst": "listings", "eq": "equations"}
# `{#id}`, `{: #id .class}`: Python-Markdown's attribute lists, where authors give ids.
ATTRIBUTE_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*#[^{}\n]*)\}")
# Pandoc's citation-key shape, which bookwright reserves for citations.
AT_KEY = re.compile(r"(?<![\w@.\\/])@(\w(?:[\w:.#$%&+?<>~/-]*\w)?)")
PREFIXED = re.compile(r"^(?:" + "|".join(LABEL_KINDS) + r")-")


def element_kind(el: html.HtmlElement) -> tuple[str | None, str]:
    """The label prefix that fits the element, and how a message names the element."""
    if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "sec", "a heading"
    if el.tag == "figure":
        if "listing" in el.get("class", "").split():
            return "lst", "a listing"
        return "fig", "a figure"
    if el.tag == "table":
        return "tbl", "a table"
    if el.tag == "div" and "equation" in el.get("class", "").split():
        return "eq", "a display equation"  # `$$ ... $$ {#eq-x}` (issue 7, apparatus/formulas.py numbers it)
    if el.tag == "img":
        return None, "an image inside a paragraph"
    if el.tag == "p":
        return None, "a paragraph"
    return None, f"a <{el.tag}> element"


def label_misplaced(label: str, kind: str, el: html.HtmlElement) -> tuple[str, str] | None:
    """(message, hint) when the label's prefix does not fit what it labels; None when it does."""
    fits, what = element_kind(el)
    if fits == kind:
        return None
    message = f"label #{label} is on {what}, but {kind}- labels name {PREFIX_NAMES[kind]}"
    rest = label.split("-", 1)[1]
    if fits:
        return message, f"rename it #{fits}-{rest}"
    if el.tag == "img":
        return message, "a figure is an image alone in its paragraph, with its caption as the image text"
    if kind == "eq":
        return message, "an equation is a paragraph holding one display formula: $$ ... $$ {#eq-x}"
    return message, "labels go on headings, figures, tables, listings and display equations"


def check_unprefixed_references(parsed: list[ParsedChapter], diags: Diagnostics) -> None:
    defined: dict[str, tuple[SourceLocation, html.HtmlElement]] = {}
    maps = [SourceMap.of(chapter.source) for chapter in parsed]
    for chapter, sources in zip(parsed, maps):
        elements = {el.get("id"): el for el in chapter.body.iter() if isinstance(el.tag, str) and el.get("id")}
        for m in ATTRIBUTE_LIST.finditer(sources.text):
            if sources.in_code(m.start()):
                continue
            for key, value in get_attrs(m.group(1)):
                if key == "id" and value in elements and not PREFIXED.match(value) and value not in defined:
                    defined[value] = (sources.location(m.start()), elements[value])
    if not defined:
        return
    for sources in maps:
        for m in AT_KEY.finditer(sources.text):
            key = m.group(1)
            if key not in defined or sources.in_code(m.start()):
                continue
            where = sources.location(m.start())
            at, el = defined[key]
            fits, _ = element_kind(el)
            hint = (f"rename it #{fits}-{key} and write @{fits}-{key}; " if fits
                    else "put the label on a heading, figure, table or listing; ")
            diags.error_at(where, f"@{key} names the label #{key} (defined at {diags.display_path(at.path)}:{at.line}), "
                           "which has no sec-, fig-, tbl-, lst- or eq- prefix",
                           hint=hint + "@key without one of those prefixes is reserved for citations")
