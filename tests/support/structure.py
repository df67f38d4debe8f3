"""A tagged PDF read back as assistive technology and a viewer meet it: its structure tree
flattened in reading order, the checks a merged tree must pass, its links and outline
with where each lands."""

from __future__ import annotations

from collections import defaultdict

import pikepdf
from pikepdf import Name


def _marked_content(pdf: pikepdf.Pdf) -> list[dict[int, tuple]]:
    """Per page: MCID → what it shows, as (font resource, shown bytes) operations.

    Glyph ids are those of the font (WeasyPrint keeps them when it subsets), and a font's
    resource name comes from its description, so the same text shows the same bytes in any
    file WeasyPrint wrote."""
    pages = []
    for page in pdf.pages:
        shown: dict[int, list] = defaultdict(list)
        stack: list = []
        font = None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                properties = operands[1]
                mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                stack.append(int(mcid) if mcid is not None else None)
            elif op == "BMC":
                stack.append(None)
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op == "Tf":
                font = str(operands[0])
            elif op in ("Tj", "TJ", "'", '"'):
                current = next((m for m in reversed(stack) if m is not None), None)
                if current is None:
                    continue
                if op == "TJ":
                    data = b"".join(bytes(item) for item in operands[0] if isinstance(item, pikepdf.String))
                else:
                    data = bytes(operands[-1])
                shown[current].append((font, data))
            elif op == "Do":
                current = next((m for m in reversed(stack) if m is not None), None)
                if current is not None:
                    shown[current].append(("Do", b""))
        pages.append({mcid: tuple(ops) for mcid, ops in shown.items()})
    return pages


def flattened_structure(path) -> list[tuple]:
    """The structure tree in reading order: (type, alt text, what each marked content shows)."""
    with pikepdf.open(path) as pdf:
        page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        content = _marked_content(pdf)
        out = []

        def visit(element, page):
            if isinstance(element, pikepdf.Array):
                for kid in element:
                    visit(kid, page)
                return
            if isinstance(element, int) or (hasattr(element, "is_integer") and element.is_integer):
                out.append(("MCID", content[page].get(int(element), ())))
                return
            if not isinstance(element, pikepdf.Dictionary):
                return
            if element.get("/Type") == Name.OBJR:
                out.append(("OBJR",))
                return
            if element.get("/Type") == Name.MCR:
                pg = page_index[element.Pg.objgen] if "/Pg" in element else page
                out.append(("MCID", content[pg].get(int(element.MCID), ())))
                return
            pg = page_index.get(element.Pg.objgen, page) if "/Pg" in element else page
            out.append((str(element.get("/S")), str(element.get("/Alt", ""))))
            if "/K" in element:
                visit(element.K, pg)

        root = pdf.Root.StructTreeRoot
        visit(root.K, 0)
        return out


def structure_problems(path) -> list[str]:
    """What a merged structure tree must not have: an MCID with no parent or two, an
    element without /P, a link annotation without its OBJR, duplicate parent tree keys."""
    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        if len(keys) != len(set(keys)):
            problems.append("duplicate parent tree keys")
        if keys != sorted(keys):
            problems.append("parent tree keys out of order")
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        if int(root.get("/ParentTreeNextKey", -1)) <= max(keys, default=-1):
            problems.append("ParentTreeNextKey is not past every key")
        content = _marked_content(pdf)
        parents_of: dict[tuple[int, int], list] = defaultdict(list)
        seen = set()

        def visit(element, parent, page):
            if isinstance(element, pikepdf.Array):
                for kid in element:
                    visit(kid, parent, page)
                return
            if isinstance(element, int) or (hasattr(element, "is_integer") and element.is_integer):
                parents_of[(page, int(element))].append(parent)
                return
            if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") in (Name.OBJR, Name.MCR):
                return
            if element.objgen in seen:
                problems.append(f"element {element.objgen} twice in the tree")
                return
            seen.add(element.objgen)
            if "/P" not in element:
                problems.append(f"element {element.objgen} ({element.get('/S')}) has no /P")
            pg = page_of[element.Pg.objgen] if "/Pg" in element else page
            if "/K" in element:
                visit(element.K, element, pg)

        page_of = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        visit(root.K, root, 0)
        for index, page in enumerate(pdf.pages):
            mcids = set(content[index])
            key = page.obj.get("/StructParents")
            listed = entries.get(int(key)) if key is not None else None
            for mcid in sorted(mcids):
                parents = parents_of.get((index, mcid), [])
                if len(parents) != 1:
                    problems.append(f"page {index + 1} MCID {mcid} has {len(parents)} parents in the tree")
                    continue
                named = listed[mcid] if listed is not None and mcid < len(listed) else None
                if not isinstance(named, pikepdf.Dictionary) or named.objgen != parents[0].objgen:
                    problems.append(f"page {index + 1} MCID {mcid}: the parent tree does not name its parent")
            for annotation in page.obj.get("/Annots", ()):
                if annotation.get("/Subtype") != Name.Link:
                    continue
                key = annotation.get("/StructParent")
                element = entries.get(int(key)) if key is not None else None
                if element is None or not any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.OBJR
                                               and kid.Obj.objgen == annotation.objgen for kid in element.K):
                    problems.append(f"page {index + 1}: a link annotation has no OBJR in its element")
    return problems


def _destination(pdf, dest, page_of) -> tuple:
    if isinstance(dest, pikepdf.String):
        names = pdf.Root.Names.Dests.Names
        lookup = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        dest = lookup.get(str(dest))
        if dest is None:
            return ("missing",)
    return (page_of[dest[0].objgen], round(float(dest[2]), 2), round(float(dest[3]), 2))


def links_and_outline(path) -> tuple[list, list]:
    """Every link (page, rectangle, where it lands: page and position, or its address) and
    every outline entry (depth, title, where it lands)."""
    with pikepdf.open(path) as pdf:
        page_of = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        links = []
        for index, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", ()):
                rect = tuple(round(float(v), 2) for v in annotation.Rect)
                if "/Dest" in annotation:
                    links.append((index, rect, _destination(pdf, annotation.Dest, page_of)))
                else:
                    links.append((index, rect, str(annotation.A.URI)))
        outline = []
        with pdf.open_outline() as tree:
            def walk(items, depth):
                for item in items:
                    dest = item.obj.get("/Dest")
                    outline.append((depth, str(item.title), _destination(pdf, dest, page_of) if dest is not None else None))
                    walk(item.children, depth + 1)

            walk(tree.root, 0)
        return links, outline
