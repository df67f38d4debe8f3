"""The structure trees of tagged units (PDF/UA-1) merged into the one tree of the book.

WeasyPrint gives each unit a structure tree of its own: one /Document element holding the
unit's elements, a parent tree keyed by page (page i → the element of each marked-content
id on it) and then by link annotation, pages and annotations pointing into it with
/StructParents and /StructParent, and an ID tree for its table headers (unit_finish.py).
Marked-content ids belong to a page's content stream, so they stay as they are; everything
keyed by position in the file is renumbered:

- a page's /StructParents becomes its index in the book, and each annotation's
  /StructParent the next key after the book's pages, in page order, as the whole book
  would number them;
- the unit's parent tree entries move to those keys, in one parent tree, with its
  /ParentTreeNextKey;
- the unit's top-level elements leave their /Document for the book's one /Document (their
  /P is cut before the unit is copied, so that the copy does not bring the unit's tree
  root along, and set to the book's /Document after);
- the ID trees are merged.

Pages are copied before their elements (`prepare`, then `add`), so that the elements'
/Pg and the link objects' /Obj point at the copies.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name


class StructureJoin:
    def __init__(self, out: pikepdf.Pdf, total_pages: int):
        self.out = out
        self.document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.page_nums: list = []  # [key, value, ...] for pages, in page order
        self.annotation_nums: list = []  # the same for annotations, after every page
        self.ids: list = []  # [id, element, ...]
        self.total_pages = total_pages
        self.next_annotation = total_pages

    def prepare(self, unit: pikepdf.Pdf, first_page: int) -> pikepdf.Object:
        """Renumbers `unit` for its place (its first page is the book's `first_page`) and
        returns what `add` copies once the unit's pages are in the book."""
        root = unit.Root.StructTreeRoot
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        nums = root.ParentTree.Nums
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        renumbered = Array()
        for index, page in enumerate(unit.pages):
            old = page.obj.get("/StructParents")
            if old is None:
                continue
            page.obj.StructParents = first_page + index
            renumbered.extend([first_page + index, entries.get(int(old), Array())])
        for page in unit.pages:
            for annotation in page.obj.get("/Annots", ()):
                old = annotation.get("/StructParent")
                if old is None:
                    continue
                annotation.StructParent = self.next_annotation
                if int(old) in entries:
                    renumbered.extend([self.next_annotation, entries[int(old)]])
                self.next_annotation += 1
        kids = document.K if isinstance(document.K, pikepdf.Array) else Array([document.K])
        for element in kids:
            if isinstance(element, pikepdf.Dictionary) and "/P" in element:
                del element["/P"]
        ids = root.get("/IDTree", Dictionary()).get("/Names", Array())
        return unit.make_indirect(Dictionary(K=kids, Nums=renumbered, IDs=ids))

    def add(self, copied: pikepdf.Object) -> None:
        """A prepared unit's elements, copied into the book (after its pages)."""
        for element in copied.K:
            if isinstance(element, pikepdf.Dictionary):
                element.P = self.document
            self.document.K.append(element)
        nums = list(copied.Nums)
        for i in range(0, len(nums), 2):
            target = self.page_nums if int(nums[i]) < self.total_pages else self.annotation_nums
            target.extend(nums[i:i + 2])
        self.ids.extend(copied.IDs)

    def drop_annotation(self, annotation: pikepdf.Object) -> None:
        """A link that lost its target: its element no longer holds it."""
        key = annotation.get("/StructParent")
        if key is None:
            return
        nums = self.annotation_nums
        for i in range(0, len(nums), 2):
            if int(nums[i]) == int(key):
                element = nums[i + 1]
                if isinstance(element, pikepdf.Dictionary) and isinstance(element.get("/K"), pikepdf.Array):
                    element.K = Array([kid for kid in element.K
                                       if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.OBJR
                                               and kid.get("/Obj") is not None and kid.Obj.objgen == annotation.objgen)])
                del nums[i:i + 2]
                return

    def finish(self) -> None:
        """The book's structure tree root."""
        root = self.out.make_indirect(Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([self.document]),
            ParentTree=Dictionary(Nums=Array(self.page_nums + self.annotation_nums)),
            ParentTreeNextKey=self.next_annotation,
        ))
        if self.ids:
            pairs = sorted((str(self.ids[i]), self.ids[i + 1]) for i in range(0, len(self.ids), 2))
            root.IDTree = Dictionary(Names=Array([item for name, element in pairs
                                                  for item in (pikepdf.String(name), element)]))
        self.document.P = root
        self.out.Root.StructTreeRoot = root
