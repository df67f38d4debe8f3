"""A PDF edition's units joined into one file that reads as the whole book laid out at once.

In book order, each unit's pages, each with its folio drawn from the unit's folio
document (folios.py) after the page's own content, as the page's margin boxes would be,
marked as a pagination artifact in a tagged file. Then, for the whole book:

- the named destinations, from every unit's (the first of a name wins, as in one pass),
  less the anchors the page-list probe made;
- links between units: a unit laid out alone points a link whose anchor is in another
  unit at a private address (page_map.py); such a link becomes a link to the named
  destination, as one pass writes it, or, if the anchor is on no page, is removed;
- the outline, from the units' bookmarks in book order, nested by level as WeasyPrint
  nests them;
- for a file read on screens, page labels: a viewer then calls each page by the folio
  printed on it (roman in the front matter, arabic from the body's first page), so that
  "go to page 10" opens the page numbered 10;
- one subset of each font, holding the glyphs of every unit (font_union.py);
- the tagged edition's structure tree (structure_join.py);
- the catalogue's language, viewer preferences, marking and metadata (the XMP packet with
  its PDF/UA or PDF/X identification) and the document information, which every unit has
  alike, from the first.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name

from bookwright.writers.pdf.book_layout import BookLaidOut
from bookwright.writers.pdf.font_union import FontUnion
from bookwright.writers.pdf.page_map import LINK_SCHEME
from bookwright.writers.pdf.structure_join import StructureJoin

CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents")
FOLIO_RESOURCE = "/BwFolio"


def join_book(laid: BookLaidOut, tagged: bool, hidden: set[str], identifier: bytes, target: Path | io.BytesIO,
              original_font: Callable[[str], bytes | None], labelled: bool = False) -> int:
    """Writes the joined book to `target`; returns its page count. `hidden`: anchors that
    are no named destinations (the page-list probe's); `identifier`: the first half of the
    file's /ID (engine.pdf_identifier), the second is a hash of its content;
    `original_font(hash)`: the original of the units' font subsets (font_union.py);
    `labelled`: the pages get labels (a print file needs none)."""
    opened: list[pikepdf.Pdf] = []

    def open_pdf(data: bytes) -> pikepdf.Pdf:
        pdf = pikepdf.open(io.BytesIO(data))
        opened.append(pdf)  # a copied object's streams are read from its source when the book is saved
        return pdf

    try:
        out = pikepdf.new()
        first = open_pdf(laid.units[0].pdf)
        shared = Dictionary({key: first.Root[key] for key in CATALOG_KEYS if key in first.Root})
        if "/Info" in first.trailer:
            shared.Info = first.trailer.Info
        copied = out.copy_foreign(first.make_indirect(shared))
        for key in CATALOG_KEYS:
            if key in copied:
                out.Root[key] = copied[key]
        if "/Info" in copied:
            out.trailer.Info = copied.Info
        structure = StructureJoin(out, laid.pages.total) if tagged else None
        units = len(laid.units)
        # Documents 0..n-1 are the units, n..2n-1 their folios.
        fonts = FontUnion([unit.fonts for unit in laid.units] + [f.fonts if f else [] for f in laid.folios],
                          original_font)
        copied_resources = {}
        destinations: dict[str, pikepdf.Object] = {}
        for k, unit in enumerate(laid.units):
            source = open_pdf(unit.pdf)
            fonts.detach(k, source.pages[0].obj.Resources)
            if laid.folios[k] is not None:
                folios = open_pdf(laid.folios[k].pdf)
                fonts.detach(units + k, folios.pages[0].obj.Resources)
                _draw_folios(source, folios, laid.folios[k], tagged)
            bundle = structure.prepare(source, laid.pages.starts[k]) if structure else None
            with warnings.catch_warnings():
                # About named destinations, which are rebuilt below from every unit's.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning") else Warning)
                out.pages.extend(source.pages)
            resources = out.pages[laid.pages.starts[k]].obj.Resources  # one for all the unit's pages
            copied_resources[k] = resources
            stamp = next((resources.XObject[name] for name in resources.get("/XObject", {}).keys()
                          if name.startswith(FOLIO_RESOURCE)), None)
            copied_resources[units + k] = stamp.get("/Resources") if stamp is not None else None
            names = source.Root.get("/Names", Dictionary()).get("/Dests", Dictionary()).get("/Names", Array())
            if len(names):
                copied = out.copy_foreign(source.make_indirect(Dictionary(D=names)))
                for i in range(0, len(copied.D), 2):
                    name = str(copied.D[i])
                    if name not in hidden:
                        destinations.setdefault(name, copied.D[i + 1])
            if structure:
                structure.add(out.copy_foreign(bundle))
        if len(out.pages) != laid.pages.total:
            raise RuntimeError(f"joined {len(out.pages)} pages, the page map has {laid.pages.total}")
        fonts.attach(out, copied_resources)
        _link_units(out, destinations, structure)
        if destinations:
            names = Array()
            for name in sorted(destinations):
                names.extend([pikepdf.String(name), destinations[name]])
            out.Root.Names = Dictionary(Dests=Dictionary(Names=names))
        _add_outline(out, laid)
        if labelled:
            out.Root.PageLabels = page_labels(laid)
        if structure:
            structure.finish()
        out.trailer.ID = Array([pikepdf.String(identifier), pikepdf.String(identifier)])
        out.save(target, min_version=first.pdf_version, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return len(out.pages)
    finally:
        for pdf in opened:
            pdf.close()


def _draw_folios(unit: pikepdf.Pdf, folios: pikepdf.Pdf, facts, tagged: bool) -> None:
    for i, page in enumerate(folios.pages):
        if not facts.pages[i].margins:
            continue  # nothing printed in the margins of this page
        target = unit.pages[i]
        if list(page.mediabox) != list(target.mediabox):
            raise RuntimeError("a folio page is not the size of the page it numbers")
        drawing = unit.copy_foreign(page.as_form_xobject())
        name = Name(f"{FOLIO_RESOURCE}{i}")
        target.add_resource(drawing, Name.XObject, name)
        # The page's own content leaves its coordinates flipped: draw the folio after it, as
        # the margin boxes are, with the page's state restored.
        marked = (b"/Artifact <</Type /Pagination>> BDC ", b" EMC") if tagged else (b"", b"")
        target.contents_add(unit.make_stream(b"q\n"), prepend=True)
        target.contents_add(unit.make_stream(b"\nQ\n" + marked[0] + b"q " + bytes(name.unparse()) + b" Do Q" + marked[1] + b"\n"))


def _link_units(out: pikepdf.Pdf, destinations: dict, structure: StructureJoin | None) -> None:
    """Links to another unit's anchor point at its named destination, as one pass writes them."""
    for page in out.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = Array()
        changed = False
        for annotation in annotations:
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if isinstance(action, pikepdf.Dictionary) else ""
            if not uri.startswith(LINK_SCHEME):
                kept.append(annotation)
                continue
            changed = True
            name = unquote(uri[len(LINK_SCHEME):])
            if name not in destinations:
                if structure:
                    structure.drop_annotation(annotation)
                continue
            del annotation["/A"]
            annotation.Dest = pikepdf.String(name)
            if "/Contents" in annotation:
                annotation.Contents = pikepdf.String(name)
            kept.append(annotation)
        if changed:
            page.obj.Annots = kept


# PDF page label styles (PDF 32000-1, 12.4.2) for the counter styles folios are printed in.
LABEL_STYLES = {"decimal": Name.D, "lower-roman": Name.r, "upper-roman": Name.R}


def page_labels(laid: BookLaidOut) -> Dictionary:
    """The number tree of page labels: the front matter counted from 1 in the style its
    folios print (roman when none shows), the body from 1 again at its first page."""
    ranges = []
    if laid.pages.body_start > 0:
        ranges.append((0, laid.styles.get(0, "lower-roman")))
    if laid.pages.body_start < laid.pages.total:
        ranges.append((laid.pages.body_start, laid.styles.get(1, "decimal")))
    nums = Array()
    for start, style in ranges:
        nums.extend([start, Dictionary(S=LABEL_STYLES[style])])
    return Dictionary(Nums=nums)


def _add_outline(out: pikepdf.Pdf, laid: BookLaidOut) -> None:
    root = bookmark_tree([(level, label, (first + i, x, y), state)
                          for unit, first in zip(laid.units, laid.pages.starts)
                          for i, page in enumerate(unit.pages) for level, label, x, y, state in page.bookmarks])
    if not root:
        return
    pages = [page.obj for page in out.pages]

    def items(entries, parent) -> tuple[list, int]:
        made, count = [], len(entries)
        for label, (page, x, y), children, state in entries:
            item = out.make_indirect(Dictionary(Title=pikepdf.String(label), Parent=parent,
                                                Dest=Array([pages[page], Name.XYZ, x, y, 0])))
            kids, kids_count = items(children, item)
            item.Count = -kids_count if state == "closed" else kids_count
            if state != "closed":
                count += kids_count
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            if made:
                item.Prev, made[-1].Next = made[-1], item
            made.append(item)
        return made, count

    outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    made, count = items(root, outlines)
    outlines.First, outlines.Last, outlines.Count = made[0], made[-1], count
    out.Root.Outlines = outlines


def bookmark_tree(bookmarks: list[tuple]) -> list:
    """Bookmarks (level, label, target, state) in book order, nested as WeasyPrint nests
    them: under the last one of a lower level, a skipped level taking no depth of its own.
    Returns [(label, target, children, state)]."""
    root: list = []
    open_levels: list[tuple[int, list]] = []  # (level, its children) of the bookmarks still open
    for level, label, target, state in bookmarks:
        while open_levels and open_levels[-1][0] >= level:
            open_levels.pop()
        children: list = []
        (open_levels[-1][1] if open_levels else root).append((label, target, children, state))
        open_levels.append((level, children))
    return root
