"""What HTML a chapter may contain: an allow-list applied with nh3 (ammonia).

Raw HTML in Markdown is welcome for inline semantics (`<kbd>`, `<abbr>`, `<sub>`,
`<span lang>`), never for behaviour: scripts, event handlers, `javascript:` URLs,
frames, objects, embeds and forms are dropped, and unclosed tags are closed, so every
edition is safe to open and the EPUB stays well-formed XHTML.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt",
    "ruby", "s", "samp", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
}
GLOBAL_ATTRIBUTES = {"id", "class", "lang", "dir", "title"}
ALLOWED_ATTRIBUTES = {
    "*": GLOBAL_ATTRIBUTES,
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
}
# Relative URLs are always allowed by ammonia; these are the absolute schemes kept.
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        generic_attribute_prefixes={"data-"},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
        clean_content_tags={"script", "style"},
    )
