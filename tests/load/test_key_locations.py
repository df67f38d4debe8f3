"""Where each key of book.toml is written is found while loading and travels with the
Config: later stages point at an option's line without reading book.toml again."""

from __future__ import annotations

import shutil
import textwrap

from bookwright.diagnostics import BookError, Diagnostics
from bookwright.load import load_book
from bookwright.load.config import load_config
from bookwright.parse import parse_chapter
from bookwright.resolve import resolve_book

from support import BOOKS

MINIMAL = """\
[book]
title = "The Test Book"
authors = ["Ann Author"]
language = "en"
"""


def config_of(tmp_path, text: str):
    (tmp_path / "book.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    (config, _) = load_config(tmp_path, Diagnostics(root=tmp_path))
    return config


def place(location) -> tuple[int, int]:
    return location.line, location.col


def test_a_key_is_found_in_its_own_table_as_it_is_written(tmp_path):
    config = config_of(tmp_path, """\
        [pdf]
        width = "5in"
        [book]
        title = "T"
          authors = ["A"]
        "language" = "en"
        [ print ]
        width = "x"
        """)
    assert place(config.location_of("book", "authors")) == (5, 3)
    assert place(config.location_of("book", "language")) == (6, 2)
    assert place(config.location_of("pdf", "width")) == (2, 1)
    assert place(config.location_of("print", "width")) == (8, 1)
    # A key that is not written: its table's header, else the top of the file.
    assert place(config.location_of("print", "isbn")) == (7, 1)
    assert place(config.location_of("notes", "placement")) == (1, 1)
    assert config.location_of("book", "title").path == tmp_path / "book.toml"


def resolve_after_book_toml_is_gone(root) -> list[str]:
    diags = Diagnostics(root=root)
    book = load_book(root, diags)
    (root / "book.toml").unlink()
    parsed = [parse_chapter(chapter, book.metadata.language, diags) for chapter in book.chapters]
    try:
        resolve_book(book, parsed, diags)
    except BookError:
        pass
    return [d.format().splitlines()[0] for d in diags.sorted()]


def test_a_missing_cover_is_reported_at_its_key_without_reading_book_toml_again(tmp_path):
    (tmp_path / "book.toml").write_text(MINIMAL + '\n\ncover = "images/cover.png"\n', encoding="utf-8")
    (tmp_path / "01-a.md").write_text("# A chapter\n\nText.\n", encoding="utf-8")
    messages = resolve_after_book_toml_is_gone(tmp_path)
    assert "book.toml:7:1: error: cover image 'images/cover.png' does not exist" in messages


def test_a_refused_citation_style_is_reported_at_its_key_without_reading_book_toml_again(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "scholarly-citations", book)
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('bibliography = "references.bib"',
                                             'bibliography = "references.bib"\n  csl = "chicago-notes-bibliography"'))
    line = toml.read_text().splitlines().index('  csl = "chicago-notes-bibliography"') + 1
    assert (f"book.toml:{line}:3: error: 'chicago-notes-bibliography' is a note style; "
            "bookwright places citations in the text") in resolve_after_book_toml_is_gone(book)
