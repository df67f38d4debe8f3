"""What HTML a chapter may contain: an allow-list applied with nh3 (ammonia).

Raw HTML in Markdown is welcome for inline semantics (`<kbd>`, `<abbr>`, `<sub>`,
`<span lang>`), never for behaviour: scripts, event handlers, `javascript:` URLs,
frames, objects, embeds and forms are dropped, and unclosed tags are closed, so every
edition is safe to open and the EPUB stays well-formed XHTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from bookwright.model import SourceLocation
from bookwright.parse.findings import Finding
from bookwright.parse.sourcemap import locate
from bookwright.parse.sourcemap import SourceMap

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
    # `style` carries a width or height with a unit (`{width=60%}`); only those survive.
    "img": {"src", "alt", "width", "height", "style"},
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
# An image's address is kept whatever it is, so that the whole-book pass can say what is
# wrong with it (remote, outside the book); it is never fetched. Other schemes on images
# (`javascript:`, `ftp:`) are dropped here and reported by `removed_html`.
IMAGE_SCHEMES = URL_SCHEMES | {"file", "data"}
# Removed with everything inside them: their content is code or another document.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "noscript", "template", "textarea", "select"}


# Data attributes the whole-book pass and the writers set to point links and number
# things; taken from an author's HTML they would point at chapters that do not exist.
RESERVED_DATA_ATTRIBUTES = {
    "data-chapter", "data-id", "data-number", "data-note", "data-page-words", "data-epub-type", "data-bookmark",
    "data-title", "data-index", "data-key", "data-idx-mark",
}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in RESERVED_DATA_ATTRIBUTES:
        return None
    if attribute in ("href", "cite") and _scheme(value) not in URL_SCHEMES | {""}:
        return None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        generic_attribute_prefixes={"data-"},
        url_schemes=IMAGE_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align", "width", "height"},
        clean_content_tags=CLEAN_CONTENT_TAGS,
    )


def _scheme(url: str) -> str:
    # What a browser takes as the scheme: control characters and spaces are ignored in it.
    compact = "".join(ch for ch in url if ord(ch) > 32).lower()
    head, colon, _ = compact.partition(":")
    if not colon or not head or not head[0].isalpha() or not all(c.isalnum() or c in "+-." for c in head):
        return ""
    return head


# --- structure the XHTML editions require ---------------------------------------------------

# Phrasing elements that may not hold blocks in XHTML. An unclosed <em> before a new
# paragraph makes the HTML parser wrap the following blocks in it (<em><p>...</p></em>).
PHRASING = {"abbr", "b", "bdi", "bdo", "cite", "code", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp", "small",
            "span", "strong", "sub", "sup", "time", "u", "var"}
BLOCKS = {"address", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
          "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
          "thead", "tr", "ul"}


def repair_nesting(body) -> None:
    """Unwraps phrasing elements that hold blocks, keeping their content in place."""
    for el in reversed(list(body.iter(*PHRASING))):
        if any(isinstance(child.tag, str) and child.tag in BLOCKS for child in el):
            el.drop_tag()


# --- paragraphs the allow-list empties ------------------------------------------------------

# Whitespace as HTML counts it: a no-break space is the author's content, not nothing.
HTML_SPACE = " \t\n\r\f"


def drop_emptied_paragraphs(body) -> None:
    """Removes paragraphs with nothing in them, which is what the allow-list leaves of one that
    held only `<embed>`, `<input>` or an inline `<form>`: they would print as empty blocks.
    Markdown writes no empty paragraph, and a raw `<p></p>` shows nothing either, so none is
    lost; a paragraph with an attribute (`<p id="here"></p>`, a link's target) stays."""
    for p in list(body.iter("p")):
        if _is_empty(p):
            quote = p.getparent()
            p.drop_tree()  # its tail (text after it) stays in place
            # A quotation that held only that paragraph (`> <embed …>`) would print as an empty rule.
            if quote is not None and quote.tag == "blockquote" and _is_empty(quote):
                quote.drop_tree()


def _is_empty(el) -> bool:
    return not el.attrib and len(el) == 0 and not (el.text or "").strip(HTML_SPACE)


# --- what the allow-list removes, for the author -------------------------------------------

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
             "track", "wbr", "keygen"}
# Elements whose end tag HTML lets an author leave out: not reported as unclosed.
OPTIONAL_END_TAGS = {"p", "li", "dt", "dd", "rt", "rp", "optgroup", "option", "colgroup", "caption", "thead",
                     "tbody", "tfoot", "tr", "td", "th", "html", "head", "body"}


class _Inventory(HTMLParser):
    """Reads HTML as nh3 will, and lists what the allow-list removes or closes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removals: list[Finding] = []
        self.open: list[str] = []
        self.unclosed: dict[str, int] = {}
        self.seen: dict[str, int] = {}

    def _count(self, key: str) -> int:
        n = self.seen.get(key, 0)
        self.seen[key] = n + 1
        return n

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID_TAGS and tag in ALLOWED_TAGS:  # a removed tag cannot be left open
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag not in self.open:
            return  # a stray end tag: dropped, nothing to lose
        while self.open:
            top = self.open.pop()
            if top == tag:
                break
            if top not in OPTIONAL_END_TAGS:
                self.unclosed[top] = self.unclosed.get(top, 0) + 1

    def close(self):
        super().close()
        for tag in self.open:
            if tag not in OPTIONAL_END_TAGS:
                self.unclosed[tag] = self.unclosed.get(tag, 0) + 1
        self.open = []

    def _element(self, tag: str, attrs) -> None:
        if tag not in ALLOWED_TAGS:
            what = "and its content" if tag in CLEAN_CONTENT_TAGS else "(its text is kept)"
            self.removals.append(Finding("warning", f"<{tag}> removed {what}", r"<" + re.escape(tag) + r"(?![\w:-])",
                                         self._count("<" + tag), _hint(tag)))
            return
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if (name not in allowed and not name.startswith("data-")) or name in RESERVED_DATA_ATTRIBUTES:
                message = (f"event handler {name} removed from <{tag}>" if name.startswith("on")
                           else f"attribute {name} removed from <{tag}>")
                self.removals.append(Finding("warning", message, r"(?<![\w-])" + re.escape(name) + r"\s*=",
                                             self._count(name + "="), _hint(name)))
                continue
            if name not in ("href", "src", "cite"):
                continue
            scheme = _scheme(value)
            # Every address is counted, reported or not: the n-th use of it is the n-th in the source.
            occurrence = self._count(value)
            shown = value if len(value) <= 60 else value[:57] + "..."
            if tag == "img" and name == "src" and scheme not in IMAGE_SCHEMES | {""}:
                self.removals.append(Finding("error", f"image '{shown}' is not a file of the book", re.escape(value),
                                             occurrence, "link to an image file inside the book folder"))
            elif name in ("href", "cite") and scheme not in URL_SCHEMES | {""}:
                self.removals.append(Finding("warning", f"link to '{shown}' removed ({scheme}: addresses are not kept)",
                                             re.escape(value), occurrence,
                                             "links may point to chapters of the book, web or mail addresses"))


def _hint(name: str) -> str:
    if name in ("script", "noscript") or name.startswith("on"):
        return "books are not programs: no edition runs scripts"
    if name in ("iframe", "object", "embed", "frame", "frameset", "form", "input", "button", "select", "textarea"):
        return "editions cannot embed other documents or forms; link to them instead"
    if name == "style":
        return "style the book with its theme, not inside chapters"
    return ("raw HTML may use inline semantics such as <kbd>, <abbr title>, <sub>, <span lang>; "
            "write &lt; for a literal '<'")


def removed_html(converted: str, sources: SourceMap) -> list[tuple[Finding, SourceLocation]]:
    """What the allow-list will remove from a chapter's HTML, each at its place in the source."""
    inventory = _Inventory()
    inventory.feed(converted)
    inventory.close()
    found = []
    for removal in inventory.removals:
        found.append((removal, locate(removal, sources, re.I)))
    for tag, count in inventory.unclosed.items():
        places = _unclosed_in_source(sources, tag) or sources.find_all(re.compile(r"<" + re.escape(tag) + r"(?![\w:-])", re.I))
        for where in (places or [SourceLocation(sources.path, 1, 1)])[:count]:
            found.append((Finding("warning", f"<{tag}> is never closed; it is closed where its block ends", "", 0,
                                  f"add </{tag}>"), where))
    return found


def _unclosed_in_source(sources: SourceMap, tag: str) -> list[SourceLocation]:
    """Where the author opened `tag` without closing it, read from the raw source (code masked)."""
    masked = list(sources.text)
    for start, end in sources.code:
        for i in range(start, end):
            if masked[i] != "\n":
                masked[i] = " "
    text = "".join(masked)
    opened: list[int] = []
    unclosed: list[int] = []
    pattern = re.compile(r"<(/?)" + re.escape(tag) + r"(?![\w:-])[^>]*?(/?)>", re.I)
    for m in pattern.finditer(text):
        if m.group(2):
            continue
        if not m.group(1):
            opened.append(m.start())
        elif opened:
            opened.pop()
    unclosed.extend(opened)
    return [sources.location(offset) for offset in sorted(unclosed)]
