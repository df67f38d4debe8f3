"""The page count a cover's spine is sized from: the interior's, as the printer will bind it.

In order: the interior written earlier in the same build (editions.build_order puts covers
after their interiors); else the interior already in the output folder, when it is newer
than every file of the book it was made from; else the interior laid out now into a
scratch file beside the cover, counted and removed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pikepdf

from bookwright.diagnostics import Diagnostics
from bookwright.editions import EDITIONS, Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext


def counted(path: Path) -> int | None:
    """The PDF's page count, or None when it cannot be read."""
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, OSError):
        return None


def interior_pages(book: ResolvedBook, cover: Edition, folder: Path, context: BuildContext) -> tuple[int, str]:
    """(page count, where it came from) for the interior `cover` wraps; `folder` is the
    output folder. Where it came from is "" for the interior of this build."""
    interior = EDITIONS[cover.wraps]
    for written in reversed(context.needed_written()):
        if written.edition == interior.name and (pages := counted(written.path)) is not None:
            return pages, ""
    built = interior.output_path(folder, book.metadata.slug)
    if built.is_file() and built.stat().st_mtime >= newest_source(book) and (pages := counted(built)) is not None:
        return pages, built.name
    return laid_out_pages(book, interior, folder, context), f"the {interior.name} edition, laid out to count them"


def newest_source(book: ResolvedBook) -> float:
    """When the newest file the interior is made from last changed."""
    sources = [chapter.source.path for chapter in book.chapters if not chapter.generated]
    sources += [*book.images, book.config.toml_path]
    sources += [path for path in (book.metadata.cover, book.config.bibliography) if path is not None]
    return max((path.stat().st_mtime for path in sources if path.is_file()), default=0.0)


def laid_out_pages(book: ResolvedBook, interior: Edition, folder: Path, context: BuildContext) -> int:
    """Lays the interior out into a scratch file and counts it. Its problems are the
    interior's, reported when it is built; here only the count is wanted."""
    handle, name = tempfile.mkstemp(prefix=f".{interior.name}.", suffix=".count.part", dir=folder)
    os.close(handle)
    scratch = Path(name)
    try:
        interior.write(book, scratch, replace(context, diagnostics=Diagnostics(root=book.root), layouts=None,
                                              written=[]))
        return counted(scratch) or 0
    finally:
        scratch.unlink(missing_ok=True)
