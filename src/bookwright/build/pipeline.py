"""load → parse → resolve → writers: the whole build, as the CLI and the tests run it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bookwright.parse.accessibility import check_accessibility
from bookwright.writers.epub.gate import EditionRejected, publish_epub
from bookwright.resolve.assets.prepare import link_remote_images, prepare_images
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.editions import FORMATS, PRINT_FORMATS  # named apart so the CLI need not import this module
from bookwright.load import load_book
from bookwright.build.output_record import check_output_folder, record_output
from bookwright.model import ResolvedBook
from bookwright.load.moment import build_moment
from bookwright.build.atomic import atomic_folder, atomic_path, folder_size
from bookwright.parse import parse_chapter
from bookwright.build.parse_cache import cached_parse
from bookwright.resolve import resolve_book

# Editions that are a folder rather than a file. The web edition links to (and copies)
# the other editions of the same run, so it is always written after them.
FOLDER_FORMATS = ("web",)
SITE_FOLDER = "site"  # the web edition's folder inside the output folder
PAGED_FORMATS = ("pdf",) + PRINT_FORMATS


@dataclass
class Output:
    format: str
    path: Path
    size: int
    seconds: float
    note: str = ""  # what else the build line says about it ("9 pages, search index 48 KB")


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Output] = field(default_factory=list)
    book: ResolvedBook | None = None


def resolve(root: Path, diags: Diagnostics, parse=parse_chapter) -> ResolvedBook:
    """Everything short of writing: raises BookError with every problem found. `parse` may
    be a caching stand-in for parse_chapter (the live preview re-parses only what changed)."""
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
        prepare_images(resolve_book(book, parsed, diags), parsed, diags)
        raise BookError(diags)
    resolved = resolve_book(book, parsed, diags)
    resolved.assets = prepare_images(resolved, parsed, diags)  # image problems join the others in one run
    diags.raise_if_errors()
    link_remote_images(resolved)
    resolved.moment = build_moment(book)
    return resolved


def output_path(book: ResolvedBook, out: Path, fmt: str) -> Path:
    if fmt == "web":
        return out / SITE_FOLDER
    if fmt in PRINT_FORMATS:
        return out / f"{book.metadata.slug}-{fmt.removeprefix('print-')}.pdf"
    return out / f"{book.metadata.slug}.{fmt}"


def build(root: Path, out: Path, formats: tuple[str, ...] | None = None, on_output=None,
          parse=parse_chapter, gate: bool = False, jobs: int = 1) -> BuildResult:
    """Builds `formats`; None means every edition plus the print profiles book.toml asks for.
    `gate`: put the EPUB through EPUBCheck and Ace before publishing it (writers/epub/gate.py)."""
    diags = Diagnostics(root=root.resolve())
    result = BuildResult(diags)
    # Issue 9: chapters whose text did not change since the last build into `out` are not parsed again.
    cache = cached_parse(out) if parse is parse_chapter else None
    try:
        book = resolve(root, diags, cache or parse)
    except BookError:
        return result
    result.book = book
    sources = [c.source.path for c in book.chapters] + list(book.images) + [book.config.toml_path]
    check_output_folder(out, book.root, sources + ([book.metadata.cover] if book.metadata.cover else []))
    if cache is not None:
        cache.save()
    if formats is None:
        formats = FORMATS + tuple(f"print-{name}" for name in book.config.print.profiles)
    ordered = [f for f in formats if f not in FOLDER_FORMATS] + [f for f in formats if f in FOLDER_FORMATS]
    # The EPUB's page list follows a PDF of the same run, so the PDFs are laid out first.
    ordered = [f for f in ordered if f in PAGED_FORMATS] + [f for f in ordered if f not in PAGED_FORMATS]
    layouts = {} if "epub" in ordered else None  # PDF format → pagelist.LayoutProbe
    for fmt in ordered:
        started = time.perf_counter()
        final = output_path(book, out, fmt)
        try:
            with (atomic_folder if fmt in FOLDER_FORMATS else atomic_path)(final) as temporary:
                note = write_edition(book, fmt, temporary, diags, earlier=result.outputs, layouts=layouts, gate=gate,
                                     jobs=jobs)
        except EditionRejected:
            continue  # the gate's findings are in diags; the previous file stays
        record_output(final)
        size = folder_size(final) if fmt in FOLDER_FORMATS else final.stat().st_size
        output = Output(fmt, final, size, time.perf_counter() - started, note or "")
        result.outputs.append(output)
        if on_output:
            on_output(output)
    return result


def write_edition(book: ResolvedBook, fmt: str, path: Path, diags: Diagnostics, earlier=(), layouts=None,
                  gate: bool = False, jobs: int = 1) -> str | None:
    """Writes one edition at `path`; `earlier` are the outputs already built in this run.
    `layouts` collects where each PDF's pages begin, for the EPUB's page list."""
    probe = None
    if layouts is not None and fmt in PAGED_FORMATS:
        from bookwright.writers.pagelist import LayoutProbe

        probe = layouts[fmt] = LayoutProbe(fmt)
    if fmt == "epub":
        return publish_epub(book, path, diags, layouts, gate)
    elif fmt == "pdf":
        from bookwright.writers.pdf import PdfEdition

        PdfEdition(book, book.moment, probe=probe).write(path, diags)
        if probe is not None:
            probe.written(path)
    elif fmt in PRINT_FORMATS:
        from bookwright.writers.pdf import PdfEdition

        PdfEdition(book, book.moment, profile=fmt.removeprefix("print-"), probe=probe, jobs=jobs).write(path, diags)
        if probe is not None:
            probe.written(path)
    elif fmt == "web":
        from bookwright.writers.web import Download, WebEdition, human_size

        downloads = [Download(o.format, o.path) for o in earlier if o.format not in FOLDER_FORMATS]
        report = WebEdition(book, book.moment, downloads).write(path)
        return f"{report.pages} pages, search index {human_size(report.search_bytes)}"
    else:
        raise ValueError(fmt)
