"""`[book] chapters`: the chapter files in reading order, grouped into parts, each entry
with the place in book.toml where it is named (the files themselves are read by load_book).

Without a list, every Markdown file in the book folder is a chapter, in file-name order
(`.qmd` and `.Rmd` too: Quarto's and R Markdown's Markdown). `[book] appendices` lists the
files that follow the chapters as appendices, as Quarto's book does.
"""

from __future__ import annotations

from dataclasses import replace

from bookwright.diagnostics import Diagnostics
from bookwright.load.manuscripts import is_chapter_file
from bookwright.load.toml import KeyLocator
from bookwright.model import ChapterEntry, SourceLocation

PART_FORM = '{ part = "Title", chapters = ["01-a.md"] }'


def read_chapter_list(chapters: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[ChapterEntry, ...]:
    if chapters is None:
        return tuple(ChapterEntry(p.name, None, None, SourceLocation(at.path, 0, 0))
                     for p in sorted(at.root.iterdir())
                     if p.is_file() and is_chapter_file(p.name) and not p.name.startswith(("_", "."))
                     and p.name.lower() != "readme.md")
    entries: list[ChapterEntry] = []
    seen_strings: dict[str, int] = {}

    def located(value: str) -> SourceLocation:
        # The n-th entry naming a file is the n-th time the name is written.
        n = seen_strings.get(value, 0)
        seen_strings[value] = n + 1
        return at.string(value, n)

    for item in chapters:
        if isinstance(item, str):
            entries.append(ChapterEntry(item, None, None, located(item)))
        elif isinstance(item, dict):
            entries.extend(_part(item, at, diags, located))
        else:
            diags.error_at(at.key("book", "chapters"),
                           "each entry of 'chapters' must be a file name or a part { part = ..., chapters = [...] }")
    return tuple(entries)


def read_appendix_list(appendices: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[ChapterEntry, ...]:
    """`[book] appendices`: written as `chapters` is, each entry an appendix."""
    if appendices is None:
        return ()
    return tuple(replace(entry, role="appendix") for entry in read_chapter_list(appendices, at, diags))


def _part(item: dict, at: KeyLocator, diags: Diagnostics, located) -> list[ChapterEntry]:
    part = item.get("part")
    where = located(part) if isinstance(part, str) else at.key("book", "chapters")
    for key in sorted(set(item) - {"part", "chapters"}):
        diags.error_at(where, f"unknown key '{key}' in a part", hint=f"a part is written {PART_FORM}")
    if not isinstance(part, str) or not part.strip():
        diags.error_at(where, "a part needs a title: { part = \"Title\", chapters = [...] }")
        return []
    files = item.get("chapters")
    if not isinstance(files, list) or not files:
        diags.error_at(where, f"part '{part}' needs a non-empty list of chapters")
        return []
    entries = []
    for name in files:
        if not isinstance(name, str):
            diags.error_at(where, f"chapters of part '{part}' must be file names")
            continue
        entries.append(ChapterEntry(name, part, where, located(name)))
    return entries
