"""One subset of each font in a joined PDF, as the whole book laid out at once would have.

Each unit embeds its own subset of every font it uses, so a book of sixty chapters would
carry sixty subsets of its body face. WeasyPrint subsets with HarfBuzz keeping every
glyph's id, so the glyphs a page shows are the same ids in any subset of the same font:
the join can replace the units' subsets of a font by one subset holding every glyph any
unit used, cut from the original font the same way WeasyPrint cuts its subsets (used
glyphs with their ids kept, then everything up to the last used one; layout and bitmap
tables dropped; hinting dropped; the .notdef outline kept when a character had no glyph).
Each unit keeps its own font dictionary (its widths and its text mapping cover its own
glyphs); they all point at the one program, named with the one tag that program's bytes
give (unit_finish.subset_tag).

The layout writes down, for each font of a unit, which original font it was cut from
(the hash of its bytes), which glyphs it used and whether its .notdef is drawn
(`describe_fonts`), and keeps the original beside the layout cache (`keep_original`).
Fonts WeasyPrint does not subset this way (bitmap and colour fonts, variable fonts it
instantiates, fonts a form field uses) keep their units' subsets.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pikepdf

from bookwright.writers.pdf import cache_files
from bookwright.writers.pdf.unit_finish import subset_tag

# What WeasyPrint drops from every subset (pdf/fonts.py): layout, bitmap and signature tables.
DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
NO_HINTING, RETAIN_GIDS, DESUBROUTINIZE, PASSTHROUGH_UNRECOGNIZED, NOTDEF_OUTLINE = 0x1, 0x2, 0x4, 0x20, 0x40
DROP_TABLE_TAG_SET = 3
MEMORY_MODE_DUPLICATE = 0


# --- in the worker: what each font of a unit is -------------------------------------------------


def describe_fonts(document) -> list[dict]:
    """For each font program a laid-out WeasyPrint document embeds: its resource name, the
    original it is cut from (hash, face index, bytes), the glyphs it keeps and whether its
    .notdef is drawn; None for the original of a font that is not subset the usual way."""
    from weasyprint.text.fonts import get_hb_object_data

    by_name: dict[str, list] = {}
    for font in document.fonts.values():
        by_name.setdefault(font.hash, []).append(font)
    described = []
    for name, fonts in sorted(by_name.items()):
        first = fonts[0]  # the one WeasyPrint subsets, with the glyphs of all
        glyphs = sorted({glyph for font in fonts for glyph in font.to_unicode})
        usual = (glyphs and not first.bitmap and not any(font.used_in_forms for font in fonts)
                 and "fvar" not in first.tables and not (first.png or first.svg or first.colr))
        original = get_hb_object_data(first.hb_face) if usual else None
        described.append({"name": name, "index": first.index, "glyphs": glyphs, "notdef": bool(first.missing),
                          "original": hashlib.sha256(original).hexdigest() if original else None,
                          "data": original})
    return described


def keep_original(folder: Path | None, digest: str, data: bytes) -> bool:
    """Keeps an original font in `folder` (once); False if it could not be written."""
    if folder is None:
        return False
    path = folder / f"{digest}.font"
    if path.is_file():
        return True
    try:
        cache_files.store(path, data)
        return True
    except OSError:
        return False


# --- at the join: one subset per font ----------------------------------------------------------


def originals_from(units: list, folder: Path | None) -> Callable[[str], bytes | None]:
    """Finds an original font: carried by a unit of this build, or kept beside the cache."""
    carried = {digest: data for unit in units for digest, data in unit.originals.items()}

    def original(digest: str) -> bytes | None:
        if digest in carried:
            return carried[digest]
        try:
            return (folder / f"{digest}.font").read_bytes() if folder is not None else None
        except OSError:
            return None

    return original


def union_subset(original: bytes, index: int, glyphs: list[int], notdef: bool) -> bytes | None:
    """The subset of `original` (face `index`) keeping `glyphs` with their ids, as WeasyPrint
    cuts one; None where HarfBuzz's subsetter is not available."""
    hb = _harfbuzz()
    if hb is None or not glyphs:
        return None
    core, subset = hb
    blob = core.hb_blob_create(original, len(original), MEMORY_MODE_DUPLICATE, None, None)
    face = core.hb_face_create(blob, index)
    plan = subset.hb_subset_input_create_or_fail()
    faces = []
    try:
        _add(core, subset.hb_subset_input_glyph_set(plan), sorted(glyphs))
        tags = sorted(core.hb_tag_from_string(tag, -1) for tag in DROPPED_TABLES)
        _add(core, subset.hb_subset_input_set(plan, DROP_TABLE_TAG_SET), tags)
        outline = NOTDEF_OUTLINE if notdef else 0
        # First the used glyphs, keeping their ids; then every glyph up to the last used
        # one (the rest are empty by now), which makes the ids the glyph order itself.
        subset.hb_subset_input_set_flags(plan, RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | outline)
        faces.append(subset.hb_subset_or_fail(face, plan))
        if not faces[-1]:
            return None
        _add(core, subset.hb_subset_input_glyph_set(plan), list(range(max(glyphs) + 1)))
        subset.hb_subset_input_set_flags(plan, PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | NO_HINTING | outline)
        faces.append(subset.hb_subset_or_fail(faces[-1], plan))
        if not faces[-1]:
            return None
        result = core.hb_face_reference_blob(faces[-1])
        length = ctypes.c_uint()
        pointer = core.hb_blob_get_data(result, ctypes.byref(length))
        data = ctypes.string_at(pointer, length.value) if pointer else b""
        core.hb_blob_destroy(result)
        return data or None
    finally:
        for made in faces:
            if made:
                core.hb_face_destroy(made)
        subset.hb_subset_input_destroy(plan)
        core.hb_face_destroy(face)
        core.hb_blob_destroy(blob)


def _add(core, hb_set, values: list[int]) -> None:
    array = (ctypes.c_uint * len(values))(*values)
    core.hb_set_add_sorted_array(hb_set, array, len(values))


LIBRARIES = {"core": ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll", "harfbuzz"),
             "subset": ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll",
                        "harfbuzz-subset")}


def _load(names) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            found = ctypes.util.find_library(name) if "." not in name else None
            if found:
                try:
                    return ctypes.CDLL(found)
                except OSError:
                    pass
    return None


@lru_cache(maxsize=1)
def _harfbuzz():
    core, subset = _load(LIBRARIES["core"]), _load(LIBRARIES["subset"])
    if core is None or subset is None:
        return None
    pointer, unsigned = ctypes.c_void_p, ctypes.c_uint
    signatures = [
        (core, "hb_blob_create", pointer, [ctypes.c_char_p, unsigned, ctypes.c_int, pointer, pointer]),
        (core, "hb_blob_destroy", None, [pointer]),
        (core, "hb_blob_get_data", pointer, [pointer, ctypes.POINTER(unsigned)]),
        (core, "hb_face_create", pointer, [pointer, unsigned]),
        (core, "hb_face_destroy", None, [pointer]),
        (core, "hb_face_reference_blob", pointer, [pointer]),
        (core, "hb_set_add_sorted_array", None, [pointer, ctypes.POINTER(unsigned), unsigned]),
        (core, "hb_tag_from_string", ctypes.c_uint32, [ctypes.c_char_p, ctypes.c_int]),
        (subset, "hb_subset_input_create_or_fail", pointer, []),
        (subset, "hb_subset_input_destroy", None, [pointer]),
        (subset, "hb_subset_input_glyph_set", pointer, [pointer]),
        (subset, "hb_subset_input_set", pointer, [pointer, ctypes.c_int]),
        (subset, "hb_subset_input_set_flags", None, [pointer, unsigned]),
        (subset, "hb_subset_or_fail", pointer, [pointer, pointer]),
    ]
    try:
        for library, name, result, arguments in signatures:
            function = getattr(library, name)
            function.restype, function.argtypes = result, arguments
    except AttributeError:
        return None  # a HarfBuzz too old to subset this way: every unit keeps its subsets
    return core, subset


class FontUnion:
    """The fonts of a book's units (and of their folios), planned as one subset each, then
    put in the joined file: `detach` takes a document's own programs of those fonts out of
    its resources before they are copied, `attach` gives the copied fonts the one program
    once everything is in."""

    def __init__(self, documents: list[list[dict]], original: Callable[[str], bytes | None]):
        """`documents`: the fonts of each laid-out document (UnitLaidOut.fonts);
        `original(hash)`: an original font's bytes, or None."""
        groups: dict[tuple[str, int], dict] = {}
        for k, fonts in enumerate(documents):
            for font in fonts:
                if font["original"] is None:
                    continue
                group = groups.setdefault((font["original"], font["index"]), {"glyphs": set(), "notdef": False,
                                                                               "fonts": []})
                group["glyphs"].update(font["glyphs"])
                group["notdef"] = group["notdef"] or font["notdef"]
                group["fonts"].append((k, font["name"]))
        self.programs: dict[tuple[str, int], bytes] = {}
        self.members: dict[int, dict[str, tuple[str, int]]] = {}  # document → resource name → its font
        for key, group in sorted(groups.items()):
            data = original(key[0])
            merged = union_subset(data, key[1], sorted(group["glyphs"]), group["notdef"]) if data else None
            if merged is None:
                continue  # these documents keep their own subsets
            self.programs[key] = merged
            for k, name in group["fonts"]:
                self.members.setdefault(k, {})[name] = key

    def detach(self, k: int, resources) -> None:
        """Takes the programs of document `k`'s joined fonts out of its `resources`."""
        for _, descriptor in self._fonts(resources, self.members.get(k, {})):
            for key in ("/FontFile3", "/FontFile2", "/FontFile"):
                if key in descriptor:
                    del descriptor[key]

    def attach(self, out: pikepdf.Pdf, resources: dict) -> None:
        """Points every joined font at its one program; `resources[k]`: document k's
        resources as copied into `out`."""
        streams = {}
        for key, data in self.programs.items():
            opentype = data[:4] == b"OTTO"
            extra = {"/Subtype": pikepdf.Name.OpenType} if opentype else {"/Length1": len(data)}
            streams[key] = (out.make_stream(data, pikepdf.Dictionary(extra)),
                            "/FontFile3" if opentype else "/FontFile2", subset_tag(data))
        for k, names in self.members.items():
            for type0, descriptor in self._fonts(resources[k], names):
                name = next(n for n in names if resources[k].Font.get("/" + n.lstrip("/")) == type0)
                stream, slot, tag = streams[names[name]]
                descriptor[slot] = stream
                for holder, field in ((type0, "/BaseFont"), (type0.DescendantFonts[0], "/BaseFont"),
                                      (descriptor, "/FontName")):
                    holder[field] = pikepdf.Name("/" + tag + str(holder[field])[7:])

    @staticmethod
    def _fonts(resources, names: dict):
        """(Type0 font, font descriptor) of each font of `resources` named in `names`."""
        fonts = resources.get("/Font", {}) if resources is not None else {}
        for name in names:
            font = fonts.get("/" + name.lstrip("/"))
            if font is not None:
                yield font, font.DescendantFonts[0].FontDescriptor
