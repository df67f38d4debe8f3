"""Book typography only paper needs, written from book.toml: the copyright notice's drop
with the page height, a scene break that never ends or starts a page alone, a note number
that never starts a line. (The type itself — faces, sizes, openings — is the design's:
writers/theme.py.)

The rules come after the theme's stylesheets, so they win over its defaults.
"""

from __future__ import annotations

from bookwright.load.print_options import points
from bookwright.model import PageOptions


def typesetting_css(page: PageOptions) -> str:
    rules = [
        # A scene break (*** between paragraphs) never ends a page, away from the text it
        # opens. It may open one: it always prints its ornament, so the break still shows
        # there, and forbidding that too left pages short (the lines before it went over).
        "hr { break-after: avoid; }",
        # A listing too long for a page breaks inside its code, its caption above the first lines.
        "figure > figcaption:first-child { break-after: avoid; }",
        # A display equation is never split from its number (nor its anchor from its text).
        ".equation { break-inside: avoid; }",
        # A note that does not fit under its call takes the call's line to the next page
        # (with the lines `widows` asks for) rather than going over alone.
        ".footnote { footnote-policy: line; }",
        # A note's number never starts a line of its own: a word joiner ties it to the word before.
        '.footnote::footnote-call { content: "\\2060" attr(data-note); }',
        # The copyright notice sits low on its page; a fixed drop would push it off a small
        # page, so it is four ninths of the page's height (4in on a 6x9in book).
        f".copyright {{ padding-top: {points(page.height) * 4 / 9:.2f}pt; }}",
    ]
    return "\n".join(rules)
