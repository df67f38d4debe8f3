"""A typeface book.toml names → a `Face`: one of the bundled families, or the author's font
files, each read to learn its family, weight and slant, and checked before anything is
laid out with it.

A face is written three ways: a bundled family's name (`"EB Garamond"`); one font file in
the book folder, whose other styles are found beside it (the files of the same family in
the same folder); or a table naming each style's file (`{ regular = "...", italic = "..." }`).
A file that is not a font bookwright can read, one whose licence bits forbid embedding it
(OS/2 fsType), or a table without a regular style is an error at the key's line. The names
the font's licence reserves (in its copyright and licence name records, or a licence file
beside it) are kept, so that the ebooks' subsets of it are named otherwise.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.load.licences import licence_beside, reserved_names
from bookwright.load.themes import bundled_families, family_named
from bookwright.load.toml import KeyLocator
from bookwright.model import Face, FontFile, SourceLocation
from bookwright.paths import is_inside

FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
# The styles a table may name, as (slant, bold).
NAMED_STYLES = {"regular": ("normal", False), "italic": ("italic", False), "bold": ("normal", True),
                "bold-italic": ("italic", True)}
# OS/2 fsType: 0x0002 restricted-licence embedding, 0x0200 bitmap embedding only. Either
# forbids putting the outlines in a PDF, an EPUB or on a web site.
EMBEDDING_FORBIDDEN = {0x0002: "its licence forbids embedding it (OS/2 fsType: restricted)",
                       0x0200: "its licence allows embedding its bitmaps only (OS/2 fsType)"}


@dataclass(frozen=True)
class FontFacts:
    """What a font file says about itself."""

    family: str
    weight: int
    style: str
    monospace: bool
    notices: str = ""  # the copyright and licence description the font carries (name IDs 0 and 13)


def read_face(value: str | dict, table: str, key: str, at: KeyLocator, diags: Diagnostics) -> Face | None:
    """The face `[table] key = value` names; None (and an error) when it cannot be used."""
    where = at.key(table, key)
    if isinstance(value, dict):
        return _named_files(value, key, at, where, diags)
    if not value.strip():
        diags.error_at(where, f"[{table}] {key} is empty", hint="leave the key out to keep the theme's face")
        return None
    if Path(value).suffix.lower() not in FONT_SUFFIXES:
        face = family_named(value)
        if face is None:
            known = list(bundled_families())
            close = difflib.get_close_matches(value, known, n=1)
            diags.error_at(where, f"[{table}] {key}: '{value}' is neither a bundled typeface nor a font file",
                           hint=(f"did you mean '{close[0]}'? " if close else "") + "bundled: " + ", ".join(known)
                           + "; or a .otf, .ttf, .woff or .woff2 file in the book folder")
        return face
    path = _font_path(value, key, at, where, diags)
    facts = _facts(path, value, key, where, diags) if path else None
    if facts is None:
        return None
    files = [FontFile(path, facts.weight, facts.style)]
    for sibling in sorted(path.parent.iterdir()):
        if sibling == path or sibling.suffix.lower() not in FONT_SUFFIXES or not sibling.is_file():
            continue
        other = _quiet_facts(sibling)
        if other and other.family == facts.family and (other.weight, other.style) not in {
                (f.weight, f.style) for f in files}:
            files.append(FontFile(sibling, other.weight, other.style))
    return _face(facts.family, facts, files)


def _named_files(table: dict, key: str, at: KeyLocator, where: SourceLocation, diags: Diagnostics) -> Face | None:
    files, first = [], None
    for style, name in table.items():
        if style not in NAMED_STYLES:
            diags.error_at(where, f"[style] {key}: unknown style '{style}'",
                           hint="name the files of: " + ", ".join(NAMED_STYLES))
            continue
        if not isinstance(name, str):
            diags.error_at(where, f"[style] {key}.{style} must be a font file in the book folder")
            continue
        place = at.string(name)
        path = _font_path(name, key, at, place, diags)
        facts = _facts(path, name, key, place, diags) if path else None
        if facts is None:
            continue
        slant, bold = NAMED_STYLES[style]
        # The table says which style a file is; its weight is its own, when it agrees.
        weight = facts.weight if (facts.weight >= 600) == bold else (700 if bold else 400)
        files.append(FontFile(path, weight, slant))
        if style == "regular":
            first = facts
    if "regular" not in table:
        diags.error_at(where, f"[style] {key} names no regular style",
                       hint='give { regular = "fonts/Face-Regular.otf", italic = ..., bold = ... }')
        return None
    if first is None or len(files) != len(table):
        return None
    return _face(first.family, first, files)


def _face(family: str, facts: FontFacts, files: list[FontFile]) -> Face:
    kind = "monospace" if facts.monospace else ("sans-serif" if "sans" in family.lower() else "serif")
    licence = licence_beside(files[0].path)
    licence_text = licence.read_text(encoding="utf-8", errors="replace") if licence else ""
    reserved = dict.fromkeys(reserved_names(facts.notices) + reserved_names(licence_text))
    return Face(name=family, kind=kind, files=tuple(sorted(files, key=lambda f: (f.style, f.weight))), bundled=False,
                licence=licence, reserved_names=tuple(reserved))


def _font_path(name: str, key: str, at: KeyLocator, where: SourceLocation, diags: Diagnostics) -> Path | None:
    path = at.root / name
    if Path(name).is_absolute() or not is_inside(path, at.root):
        diags.error_at(where, f"[style] {key}: font file '{name}' is outside the book folder",
                       hint="copy the font into the book folder, e.g. fonts/, and name it from there")
    elif not path.is_file():
        diags.error_at(where, f"[style] {key}: font file '{name}' does not exist")
    else:
        return path.resolve()
    return None


def _facts(path: Path, name: str, key: str, where: SourceLocation, diags: Diagnostics) -> FontFacts | None:
    try:
        facts, fs_type = _read(path)
    except Exception as exc:  # fontTools raises many kinds for a damaged or foreign file
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        diags.error_at(where, f"[style] {key}: '{name}' cannot be read as a font ({detail})",
                       hint="give an OpenType (.otf), TrueType (.ttf), WOFF or WOFF2 file")
        return None
    for bit, why in EMBEDDING_FORBIDDEN.items():
        if fs_type & bit:
            diags.error_at(where, f"[style] {key}: '{name}' cannot be used: {why}",
                           hint="every edition embeds its fonts; choose a face whose licence allows it, "
                                "such as one under the SIL Open Font License")
            return None
    return facts


def _quiet_facts(path: Path) -> FontFacts | None:
    try:
        return _read(path)[0]
    except Exception:  # a file beside the font that is not one of its styles is not the author's mistake
        return None


def _read(path: Path) -> tuple[FontFacts, int]:
    from fontTools.ttLib import TTFont  # imported here: only a book with its own fonts needs it

    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        names = font["name"]
        # The typographic family (16) groups weights that the legacy family (1) splits.
        family = str(names.getDebugName(16) or names.getDebugName(1) or path.stem)
        os2 = font["OS/2"]
        italic = bool(os2.fsSelection & 0x01) or font["post"].italicAngle != 0
        monospace = bool(font["post"].isFixedPitch)
        notices = "\n\n".join(str(names.getDebugName(name_id) or "") for name_id in (0, 13))
        return FontFacts(family.strip(), int(os2.usWeightClass), "italic" if italic else "normal", monospace,
                         notices), int(os2.fsType)
