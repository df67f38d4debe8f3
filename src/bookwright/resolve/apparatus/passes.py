"""The scholarly apparatus in the whole-book pass: where it hooks into `resolve_book`.

Two calls, so that resolve/__init__.py only says when:

- `prepare_apparatus`, once chapters are numbered and before labels become targets:
  formulas become MathML (so `@eq-x` can name a numbered equation), and index marks
  remember their source before notes move.
- `finish_apparatus`, once notes are collected and before the contents are built: notes
  move to endnotes if the book asks, citations are formatted and the References chapter
  written, the index collected and the Index chapter written. Generated chapters end the
  book in that order: Notes, References, Index (unless the author placed them).
"""

from __future__ import annotations

from bookwright.resolve.apparatus.bibliography import resolve_citations
from bookwright.diagnostics import Diagnostics
from bookwright.resolve.apparatus.formulas import number_equations, resolve_formulas
from bookwright.resolve.apparatus.index import build_index, tag_marks
from bookwright.model import Book, IndexEntry, ParsedChapter, ResolvedChapter
from bookwright.resolve.apparatus.notes import place_notes

GENERATED_ORDER = ("notes", "bibliography", "index")


def prepare_apparatus(chapters: list[ResolvedChapter], parsed: list[ParsedChapter], diags: Diagnostics) -> None:
    unnumbered_count = [0]
    for chapter, source in zip(chapters, parsed):
        resolve_formulas(chapter, source, diags)
        number_equations(chapter, unnumbered_count)
    tag_marks(chapters)


def finish_apparatus(book: Book, chapters: list[ResolvedChapter], parsed: list[ParsedChapter], words: dict,
                     diags: Diagnostics) -> list[IndexEntry]:
    place_notes(book, chapters, words)
    resolve_citations(book, chapters, parsed, words, diags)
    index = build_index(book, chapters, parsed, words, diags)
    authored = [c for c in chapters if not c.generated]
    generated = sorted((c for c in chapters if c.generated),
                       key=lambda c: GENERATED_ORDER.index(c.role))
    chapters[:] = authored + generated
    return index
