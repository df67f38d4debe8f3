"""Grid tables, as in Pandoc: cells drawn with `+`, `-`, `=` and `|`, which may hold
several lines and any Markdown blocks (lists, paragraphs, code).

    +----------+-----------------+
    | Fruit    | Notes           |
    +==========+=================+
    | Bananas  | - ripe          |
    |          | - cheap         |
    +----------+-----------------+

The first line's `+` marks are the column boundaries; a `=` line ends the header; `:`
in it (or in the first line) aligns a column. A cell that crosses a boundary where no `|`
is drawn spans the columns (`colspan`). A row line that leaves out a boundary's `+` would
be a row span, which the table is read without: it is reported, and its cells are kept.
The caption follows as for pipe tables: `: Caption {#tbl-x}` (syntax/tables.py).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

from bookwright.parse.findings import Findings

BORDER = re.compile(r"^\+(?:[-=:]+\+)+$")


class GridTableProcessor(BlockProcessor):
    def __init__(self, parser, findings: Findings):
        super().__init__(parser)
        self.findings = findings

    def test(self, parent, block) -> bool:
        lines = [line.rstrip() for line in block.strip("\n").split("\n")]
        return (len(lines) >= 3 and BORDER.match(lines[0]) is not None and BORDER.match(lines[-1]) is not None
                and all(line[:1] in ("+", "|") for line in lines))

    def run(self, parent, blocks) -> None:
        lines = [line.rstrip() for line in blocks.pop(0).strip("\n").split("\n")]
        edges = [i for i, ch in enumerate(lines[0]) if ch == "+"]
        head_end = next((n for n, line in enumerate(lines) if BORDER.match(line) and "=" in line), None)
        alignment_line = lines[head_end] if head_end is not None else lines[0]
        aligns = [self._align(alignment_line[a:b + 1]) for a, b in zip(edges, edges[1:])]
        table = etree.SubElement(parent, "table")
        thead = etree.SubElement(table, "thead") if head_end is not None else None
        tbody = etree.SubElement(table, "tbody")
        start = 0
        for number in range(1, len(lines)):
            if not BORDER.match(lines[number]) and not self._partial_border(lines[number], edges):
                continue
            if number > start + 1:
                section = thead if thead is not None and number <= head_end else tbody
                self._row(section, lines[start + 1:number], edges, aligns, header=section is thead)
            start = number
        if not len(tbody):
            table.remove(tbody)

    def _partial_border(self, line: str, edges: list[int]) -> bool:
        """A border across some columns only: the others' cells span the two rows."""
        if not line.startswith("+") or not re.search(r"\+[-=:]+\+", line):
            return False
        self.findings.add("warning", "a grid table cell spans rows; the table is read without the span",
                          r"^" + re.escape(line) + r"$", hint="split the cell, or give each row its own text")
        return True

    @staticmethod
    def _align(segment: str) -> str:
        inner = segment.strip("+")
        left, right = inner.startswith(":"), inner.endswith(":")
        return "center" if left and right else "right" if right else "left" if left else ""

    def _row(self, section, lines: list[str], edges: list[int], aligns: list[str], header: bool) -> None:
        tr = etree.SubElement(section, "tr")
        column = 0
        while column < len(edges) - 1:
            end = column + 1
            # The cell runs on until a boundary that every line of the row draws.
            while end < len(edges) - 1 and not all(len(l) > edges[end] and l[edges[end]] in "|+" for l in lines):
                end += 1
            text = "\n".join(l[edges[column] + 1:edges[end]] if len(l) > edges[column] else "" for l in lines)
            cell = etree.SubElement(tr, "th" if header else "td")
            if end - column > 1:
                cell.set("colspan", str(end - column))
            if aligns[column]:
                cell.set("style", f"text-align: {aligns[column]}")
            self._fill(cell, text)
            column = end

    def _fill(self, cell, text: str) -> None:
        lines = text.split("\n")
        indent = min((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), default=0)
        content = "\n".join(l[indent:].rstrip() for l in lines).strip("\n")
        self.parser.parseChunk(cell, content)
        # A cell of one paragraph holds its text, as a pipe table's cell does.
        if len(cell) == 1 and cell[0].tag == "p" and not cell.text:
            paragraph = cell[0]
            cell.remove(paragraph)
            cell.text = paragraph.text
            for child in list(paragraph):
                cell.append(child)
