"""Fenced code, highlighted with Pygments, with Quarto-style listing labels.

```{#lst-x .python lst-cap="Caption"}  →  <figure class="listing" id="lst-x">
Python-Markdown's own fences drop the id when highlighting, so the fences are ours.
"""

from __future__ import annotations

import html
import re

from markdown.extensions.attr_list import get_attrs
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?:\{(?P<attrs>[^\n}]*)\}|\.?(?P<lang>[\w#.+-]*))[ \t]*\n"
    r"(?P<code>.*?)(?<=\n)(?P=fence)[ \t]*$",
    re.M | re.S,
)
FORMATTER = HtmlFormatter(nowrap=True)


def render_listing(code: str, lang: str, label: str, caption: str, classes: list[str]) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    body = highlight(code, lexer, FORMATTER)
    lang_attr = f' data-lang="{html.escape(lang)}"' if lang else ""
    pre = f'<pre class="code"{lang_attr}><code>{body}</code></pre>'
    if not label and not caption:
        return pre
    figure_classes = " ".join(["listing", *classes])
    id_attr = f' id="{html.escape(label)}"' if label else ""
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "<figcaption></figcaption>"
    return f'<figure class="{figure_classes}"{id_attr}>{cap}{pre}</figure>'


class ListingPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        while True:
            match = FENCE.search(text)
            if not match:
                break
            lang, label, caption, classes = match.group("lang") or "", "", "", []
            for key, value in get_attrs(match.group("attrs") or ""):
                if key == "id":
                    label = value
                elif key == ".":
                    if lang:
                        classes.append(value)
                    else:
                        lang = value
                elif key in ("lst-cap", "caption"):
                    caption = value
            markup = render_listing(match.group("code"), lang, label, caption, classes)
            placeholder = self.md.htmlStash.store(markup)
            text = f"{text[:match.start()]}\n{placeholder}\n{text[match.end():]}"
        return text.split("\n")
