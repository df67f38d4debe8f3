"""`bookwright new DIR`: a small book that builds, showing the syntax an author needs first
and, commented in its book.toml, the design options they will reach for next. It asks
nothing: the title, the author and the theme come from the command line or sensible
defaults, and the author edits the rest."""

from __future__ import annotations

import json
from pathlib import Path

BOOK_TOML = '''[book]
title = {title}
authors = [{author}]
language = "en"
description = "A short book made with bookwright."
chapters = [
  "00-preface.md",
  {{ part = "Part One", chapters = ["01-getting-started.md", "02-next-steps.md"] }},
]

# The book's design, in every edition (see "Design" in bookwright's README).
[style]
theme = {theme}           # {themes}
# body-font = "EB Garamond"       # a bundled face, or a font file in this folder: "fonts/MyFace-Regular.otf"
# heading-font = "Inter"
# code-font = "JetBrains Mono"
# font-size = "11pt"              # the PDFs; or per edition: {{ pdf = "11pt", epub = "100%", web = "19px" }}
# line-height = 1.4
# opening = "small-caps"          # plain, small-caps or drop-cap
# ornament = "❦"                  # what a scene break (*** alone on a line) shows
# css = ["extra.css"]             # your own CSS, after the theme's; or {{ epub = [...], web = [...] }}
'''

PREFACE = '''---
role: preface
---

# Preface {#sec-preface}

This book was scaffolded by `bookwright new`. Edit the chapters, then run
`bookwright build` to make the EPUB and the PDF. @sec-start is a good place to begin.
'''

CHAPTER_ONE = '''# Getting Started {#sec-start}

Every chapter is a Markdown file whose first `#` heading is its title.

## Writing {#sec-writing}

Write as you would anywhere else: *emphasis*, **strong**, lists, "quotes" and
dashes -- all typeset for you.[^typography]

| Syntax      | Result            |
|-------------|-------------------|
| `@sec-id`   | a numbered link   |
| `[^note]`   | a footnote        |

: What the main syntax does {#tbl-syntax}

[^typography]: Straight quotes become curly ones and `--` becomes an en dash.

## Figures {#sec-figures}

![A simple diagram](images/diagram.svg){#fig-diagram}

@fig-diagram and @tbl-syntax are numbered by chapter. @sec-next-steps comes next.
'''

CHAPTER_TWO = '''# Next Steps {#sec-next-steps}

Go back to @sec-writing whenever you like, or read the [preface](00-preface.md).
'''

DIAGRAM = '''<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">
  <rect x="10" y="40" width="110" height="80" fill="none" stroke="black" stroke-width="2"/>
  <rect x="280" y="40" width="110" height="80" fill="none" stroke="black" stroke-width="2"/>
  <line x1="120" y1="80" x2="270" y2="80" stroke="black" stroke-width="2"/>
  <polygon points="270,72 282,80 270,88" fill="black"/>
  <text x="65" y="86" font-family="serif" font-size="18" text-anchor="middle">Markdown</text>
  <text x="335" y="86" font-family="serif" font-size="18" text-anchor="middle">Book</text>
</svg>
'''


def scaffold(target: Path, title: str | None = None, author: str | None = None, theme: str = "classic",
             themes: tuple[str, ...] = ("classic",)) -> None:
    """Writes the book into `target`, which must be empty or new. `theme` must be one of `themes`."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"'{target}' exists and is not empty")
    (target / "images").mkdir(parents=True, exist_ok=True)
    title = title or target.resolve().name.replace("-", " ").replace("_", " ").title() or "My Book"
    files = {
        # json.dumps writes a TOML basic string: quotes and backslashes escaped, UTF-8 kept.
        "book.toml": BOOK_TOML.format(title=json.dumps(title, ensure_ascii=False),
                                      author=json.dumps(author or "Your Name", ensure_ascii=False),
                                      theme=json.dumps(theme), themes=", ".join(themes)),
        "00-preface.md": PREFACE,
        "01-getting-started.md": CHAPTER_ONE,
        "02-next-steps.md": CHAPTER_TWO,
        "images/diagram.svg": DIAGRAM,
    }
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
