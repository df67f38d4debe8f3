"""Back matter the whole-book pass writes itself: notes, references, the index.

A generated chapter is an ordinary `ResolvedChapter`, so every writer shows it, links to
it and lists it in the contents without knowing it was generated. When the author has a
chapter file with the same role (`role: bibliography`), that file marks the place: the
generated content is appended to its body, after the author's own title and text.
Otherwise the chapter is added at the end of the book.
"""

from __future__ import annotations

from lxml import html

from bookwright.model import Book, ChapterSource, ResolvedChapter


def marker_chapter(chapters: list[ResolvedChapter], role: str) -> ResolvedChapter | None:
    return next((c for c in chapters if c.role == role and not c.generated), None)


def place_generated(book: Book, chapters: list[ResolvedChapter], role: str, title: str) -> ResolvedChapter:
    """The chapter to fill: the author's marker, or a new one at the end of the book."""
    marker = marker_chapter(chapters, role)
    if marker is not None:
        return marker
    keys = {c.key for c in chapters} | {p.key for p in book.parts}
    key = role
    while key in keys:
        key += "-x"
    source = ChapterSource(path=book.config.toml_path or book.root / "book.toml", rel="book.toml", key=key,
                           role=role, part=None, text="")
    body = html.Element("div")
    h1 = html.Element("h1")
    h1.set("id", role)
    h1.text = title
    body.append(h1)
    chapter = ResolvedChapter(key, source, role, title, "", role, body, [], generated=True)
    chapters.append(chapter)
    return chapter
