"""load → parse → resolve → writers: the whole build, as the CLI and the tests run it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bookwright.build.atomic import atomic_folder, atomic_path, folder_size
from bookwright.build.output_record import check_output_folder, record_output
from bookwright.build.parse_cache import cached_parse
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.editions import EDITIONS, Edition, build_order, default_editions
from bookwright.load import load_book
from bookwright.model import ResolvedBook
from bookwright.parse import parse_chapter
from bookwright.parse.accessibility import check_accessibility
from bookwright.paths import CACHE_FOLDER
from bookwright.resolve import resolve_book
from bookwright.writers import BuildContext, EditionRejected, Written


@dataclass
class Output:
    format: str  # the edition's name in editions.EDITIONS
    path: Path
    size: int
    seconds: float
    note: str = ""  # what else the build line says about it ("9 pages, search index 48 KB")


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Output] = field(default_factory=list)
    book: ResolvedBook | None = None


def prepare_book(root: Path, diags: Diagnostics, parse=parse_chapter) -> ResolvedBook:
    """Everything short of writing: the book loaded, parsed and resolved, or BookError with
    every problem found. `parse` may be a caching stand-in for parse_chapter (the live
    preview re-parses only what changed)."""
    book = load_book(root, diags)
    parse_all = getattr(parse, "parse_all", None)  # the parse cache parses a long book's chapters in parallel
    if parse_all is not None:
        parsed = parse_all(book.chapters, book.metadata.language, diags)
    else:
        parsed = [parse(chapter, book.metadata.language, diags) for chapter in book.chapters]
    check_accessibility(parsed, diags)  # alt text, heading levels, language tags (issue 6)
    if diags.errors:
        # Still run the whole-book pass, so that one run reports reference and image
        # problems beside the parse errors; its result is never written. It takes any
        # chapter a parse error left empty; an exception here is a bug, never hidden.
        resolve_book(book, parsed, diags)
        raise BookError(diags)
    resolved = resolve_book(book, parsed, diags)
    diags.raise_if_errors()
    return resolved


def output_path(book: ResolvedBook, out: Path, edition: str) -> Path:
    return EDITIONS[edition].output_path(out, book.metadata.slug)


def build(root: Path, out: Path, formats: tuple[str, ...] | None = None, on_output=None,
          parse=parse_chapter, gate: bool = False, jobs: int = 1) -> BuildResult:
    """Builds the editions named in `formats`; None means every default edition plus the
    print interiors book.toml asks for. `gate`: put the EPUB through EPUBCheck and Ace
    before publishing it (writers/epub/gate.py)."""
    diags = Diagnostics(root=root.resolve())
    result = BuildResult(diags)
    # Issue 9: chapters whose text did not change since the last build into `out` are not parsed again.
    cache = cached_parse(out) if parse is parse_chapter else None
    try:
        book = prepare_output(root, out, diags, cache or parse)
    except BookError:
        return result
    result.book = book
    if cache is not None:
        cache.save()
    editions = build_order(formats if formats is not None else default_editions(book.config.print.profiles))
    context = BuildContext(diags, gate=gate, jobs=jobs, out=out, cache_folder=out / CACHE_FOLDER,
                           layouts={} if any(e.name == "epub" for e in editions) else None)
    for edition in editions:
        output = publish(edition, book, out, context)
        if output is not None:
            result.outputs.append(output)
            if on_output:
                on_output(output)
    return result


def prepare_output(root: Path, out: Path, diags: Diagnostics, parse=parse_chapter) -> ResolvedBook:
    """prepare_book, and then the output folder checked: writable, and holding none of the
    book's sources (OutputFolderError otherwise)."""
    book = prepare_book(root, diags, parse)
    sources = [c.source.path for c in book.chapters] + list(book.images) + [book.config.toml_path]
    check_output_folder(out, book.root, sources + ([book.metadata.cover] if book.metadata.cover else []))
    return book


def publish(edition: Edition, book: ResolvedBook, out: Path, context: BuildContext) -> Output | None:
    """Writes one edition and puts it in place in `out`; None when the edition rejected
    itself (the EPUB's gate found errors: they are in the diagnostics, the previous file stays)."""
    started = time.perf_counter()
    final = edition.output_path(out, book.metadata.slug)
    try:
        with (atomic_folder if edition.folder else atomic_path)(final) as temporary:
            note = edition.write(book, temporary, context)
    except EditionRejected:
        return None
    record_output(final)
    context.written.append(Written(edition.name, final))
    size = folder_size(final) if edition.folder else final.stat().st_size
    return Output(edition.name, final, size, time.perf_counter() - started, note)
