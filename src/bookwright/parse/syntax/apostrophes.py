"""An apostrophe is U+2019 in every language, whatever that language's quotation marks are.

Python-Markdown's smarty gives `it's` and `l'homme` the closing single quote, which is
right for English and wrong wherever the single quotes are other marks: French would
print `l›homme`, German `geht‘s`. These patterns run in smarty's own registry, before its
quote patterns, and claim the apostrophes first.
"""

from __future__ import annotations

import markdown
from markdown.extensions.smarty import SubstituteTextPattern

APOSTROPHE = "&rsquo;"
# Between two letters (it's, l'homme, geht's), and before a decade ('80s).
PATTERNS = (r"(?<=\w)'(?=\w)", r"(?<!\w)'(?=\d{2}s\b)")


def register_apostrophes(md: markdown.Markdown, priority: int) -> None:
    smarty = md.treeprocessors["smarty"]
    for index, pattern in enumerate(PATTERNS):
        smarty.inlinePatterns.register(SubstituteTextPattern(pattern, (APOSTROPHE,), md),
                                       f"bookwright_apostrophe_{index}", priority - index)
