"""load → parse → resolve → writers: the whole build, as the CLI and the tests run it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bookwright.build.concurrent_writes import Outcome, output_size, settle, write_edition, write_editions
from bookwright.build.fingerprint import tool_fingerprint
from bookwright.build.layout_pool import WorkerPool, warm_up
from bookwright.build.output_record import check_output_folder, record_output
from bookwright.build.parse_cache import cached_parse
from bookwright.build.parse_pool import usable_cpus
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.editions import EDITIONS, Edition, build_order, default_editions
from bookwright.load import load_book
from bookwright.model import ResolvedBook
from bookwright.parse import parse_chapter
from bookwright.parse.accessibility import check_accessibility
from bookwright.paths import CACHE_FOLDER
from bookwright.resolve import resolve_book
from bookwright.writers import BuildContext


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
          parse=parse_chapter, gate: bool = False, jobs: int | None = None) -> BuildResult:
    """Builds the editions named in `formats`; None means every default edition plus the
    print interiors book.toml asks for. `gate`: put the EPUB through EPUBCheck and Ace
    before publishing it (writers/epub/gate.py). `jobs`: worker processes the paged
    editions lay their units out in (None: one per core; 1: none, all in this process)."""
    diags = Diagnostics(root=root.resolve())
    result = BuildResult(diags)
    jobs = usable_cpus() if jobs is None else max(1, jobs)
    if jobs > 1 and (formats is None or any(EDITIONS[name].workers for name in formats)):
        warm_up()  # the workers' WeasyPrint loads while the book is read
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
    workers = next((e for e in editions if e.workers), None)
    pool = WorkerPool(jobs) if jobs > 1 and workers is not None else None
    context = BuildContext(diags, gate=gate, pool=pool, cache_folder=out / CACHE_FOLDER, tool=tool_fingerprint(), out=out,
                           layouts={} if any(e.name == "epub" for e in editions) else None)

    def announce(outcome: Outcome) -> None:
        output = announced(outcome)
        result.outputs.append(output)
        if on_output:
            on_output(output)

    try:
        if pool is not None:
            pool.start(*workers.worker_start(book, context.cache_folder))
        write_editions(book, out, editions, context, announce)
    finally:
        if pool is not None:
            pool.close()
    if (out / CACHE_FOLDER).is_dir():
        record_output(out / CACHE_FOLDER)  # `bookwright clean` removes the cache too
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
    outcome = write_edition(book, out, edition, context)
    return announced(outcome) if settle(outcome, context) else None


def announced(outcome: Outcome) -> Output:
    edition = outcome.edition
    return Output(edition.name, outcome.path, output_size(edition, outcome.path), outcome.seconds, outcome.note)
