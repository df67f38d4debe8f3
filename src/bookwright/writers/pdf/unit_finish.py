"""What a unit's PDF needs before it is joined with the others, done on WeasyPrint's objects
just before the unit is written (a finisher: the file is written once).

- Font subsets get a tag of their own. WeasyPrint names a subset after the font it was cut
  from (`ABCDEF+Linux-Libertine-O`), so every unit's subset of the same font would carry
  the same tag; two different subsets under one name may be swapped by a printer's RIP
  (ISO 32000-1, 9.6.4: a tag identifies one subset). The tag here is made from the subset's
  own bytes: different subsets, different tags; the same subset, the same tag.
- The XMP packet's document ID, which WeasyPrint draws at random for PDF/X-4, is made from
  the book's identifier: the same book gives the same bytes, and a unit kept in the layout
  cache is the unit a new layout would give.
- In the tagged edition: running heads become pagination artifacts and header cells say
  what they head (tagged.py); a table header's /ID, which WeasyPrint makes from an object
  number that repeats in every unit, is prefixed with the unit's name, and the unit lists
  its IDs in an ID tree, as ISO 32000 asks of a structure tree whose elements have IDs.
"""

from __future__ import annotations

import hashlib
import re
import uuid

import pydyf

from bookwright.writers.pdf.tagged import finish_tagged_pdf

TAGGED_NAME = re.compile(rb"^/[A-Z]{6}\+")


def finish_unit(pdf, label: str, tagged: bool, identifier: bytes) -> None:
    retag_subsets(pdf)
    fix_document_id(pdf, identifier)
    if tagged:
        finish_tagged_pdf(None, pdf)
        prefix_header_ids(pdf, label)


def _deref(pdf, value):
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _stream_bytes(stream) -> bytes:
    return b"".join(part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)


def subset_tag(data: bytes) -> str:
    """Six capital letters from the subset's bytes."""
    digest = hashlib.sha256(data).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def retag_subsets(pdf) -> None:
    for obj in list(pdf.objects):
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/Font" or "DescendantFonts" not in obj:
            continue
        descendants = _deref(pdf, obj["DescendantFonts"])
        cid_font = _deref(pdf, descendants[0])
        descriptor = _deref(pdf, cid_font.get("FontDescriptor"))
        if not isinstance(descriptor, dict):
            continue
        file_ref = descriptor.get("FontFile3") or descriptor.get("FontFile2") or descriptor.get("FontFile")
        font_file = _deref(pdf, file_ref)
        if font_file is None or not hasattr(font_file, "stream"):
            continue
        tag = subset_tag(_stream_bytes(font_file)).encode()
        for holder, key in ((obj, "BaseFont"), (cid_font, "BaseFont"), (descriptor, "FontName")):
            name = holder.get(key)
            if isinstance(name, bytes) and TAGGED_NAME.match(name):
                holder[key] = b"/" + tag + name[7:]
            elif isinstance(name, str) and TAGGED_NAME.match(name.encode()):
                holder[key] = "/" + tag.decode() + name[7:]


RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def fix_document_id(pdf, identifier: bytes) -> None:
    metadata = _deref(pdf, pdf.catalog.get("Metadata"))
    if metadata is None or not hasattr(metadata, "stream"):
        return
    stable = b"xmp.did:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bookwright:" + identifier.decode("latin-1"))).encode()
    metadata.stream = [RANDOM_DOCUMENT_ID.sub(stable, _stream_bytes(metadata))]


def prefix_header_ids(pdf, label: str) -> None:
    """Table header IDs unique in the book, and the unit's ID tree."""
    prefix = re.sub(r"[^A-Za-z0-9_.-]", "-", label.lstrip("#")) + "-"
    ids = []
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/StructElem":
            continue
        element_id = obj.get("ID")
        if isinstance(element_id, pydyf.String):
            obj["ID"] = pydyf.String(prefix + str(element_id.string))
            ids.append((obj["ID"].string, obj.reference))
        attributes = obj.get("A")
        if isinstance(attributes, dict) and isinstance(attributes.get("Headers"), list):
            attributes["Headers"] = pydyf.Array(pydyf.String(prefix + str(h.string)) for h in attributes["Headers"])
    if not ids:
        return
    root = _deref(pdf, pdf.catalog.get("StructTreeRoot"))
    names = pydyf.Array()
    for element_id, reference in sorted(ids):
        names.extend([pydyf.String(element_id), reference])
    root["IDTree"] = pydyf.Dictionary({"Names": names})
