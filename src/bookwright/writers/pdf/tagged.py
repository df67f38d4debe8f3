"""Finishing the tagged screen PDF, where CSS layout has no say.

As WeasyPrint's finisher (on its objects, before the file is written): running heads and
folios become pagination artifacts, so that a screen reader skips them (WeasyPrint can
tag them as artifacts only in PDF 2.0), and table header cells name the column or row
they head.
"""

from __future__ import annotations

import pydyf


def finish_tagged_pdf(document, pdf) -> None:
    """A WeasyPrint finisher (it sees the PDF's objects before they are written, so the file
    is written once): marked content that no structure element holds (WeasyPrint's margin
    boxes) becomes /Artifact /Pagination, and leaves the structure tree's parent tree.
    Header cells say which cells they head (/Scope): a column from the table's head, a row
    elsewhere."""

    def resolve(value):
        """(object, its number) for an indirect reference (b"12 0 R"), else (value, None)."""
        if isinstance(value, bytes) and value.endswith(b" R"):
            number = int(value.split()[0])
            return pdf.objects[number], number
        return value, None

    root, _ = resolve(pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, dict) or "ParentTree" not in root:
        return
    reachable: set[int] = set()
    pending = [(root.get("K"), False)]
    while pending:
        node, in_head = pending.pop()
        if isinstance(node, list):
            pending.extend((child, in_head) for child in node)
            continue
        node, number = resolve(node)
        if not isinstance(node, dict):
            continue  # a marked-content id
        if number is not None:
            if number in reachable:
                continue
            reachable.add(number)
        if node.get("S") == "/TH":
            attributes = node.get("A")
            if not isinstance(attributes, dict):
                attributes = node["A"] = pydyf.Dictionary({"O": "/Table"})
            attributes["Scope"] = "/Column" if in_head else "/Row"
        pending.append((node.get("K"), in_head or node.get("S") == "/THead"))
    parent_tree, _ = resolve(root["ParentTree"])
    nums = parent_tree.get("Nums", [])
    parents = {nums[i]: nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        elements = parents.get(page.get("StructParents"))
        if not isinstance(elements, list):
            continue
        orphans = {mcid for mcid, element in enumerate(elements)
                   if isinstance(element, bytes) and resolve(element)[1] not in reachable}
        if not orphans:
            continue
        stream, _ = resolve(page["Contents"])
        operations = stream.stream
        for index in range(2, len(operations)):
            properties = operations[index - 1]
            if (operations[index] == b"BDC" and isinstance(properties, dict)
                    and properties.get("MCID") in orphans):
                operations[index - 2] = "/Artifact"
                operations[index - 1] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in orphans:
            elements[mcid] = "null"
