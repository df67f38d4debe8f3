"""Line blocks, as in Pandoc: lines that keep their breaks and leading spaces (verse,
addresses). Each line starts with `| `; a line that starts with a space continues the one
before it.

    | The limerick packs laughs anatomical
    |     Into space that is quite economical.

→ `<div class="line-block">The limerick ...<br>\u00a0\u00a0\u00a0\u00a0Into space ...</div>`, each line
Markdown. A block with a pipe table's delimiter row is a table, not a line block.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

LINE = re.compile(r"^\|(?: (.*)|)$")
TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def _lines(block: str) -> list[str] | None:
    lines: list[str] = []
    for raw in block.split("\n"):
        m = LINE.match(raw)
        if m is not None:
            lines.append(m.group(1) or "")
        elif raw.startswith((" ", "\t")) and lines and raw.strip():
            lines[-1] += " " + raw.strip()  # a continuation of the line above
        else:
            return None
    return lines or None


class LineBlockProcessor(BlockProcessor):
    def test(self, parent, block) -> bool:
        return block.startswith("|") and not any(TABLE_DELIMITER.match(line) for line in block.split("\n")) \
            and _lines(block) is not None

    def run(self, parent, blocks) -> None:
        lines = _lines(blocks.pop(0))
        div = etree.SubElement(parent, "div")
        div.set("class", "line-block")
        last = None
        for index, line in enumerate(lines):
            indent = len(line) - len(line.lstrip(" "))
            text = "\u00a0" * indent + line.lstrip(" ")
            if index == 0:
                div.text = text
                continue
            last = etree.SubElement(div, "br")
            last.tail = text
