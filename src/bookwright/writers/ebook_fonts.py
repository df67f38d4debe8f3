"""The fonts the EPUB and the web edition carry: which files, under what names and family
names, each cut to what the edition shows (font_subset.py), with each face's licence.

Both editions are planned the same way, in two steps, because a subset depends on the
finished documents while the stylesheet must name the files first: `EbookFonts` fixes
the files, their names in the package and the families the stylesheet calls them by
(`font_rules`); once every document is written, `subsets` cuts each file to what those
documents and the stylesheet show. The book's faces are carried unless the author says
`embed-fonts = false`; the math face only when a chapter has MathML, cut to the math's
own characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bookwright.model import Face, FontFile, ResolvedBook, ResolvedChapter
from bookwright.resolve.apparatus.formulas import contains_math
from bookwright.writers.font_subset import layout_features, math_characters, shown_characters, subset_family, subset_font
from bookwright.writers.theme import face_files, font_face_rules, packaged_names, unused_name


@dataclass(frozen=True)
class CarriedFont:
    face: Face
    file: FontFile
    name: str  # the file's name in the edition's fonts folder


class EbookFonts:
    def __init__(self, book: ResolvedBook, embed: bool, flavor: str | None = None, cache: Path | None = None,
                 chapters: Iterable[ResolvedChapter] | None = None):
        """`embed`: the author's `embed-fonts`; `flavor`: "woff2" to publish the subsets as
        web fonts, None to keep each file's own format (the EPUB's); `cache`: the build's
        cache folder, where subsets are kept for the next build; `chapters`: the ones the
        edition publishes (a sample site's), when not all."""
        style = book.config.style
        self.flavor = flavor
        self.cache = cache
        faces = list(dict.fromkeys(style.faces.values()))
        shown = book.chapters if chapters is None else chapters
        self.has_math = style.math is not None and any(contains_math(c) for c in shown)
        if self.has_math:
            faces.append(style.math)
        faces = faces if embed else []
        owners = {font.path: face for face in reversed(faces) for font in face.files}
        files = face_files(faces)
        names = packaged_names(files, ".woff2" if flavor == "woff2" else None)
        self.fonts = [CarriedFont(owners[font.path], font, names[font.path]) for font in files]
        self.families = unique_families(faces)

    def font_rules(self, address) -> str:
        """The @font-face rules for the carried files; `address(name)` is a file's URL from the stylesheet."""
        return font_face_rules((self.families[f.face.name], f.file, address(f.name)) for f in self.fonts)

    def licences(self) -> dict[str, Path]:
        """The name each carried face's licence goes by beside the fonts → its file."""
        return {licence_name(font.face.name): font.face.licence for font in self.fonts if font.face.licence}

    def subsets(self, documents: Iterable[etree._Element], css: str, also: str = "") -> list[tuple[CarriedFont, bytes]]:
        """Each carried file cut to what `documents` and `css` show (and `also`: what a
        script writes into them), in file order."""
        documents = list(documents)
        text = shown_characters(documents, css, also)
        math = math_characters(documents) if self.has_math else frozenset()
        features = layout_features(css)
        return [(font, subset_font(font.file.path, math if font.face.kind == "math" else text, features, font.face,
                                   self.flavor, self.cache))
                for font in self.fonts]


def licence_name(family: str) -> str:
    """The file a face's licence is packaged as, beside its fonts."""
    return "".join(ch if ch.isalnum() else "-" for ch in family).strip("-") + "-OFL.txt"


def unique_families(faces: list[Face]) -> dict[str, str]:
    """Face name → the family its subsets go by, no two faces alike."""
    taken: set[str] = set()
    return {face.name: unused_name(lambda n: subset_family(face) if n == 1 else f"{subset_family(face)} {n}", taken)
            for face in faces}
