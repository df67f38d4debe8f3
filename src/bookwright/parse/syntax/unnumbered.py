"""`{-}`, Pandoc's shorthand for `{.unnumbered}` on a heading: `# Preface {-}`.

attr_list reads a bare `-` as an attribute named "-" (which the sanitizer would then drop
with a warning); on a heading it becomes the class every later stage reads, `unnumbered`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class UnnumberedShorthandTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag not in HEADINGS or "-" not in el.attrib:
                continue
            del el.attrib["-"]
            classes = (el.get("class") or "").split()
            if "unnumbered" not in classes:
                el.set("class", " ".join([*classes, "unnumbered"]))
