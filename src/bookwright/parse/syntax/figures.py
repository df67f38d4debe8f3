"""An image alone in its paragraph is a figure; its Markdown alt text is the caption.

`![Caption](x.png){#fig-x}` → `<figure id="fig-x"><img alt="Caption"><figcaption>`.
`fig-alt="..."` gives the image a description other than its caption.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor


class FigureTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, p in enumerate(list(parent)):
                if p.tag != "p" or len(p) != 1 or (p.text or "").strip() or (p[0].tail or "").strip():
                    continue
                img = p[0]
                if img.tag != "img" or not (img.get("alt") or "").strip():
                    continue
                figure = etree.Element("figure")
                label = img.attrib.pop("id", None)
                if label:
                    figure.set("id", label)
                classes = img.attrib.pop("class", None)
                if classes:
                    figure.set("class", classes)
                caption = img.get("alt")
                alt = img.attrib.pop("fig-alt", None)
                if alt is not None:
                    img.set("alt", alt)
                figure.append(img)
                img.tail = None
                figcaption = etree.SubElement(figure, "figcaption")
                figcaption.text = caption
                figure.tail = p.tail
                parent.remove(p)
                parent.insert(index, figure)
