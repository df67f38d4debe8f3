"""The author's text face checked against what the chapters set in it: a book whose
chapters use italic (or bold) needs a body face with an italic (or bold) style, or every
edition would show a slanted (or smeared) imitation of it.

Only a face of the author's own files is checked; the bundled faces have every style the
themes use.
"""

from __future__ import annotations

from bookwright.diagnostics import Diagnostics
from bookwright.model import Book, ResolvedChapter

# What the chapters' HTML sets in italic and in bold (the writers' stylesheets say so).
STYLED = (("italic", ("em", "i", "cite", "dfn", "var"), ("italic", False)),
          ("bold", ("strong", "b"), ("normal", True)))


def check_body_face(book: Book, chapters: list[ResolvedChapter], diags: Diagnostics) -> None:
    face = book.config.style.body_font
    if face is None or face.bundled:
        return
    for word, tags, (slant, bold) in STYLED:
        if face.has_style(slant, bold):
            continue
        user = next((c for c in chapters if not c.generated and next(c.body.iter(*tags), None) is not None), None)
        if user is not None:
            diags.error_at(book.config.location_of("style", "body-font"),
                           f"[style] body-font '{face.name}' has no {word} style, and {user.source.rel} sets text "
                           f"in {word}",
                           hint=f"put the {word} file beside the regular one, or name each style's file: "
                                '{ regular = "...", italic = "...", bold = "..." }')
