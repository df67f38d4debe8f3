"""load → parse → resolve → writers: the whole build, as the CLI and the tests run it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bookwright.diagnostics import BookError, Diagnostics
from bookwright.load import load_book
from bookwright.model import ResolvedBook
from bookwright.moment import build_moment
from bookwright.output import atomic_path
from bookwright.parse import parse_chapter
from bookwright.resolve import resolve_book

FORMATS = ("epub", "pdf")


@dataclass
class Output:
    format: str
    path: Path
    size: int
    seconds: float


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Output] = field(default_factory=list)
    book: ResolvedBook | None = None


def resolve(root: Path, diags: Diagnostics) -> ResolvedBook:
    """Everything short of writing: raises BookError with every problem found."""
    book = load_book(root, diags)
    parsed = [parse_chapter(chapter, book.metadata.language, diags) for chapter in book.chapters]
    diags.raise_if_errors()
    resolved = resolve_book(book, parsed, diags)
    diags.raise_if_errors()
    resolved.moment = build_moment(book)
    return resolved


def output_path(book: ResolvedBook, out: Path, fmt: str) -> Path:
    return out / f"{book.metadata.slug}.{fmt}"


def build(root: Path, out: Path, formats: tuple[str, ...] = FORMATS, on_output=None) -> BuildResult:
    diags = Diagnostics(root=root.resolve())
    result = BuildResult(diags)
    try:
        book = resolve(root, diags)
    except BookError:
        return result
    result.book = book
    for fmt in formats:
        started = time.perf_counter()
        final = output_path(book, out, fmt)
        with atomic_path(final) as temporary:
            write_edition(book, fmt, temporary, diags)
        output = Output(fmt, final, final.stat().st_size, time.perf_counter() - started)
        result.outputs.append(output)
        if on_output:
            on_output(output)
    return result


def write_edition(book: ResolvedBook, fmt: str, path: Path, diags: Diagnostics) -> None:
    if fmt == "epub":
        from bookwright.writers.epub import EpubEdition

        EpubEdition(book, book.moment).write(path)
    elif fmt == "pdf":
        from bookwright.writers.pdf import PdfEdition

        PdfEdition(book, book.moment).write(path, diags)
    else:
        raise ValueError(fmt)
