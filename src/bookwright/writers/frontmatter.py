"""The pages every edition generates around the author's chapters, said once.

The title page, the copyright page, how a line of the contents reads and how a figure or
table is named in its list: each edition sets these in its own markup (an XHTML page,
a page of the PDF, the web edition's home page and footer), but the words come from here,
so the EPUB, the PDFs and the web edition say the same thing. Where the author's own pages
of furniture go (the dedication and an epigraph before the contents, the author's other
books facing the title page) is said here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookwright.model import ResolvedBook, ResolvedChapter, Target, TocEntry
from bookwright.words import words_for


@dataclass(frozen=True)
class TitlePage:
    title: str
    subtitle: str
    authors: str  # every author, in the order book.toml gives them
    publisher: str


def title_page(book: ResolvedBook) -> TitlePage:
    m = book.metadata
    return TitlePage(m.title, m.subtitle, ", ".join(m.authors), m.publisher)


def copyright_blocks(book: ResolvedBook) -> list[tuple[str, list[str]]]:
    """The copyright page as blocks of lines, each with what it is (the editions class them
    `copyright-<kind>`): the book and its authors, the notice, the edition statement, the
    publisher with the year, every ISBN, the credits, and the author's own lines last."""
    m = book.metadata
    written = book.config.copyright
    blocks = [("book", [m.title + (f": {m.subtitle}" if m.subtitle else ""), ", ".join(m.authors)]),
              ("notice", [m.rights] if m.rights else []),
              ("edition", [written.edition] if written.edition else []),
              ("publisher", [publisher_line(book)] if m.publisher else []),
              ("isbn", isbn_lines(book)),
              ("credits", list(written.credits)),
              ("lines", list(written.lines))]
    return [(kind, lines) for kind, lines in blocks if lines]


def publisher_line(book: ResolvedBook) -> str:
    m = book.metadata
    return f"{m.publisher}, {m.date[:4]}" if m.date else m.publisher


def imprint_lines(book: ResolvedBook) -> list[str]:
    """What the copyright page says after the title and authors: the rights, the
    publisher with the year, and the book's ISBNs. The web edition's footer says these."""
    m = book.metadata
    lines = [m.rights] if m.rights else []
    if m.publisher:
        lines.append(publisher_line(book))
    return lines + isbn_lines(book)


def isbn_lines(book: ResolvedBook) -> list[str]:
    """"ISBN 9780000000017"; with both a print ISBN (`[print] isbn`) and an ebook one
    (`[book] isbn-ebook`, or an `identifier` that is an ISBN), each says which edition it numbers."""
    words = words_for(book.metadata.language, book.config.words)
    m = book.metadata
    ebook = (m.isbn_ebook or (m.identifier if m.identifier.startswith("urn:isbn:") else "")).removeprefix("urn:isbn:")
    printed = book.config.print.isbn.removeprefix("urn:isbn:")
    if printed and ebook and printed != ebook:
        return [f"ISBN {printed} ({words['print_edition']})", f"ISBN {ebook} ({words['ebook_edition']})"]
    if printed and not ebook:
        return [f"ISBN {printed} ({words['print_edition']})"]
    return [f"ISBN {ebook}"] if ebook else []


def toc_label(entry: TocEntry) -> str:
    """How an entry reads in a contents list: "5. Trust", "5.2 Repair", "Preface"."""
    if not entry.number:
        return entry.title
    if entry.level == 1:
        return f"{entry.number}. {entry.title}"
    return f"{entry.number} {entry.title}"


# The generated lists of figures and tables: their element ids and the word naming each.
LISTS = {"figures": ("list-of-figures", "list_of_figures"), "tables": ("list-of-tables", "list_of_tables")}


def list_entry_label(target: Target) -> str:
    """How a figure or table reads in its list: "1.1 The trust loop". A caption's closing
    full stop is dropped: the PDF's leader dots follow it."""
    title = target.title[:-1] if target.title.endswith(".") and not target.title.endswith("..") else target.title
    return f"{target.number} {title}".strip()


# Where the paged editions and the EPUB put the author's furniture, by role: the author's
# other books face the title page (the "ad card"), the dedication and a book's epigraph
# follow the copyright page. "About the author" ends the book (resolve/furniture.py).
BEFORE_TITLE_ROLES = ("also-by",)
AFTER_COPYRIGHT_ROLES = ("dedication", "epigraph")
FRONT_BLOCK_ROLES = BEFORE_TITLE_ROLES + AFTER_COPYRIGHT_ROLES


def furniture(book: ResolvedBook, roles: tuple[str, ...]) -> list[ResolvedChapter]:
    """The author's chapters of these roles, in book order."""
    return [c for c in book.chapters if c.role in roles and c.source.part is None]


def before_lists(book: ResolvedBook) -> tuple[list[TocEntry], list[TocEntry]]:
    """The contents split where the lists of figures and tables go: after the furniture the
    front block holds (which precedes the contents page), before everything else."""
    front = {c.key for c in furniture(book, FRONT_BLOCK_ROLES)}
    count = 0
    while count < len(book.toc) and book.toc[count].chapter in front:
        count += 1
    return list(book.toc[:count]), list(book.toc[count:])
