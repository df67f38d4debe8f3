"""List nesting as CommonMark and Pandoc read it: by the column of the item's text.

Python-Markdown nests a list only four spaces deep per level; CommonMark, Pandoc and
every editor's Markdown preview nest an item under another when it is indented to the
other's text (two spaces after `- `, three after `1. `). Manuscripts written that way
would be flattened. This preprocessor reads the items by the CommonMark rule and writes
them back indented four spaces a level, which Python-Markdown reads the same way:

    - Tea                    - Tea
      - Green         →          - Green
      - Black                    - Black

Text inside an item (continued paragraphs, indented code) moves with the item.
Four-space lists stay as they are.
"""

from __future__ import annotations

import re

from markdown.preprocessors import Preprocessor

MARKER = re.compile(r"^( *)([-*+]|\d{1,9}[.)])(?: {1,4}(?=\S)|[ \t]*$)")
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
STEP = 4  # Python-Markdown's indent per level


class ListIndentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        items: list[tuple[int, int]] = []  # open items: (their text's column as written, as rewritten)
        blank_before = False
        for line in lines:
            if not line.strip():
                out.append(line)
                blank_before = True
                continue
            expanded = line.expandtabs(STEP)
            indent = len(expanded) - len(expanded.lstrip(" "))
            marker = MARKER.match(expanded) if not THEMATIC_BREAK.match(expanded) else None
            while items and indent < items[-1][0] and (marker is not None or blank_before):
                items.pop()  # the line is outside the innermost item
            if marker is not None and (items or indent <= 3):
                depth = len(items)
                rest = expanded[marker.end():]
                items.append((marker.end() if rest else indent + len(marker.group(2)) + 1, STEP * (depth + 1)))
                out.append(" " * (STEP * depth) + marker.group(2) + " " + rest)
            elif items and indent >= items[-1][0]:
                written, rewritten = items[-1]
                out.append(" " * (rewritten + indent - written) + expanded.lstrip(" "))
            else:
                if blank_before and marker is None:
                    items.clear()  # a paragraph after the list ends it
                out.append(line)
            blank_before = False
        return out
