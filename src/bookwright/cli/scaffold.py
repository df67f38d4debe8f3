"""`bookwright new DIR`: a small book that builds, showing the syntax an author needs first."""

from __future__ import annotations

from pathlib import Path

BOOK_TOML = '''[book]
title = "{title}"
authors = ["Your Name"]
language = "en"
description = "A short book made with bookwright."
chapters = [
  "00-preface.md",
  {{ part = "Part One", chapters = ["01-getting-started.md", "02-next-steps.md"] }},
]
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


def scaffold(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"'{target}' exists and is not empty")
    (target / "images").mkdir(parents=True, exist_ok=True)
    title = target.resolve().name.replace("-", " ").replace("_", " ").title() or "My Book"
    files = {
        "book.toml": BOOK_TOML.format(title=title.replace('"', "'")),
        "00-preface.md": PREFACE,
        "01-getting-started.md": CHAPTER_ONE,
        "02-next-steps.md": CHAPTER_TWO,
        "images/diagram.svg": DIAGRAM,
    }
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
