"""`book.toml` → `Config`: every table checked against the declared options, then read
by its one reader, each problem reported at its line.

Every reader has the same shape, `read_x(table, at, diags) -> the table's options`: it gets
its table's well-typed values and `at` (where keys are written, and the book folder), and
returns the options dataclass that declares the table (model.py), absent keys left at
their declared defaults.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from bookwright.diagnostics import Diagnostics
from bookwright.load.book_options import read_book
from bookwright.load.copyright_options import read_copyright
from bookwright.load.cover_options import read_cover
from bookwright.load.epub_options import read_epub
from bookwright.load.note_options import read_notes
from bookwright.load.pdf_options import read_pdf
from bookwright.load.print_options import read_print
from bookwright.load.style_options import read_style
from bookwright.load.text_options import read_lists, read_numbering, read_toc, read_words
from bookwright.load.toml import KeyLocator, check_tables, read_book_toml
from bookwright.load.web_options import read_web
from bookwright.model import ChapterEntry, Config

Reader = Callable[[dict, KeyLocator, Diagnostics], object]

# Each table of book.toml and the one reader that gives its values their meaning.
READERS: dict[str, Reader] = {
    "book": read_book, "toc": read_toc, "numbering": read_numbering, "style": read_style, "pdf": read_pdf,
    "print": read_print, "cover": read_cover, "epub": read_epub, "web": read_web, "copyright": read_copyright,
    "words": read_words, "lists": read_lists, "notes": read_notes,
}


def load_config(root: Path, diags: Diagnostics) -> tuple[Config, list[ChapterEntry]] | None:
    """Reads and checks book.toml: the Config and the chapter list, or None when the file
    cannot be read at all."""
    read = read_book_toml(root, diags)
    if read is None:
        return None
    data, at = read
    tables = check_tables(data, at, diags)
    options = {name: reader(tables[name], at, diags) for name, reader in READERS.items()}
    if "chapters" not in tables["book"]:
        # Every Markdown file is a chapter, except the print covers' own words.
        cover = options["cover"]
        texts = {path.resolve() for path in (cover.back, cover.author_note) if path is not None}
        options["book"] = replace(options["book"], chapters=tuple(
            entry for entry in options["book"].chapters if (root / entry.path).resolve() not in texts))
    config = Config(
        book=options["book"], toc=options["toc"], numbering=options["numbering"], style=options["style"],
        page=options["pdf"], print=options["print"], cover=options["cover"], web=options["web"],
        copyright=options["copyright"], words=options["words"], list_options=options["lists"],
        notes=options["notes"], toml=at.source, epub=options["epub"],
    )
    appendices = list(config.book.appendices)
    # Without a chapter list every Markdown file is a chapter: the appendices among them come last.
    named = {entry.path for entry in appendices}
    return config, [entry for entry in config.book.chapters if entry.path not in named] + appendices
