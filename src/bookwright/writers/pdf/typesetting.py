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
        # A section break (*** or --- between paragraphs) never ends or starts a page alone.
        "hr { break-before: avoid; break-after: avoid; }",
        # A note's number never starts a line of its own: a word joiner ties it to the word before.
        '.footnote::footnote-call { content: "\\2060" attr(data-note); }',
        # The copyright notice sits low on its page; a fixed drop would push it off a small
        # page, so it is four ninths of the page's height (4in on a 6x9in book).
        f".copyright {{ padding-top: {points(page.height) * 4 / 9:.2f}pt; }}",
    ]
    return "\n".join(rules)
