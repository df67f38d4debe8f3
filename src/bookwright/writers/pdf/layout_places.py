"""Where in the author's files a PDF layout message comes from.

WeasyPrint logs what went wrong while laying out the book without saying where in the
manuscript it came from. Some messages name what caused them: a character no font could
draw is quoted in the message, and the author wrote that character somewhere, so the
warning is given at each file that has it, at its first place there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bookwright.model import ResolvedBook, SourceLocation
from bookwright.parse.sourcemap import SourceMap

# WeasyPrint (draw/text.py) when no font of the book's (the only ones a PDF is laid out with) has a
# glyph for a character.
MISSING_GLYPH = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: ".*" \(U\+([0-9A-Fa-f]+)\)')
# More places than this in one file are counted, not listed.
LISTED_LINES = 5


@dataclass(frozen=True)
class Placed:
    """A layout message in the author's words, at one place (a file, or `book.toml` line 0)."""

    path: Path
    line: int
    col: int
    message: str
    hint: str = ""


class LayoutPlaces:
    """Finds the places of a book's sources that layout messages are about."""

    def __init__(self, book: ResolvedBook):
        self.book = book
        self.toml = book.config.toml_path or book.root / "book.toml"
        self.reported: set[int] = set()  # characters already reported: WeasyPrint logs each glyph drawn

    def place(self, message: str) -> list[Placed]:
        """The warnings for one WeasyPrint message; [] when it repeats one already given."""
        missing = MISSING_GLYPH.match(message)
        if missing is None:
            return [Placed(self.toml, 0, 0, f"PDF layout: {message}")]
        codepoint = int(missing.group(1), 16)
        if codepoint in self.reported:
            return []
        self.reported.add(codepoint)
        return self.missing_glyph(codepoint)

    def missing_glyph(self, codepoint: int) -> list[Placed]:
        char = chr(codepoint)
        what = f'PDF layout: no font has the character "{char}" (U+{codepoint:04X}); the PDF shows an empty box for it'
        # The PDFs are set in the book's faces only (pdf/fonts.py): a face of this computer never stands in.
        hint = ("the book's typefaces lack it: write it another way, or choose faces that have it "
                "([style] body-font, heading-font, code-font)")
        # The character itself, or the numeric reference an author may have typed instead.
        pattern = re.compile(re.escape(char) + f"|&#(?:x0*{codepoint:x}|0*{codepoint});", re.I)
        placed = []
        for path, text in self.sources():
            sources = SourceMap(path, text)
            places = [sources.location(m.start()) for m in pattern.finditer(text)]
            if places:
                first = places[0]
                placed.append(Placed(path, first.line, first.col, what, _more(places, hint)))
        return placed or [Placed(self.toml, 0, 0, what, hint)]

    def sources(self):
        """The author's files that print as text, in book order: chapters, book.toml, the bibliography."""
        seen = set()
        for chapter in self.book.chapters:
            path = chapter.source.path
            if path not in seen and chapter.source.text:
                seen.add(path)
                yield path, chapter.source.text
        if self.toml not in seen:
            seen.add(self.toml)
            yield self.toml, self.book.config.toml.text  # as loaded: book.toml is not read again
        path = self.book.config.bibliography
        if path is not None and path not in seen and path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")


def _more(places: list[SourceLocation], hint: str) -> str:
    others = sorted({p.line for p in places[1:]} - {places[0].line})
    if not others:
        return hint
    listed = ", ".join(str(line) for line in others[:LISTED_LINES])
    if len(others) > LISTED_LINES:
        listed += f" and {len(others) - LISTED_LINES} more"
    return f"also on line{'s' if len(others) > 1 else ''} {listed}; {hint}"
