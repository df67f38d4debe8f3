"""A caption line after a table: `: Caption {#tbl-x}` (or `Table: Caption`), Pandoc style."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions.attr_list import get_attrs

CAPTION = re.compile(r"^(?::|Table:)[ \t]+(?P<text>.+?)(?:[ \t]*\{(?P<attrs>[^}]*)\})?[ \t]*$", re.S)


class TableCaptionProcessor(BlockProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        sibling = self.lastChild(parent)
        return sibling is not None and sibling.tag == "table" and bool(CAPTION.match(block.strip()))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = CAPTION.match(block.strip())
        table = self.lastChild(parent)
        for key, value in get_attrs(match.group("attrs") or ""):
            if key == "id":
                table.set("id", value)
            elif key == ".":
                table.set("class", (table.get("class", "") + " " + value).strip())
        caption = etree.Element("caption")
        caption.text = " ".join(match.group("text").split())
        table.insert(0, caption)
