"""Bookdown's own syntax, read with a warning that names bookwright's (and Quarto's) form.

- `\\@ref(fig:loop)` prints the number of the figure labelled `fig-loop` (write
  `[-@fig-loop]`); when no such label exists it prints "??", as LaTeX does.
- `(\\#tab:costs)` at the start of a caption labels the table or figure `tbl-costs`
  (write `{#tbl-costs}`).
- `# (PART) Title {-}` and `# (APPENDIX) Title {-}` headings are left out: in bookwright
  parts are declared in book.toml (`bookwright import bookdown` writes them there).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from bookwright.parse.findings import Findings
from bookwright.parse.syntax.latex import bookwright_label
from bookwright.parse.syntax.references import reference_element

REFERENCE = re.compile(r"\\@ref\(([^()\s]+)\)")
CAPTION_LABEL = re.compile(r"\(\\#([A-Za-z]+:[^()\s]+)\)")
DIVIDER = re.compile(r"^\((PART\*?|APPENDIX)\)\s*")


class BookdownReferencePattern(InlineProcessor):
    def __init__(self, md, findings: Findings):
        super().__init__(REFERENCE.pattern, md)
        self.compiled_re = REFERENCE
        self.findings = findings

    def handleMatch(self, m, data):
        label = bookwright_label(m.group(1))
        self.findings.add("warning", f"Bookdown's \\@ref({m.group(1)}) is read as the number of #{label}",
                          re.escape(m.group(0)),
                          f"write [-@{label}] for the number alone, @{label} for the word and the number")
        el = reference_element(label, "number")
        el.set("data-fallback", "true")
        return el, m.start(), m.end()


class BookdownLabelPattern(InlineProcessor):
    """`(\\#tab:x)` → an empty mark that BookdownTreeprocessor moves onto the captioned element."""

    def __init__(self, md, findings: Findings):
        super().__init__(CAPTION_LABEL.pattern, md)
        self.compiled_re = CAPTION_LABEL
        self.findings = findings

    def handleMatch(self, m, data):
        label = bookwright_label(m.group(1))
        self.findings.add("warning", f"Bookdown's label (\\#{m.group(1)}) is read as #{label}",
                          re.escape(m.group(0)), f"write {{#{label}}} after the caption")
        el = etree.Element("span")
        el.set("data-bookdown-label", label)
        return el, m.start(), m.end()


class BookdownTreeprocessor(Treeprocessor):
    def __init__(self, md, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def run(self, root) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for mark in [el for el in root.iter("span") if el.get("data-bookdown-label")]:
            label = mark.attrib.pop("data-bookdown-label")
            holder = parents.get(mark)
            captioned = parents.get(holder) if holder is not None and holder.tag in ("caption", "figcaption") else None
            if captioned is not None and not captioned.get("id"):
                captioned.set("id", label)
            self._remove(mark, parents)
        for heading in [el for el in root.iter("h1")]:
            divider = DIVIDER.match("".join(heading.itertext()).strip())
            if divider is None:
                continue
            kind = divider.group(1).rstrip("*")
            self.findings.add("warning", f"Bookdown's ({kind}) heading is left out",
                              r"^#[ \t]+\(" + kind + r"\*?\)",
                              'declare parts in book.toml: chapters = [{ part = "Title", chapters = [...] }]'
                              if kind == "PART" else "give each appendix chapter 'role: appendix' in its front matter")
            self._remove(heading, parents)

    @staticmethod
    def _remove(el, parents) -> None:
        parent = parents[el]
        index = list(parent).index(el)
        if el.tail:
            if index:
                parent[index - 1].tail = (parent[index - 1].tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)
