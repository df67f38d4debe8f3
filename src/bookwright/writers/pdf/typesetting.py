"""Book typography every PDF shares that book.toml can tune: body size, leading, openings.

The rules come after the theme's stylesheets, so they win over its defaults.
"""

from __future__ import annotations

from lxml import html

from bookwright.model import PageOptions
from bookwright.load.print_options import points

# Margin boxes inherit from the page, not from <body>: without this the running heads
# and folios fall back to the system's default serif instead of the book face.
PAGE_FACE = '@page { font-family: "Linux Libertine O", "Linux Libertine", "Libertinus Serif", serif; }'

# How the first paragraph after a chapter title opens. The first letter of a drop cap
# floats beside three lines; a small-caps opening sets the first line in small capitals.
OPENINGS = {
    "plain": "",
    "small-caps": (
        "section.chapter > h1.chapter-title + p::first-line { font-variant: small-caps; letter-spacing: 0.03em; }"
    ),
    # WeasyPrint does not make room for a floated ::first-letter on its own line, so the
    # letter is a real element (mark_drop_cap) and floats beside the first two lines.
    "drop-cap": (
        "span.drop-cap { float: left; font-size: 3.3em; line-height: 0.76; margin: 0.04em 0.07em 0 0;"
        " text-indent: 0; }"
    ),
}
OPENING_PUNCTUATION = "\"'“‘«„‚¡¿([—–-"


def typesetting_css(page: PageOptions) -> str:
    rules = [PAGE_FACE]
    if page.font_size:
        rules.append(f"html {{ font-size: {page.font_size}; }}")
    if page.line_height:
        rules.append(f"body {{ line-height: {page.line_height}; }}")
    # A section break (*** or --- between paragraphs) never ends or starts a page alone,
    # and its ornament (⁂, which the book face has) reads as one at text size.
    rules.append("hr { break-before: avoid; break-after: avoid; } hr::after { font-size: 1.25em; }")
    # A note's number never starts a line of its own: a word joiner ties it to the word before.
    rules.append('.footnote::footnote-call { content: "\\2060" attr(data-note); }')
    rules.append(OPENINGS.get(page.opening, ""))
    # The copyright notice sits low on its page; a fixed drop would push it off a small
    # page, so it is four ninths of the page's height (4in on a 6x9in book).
    rules.append(f".copyright {{ padding-top: {points(page.height) * 4 / 9:.2f}pt; }}")
    return "\n".join(rule for rule in rules if rule)


def mark_drop_cap(body: html.HtmlElement) -> None:
    """Wraps the first letter (with any opening quotation mark) of the paragraph after the
    chapter title in <span class="drop-cap">. A paragraph that opens with markup keeps its
    plain opening."""
    h1 = body.find(".//h1")
    if h1 is None:
        return
    paragraph = h1.getnext()
    if paragraph is None or paragraph.tag != "p" or not (paragraph.text or "").strip():
        return
    text = paragraph.text.lstrip()
    lead = len(text) - len(text.lstrip(OPENING_PUNCTUATION))
    if lead >= len(text) or not text[lead].isalnum():
        return
    cap = html.Element("span")
    cap.set("class", "drop-cap")
    cap.text = text[: lead + 1]
    cap.tail = text[lead + 1:]
    paragraph.text = None
    paragraph.insert(0, cap)
