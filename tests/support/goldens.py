"""Golden files: what a fixture book's build is expected to give, kept as text beside the book
in `tests/books/<case>/expected/`, so that any change in what an author or a reader meets
shows up in review as a readable diff.

Each golden file has a producer here that turns a build into text: the diagnostics as the
command prints them, the EPUB's navigation document, what a reader reads in the EPUB, the
HTML document handed to WeasyPrint for the screen PDF, and a dump of the screen PDF's structure. The texts are made independent
of where the clone lives and of the clock (`FIXED_EPOCH`), and nothing else is changed in
them, so a plain test run compares them byte for byte. `pytest --regen-goldens` writes them
anew; nothing else ever does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

from bookwright.build.pipeline import BuildResult, prepare_book
from bookwright.diagnostics import Diagnostics
from bookwright.writers.pdf.document import PdfDocument

from support import ROOT, fixed_clock
from support.readback import Epub, Pdf, squash
from support.reader_text import reader_lines

EXPECTED = "expected"  # the folder of golden files inside a fixture book
REGENERATE = "pytest --regen-goldens"


# --- the producers -----------------------------------------------------------------------------


def diagnostics_golden(root: Path, result: BuildResult) -> str:
    """Every diagnostic of the build as `bookwright build` prints them: sorted, hints included."""
    return "".join(d.format() + "\n" for d in result.diagnostics.sorted())


def epub_nav_golden(root: Path, result: BuildResult) -> str:
    """The EPUB's navigation document, as written into the package."""
    epub = Epub(edition_path(result, "epub"))
    return epub.files[epub.nav_path].decode("utf-8")


def pdf_input_golden(root: Path, result: BuildResult) -> str:
    """The screen PDF's HTML document, with a line break before each block (see `readable_html`)."""
    return readable_html(pdf_input_html(root))


def pdf_structure_golden(root: Path, result: BuildResult) -> str:
    return pdf_structure(edition_path(result, "pdf"))


def epub_text_golden(root: Path, result: BuildResult) -> str:
    """What a reader reads in the EPUB, document by document in spine order, a block a line."""
    epub = Epub(edition_path(result, "epub"))
    out = []
    for path in epub.spine_paths():
        out.append(f"== {path.rsplit('/', 1)[-1]}\n")
        out.extend(line + "\n" for line in reader_lines(epub.documents[path]))
    return "".join(out)


# File name in expected/ → its producer. A file name not listed here has no test.
PRODUCERS: dict[str, Callable[[Path, BuildResult], str]] = {
    "diagnostics.txt": diagnostics_golden,
    "epub-nav.xhtml": epub_nav_golden,
    "pdf-input.html": pdf_input_golden,
    "pdf-structure.txt": pdf_structure_golden,
    "epub-text.txt": epub_text_golden,
}
# The editions the producers read; each golden book is built once with these.
GOLDEN_FORMATS = ("epub", "pdf")


def golden_text(name: str, root: Path, result: BuildResult) -> str:
    """The text of golden file `name` for the book at `root`, built as `result`."""
    return normalise_locations(PRODUCERS[name](root, result), root)


def edition_path(result: BuildResult, fmt: str) -> Path:
    found = [o.path for o in result.outputs if o.format == fmt]
    assert found, f"the build wrote no {fmt}:\n" + "\n".join(d.format() for d in result.diagnostics.sorted())
    return found[0]


# --- the HTML handed to WeasyPrint -------------------------------------------------------------


def pdf_input_html(root: Path) -> str:
    """The HTML document the screen PDF edition hands to WeasyPrint, for the book at `root`.

    The one place that knows how to ask the PDF writer for it: when the writer's API changes,
    only this function does. For a book with an index this is the document of the first
    layout, before the index knows its page numbers."""
    with fixed_clock():
        book = prepare_book(root, Diagnostics(root=root.resolve()))
        return PdfDocument(book).html_document()


# Elements that start a block: a line break before each makes a diff show the block that
# changed. HTML ignores white space between blocks, and inside <pre> bookwright's markup
# holds no such element (code is text and spans), so the document still says the same.
BLOCK_START = re.compile(r"(?<!\n)(?=<(?:section|nav|aside|div|h[1-6]|p|ol|ul|li|figure|figcaption|table|caption"
                         r"|thead|tbody|tr|blockquote|pre|dl|dt|dd|hr|math|svg)[\s>/])")


def readable_html(document: str) -> str:
    return BLOCK_START.sub("\n", document)


def normalise_locations(text: str, root: Path) -> str:
    """The text with the book's folder and the clone's folder (as paths and as file: URLs)
    written as <book> and <repo>, so that a golden file is the same in every clone."""
    for folder, name in ((root.resolve(), "<book>"), (ROOT, "<repo>")):
        text = text.replace(folder.as_uri(), f"file://{name}").replace(str(folder), name)
    return text


# --- the PDF's structure -----------------------------------------------------------------------


SUBSET_PREFIX = re.compile(r"^/?[A-Z]{6}\+")


def pdf_structure(path: Path) -> str:
    """The screen PDF as a reader navigates it, one fact a line: the page count; each page's
    running head and folio; the outline; every link; the embedded fonts."""
    pdf = Pdf(path)
    lines = [f"pages: {len(pdf.pages)}", ""]
    for page in pdf.pages:
        lines.append(f"page {page.index + 1}: folio {page.foot!r} head {page.head!r}")
    lines += ["", "outline:"]

    def outline(entries, level):
        for title, page, children in entries:
            lines.append(f"{'  ' * level}{level} {title!r} -> page {page + 1}")
            outline(children, level + 1)

    outline(pdf.outline(), 1)
    lines += ["", "links:"]
    lines += [f"page {page + 1} -> {target}" for page, target in pdf_links(pdf)]
    lines += ["", "fonts:"]
    lines += sorted({SUBSET_PREFIX.sub("", name) + ("" if embedded else " (not embedded)")
                     for name, embedded in pdf.fonts().items()})
    return "\n".join(lines) + "\n"


def pdf_links(pdf: Pdf) -> list[tuple[int, str]]:
    """Every link annotation in page order as (page index, target): `page N #destination` for
    a link inside the document, the URI for one that leaves it."""
    reader = pdf.reader
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    destinations = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            dest = annotation.get("/Dest")
            if dest is None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if action.get("/S") == "/URI":
                target = str(action["/URI"])
            elif isinstance(dest, str) or hasattr(dest, "decode"):
                found = destinations.get(str(dest))
                target = f"page {found + 1 if found is not None else '?'} #{dest}"
            elif dest is not None:  # an explicit destination: [page /XYZ left top zoom]
                target = f"page {pages.get(dest[0].idnum, -1) + 1}"
            else:
                target = f"(no target: {squash(str(dict(annotation)))})"
            links.append((number, target))
    return links


# --- comparing ---------------------------------------------------------------------------------


def golden_mismatch(expected: Path, actual: str) -> str | None:
    """None when the golden file holds exactly `actual`; otherwise a report of the first line
    that differs and a unified diff, golden file first."""
    if not expected.is_file():
        return f"{display(expected)} does not exist; `{REGENERATE}` writes it"
    golden = expected.read_bytes().decode("utf-8")
    if golden == actual:
        return None
    old, new = golden.splitlines(keepends=True), actual.splitlines(keepends=True)
    line = next((n for n, (a, b) in enumerate(zip(old, new), 1) if a != b), min(len(old), len(new)) + 1)
    first = lambda lines: repr(lines[line - 1]) if line <= len(lines) else "(the file ends)"  # noqa: E731
    diff = "".join(difflib.unified_diff(old, new, f"{display(expected)} (golden)", "built now", n=2))
    return (f"{display(expected)} differs from the build, first at line {line}:\n"
            f"  golden: {first(old)}\n  built:  {first(new)}\n{diff}\n"
            f"If the change is intended, `{REGENERATE}` rewrites the golden files.")


def write_golden(expected: Path, actual: str) -> None:
    expected.parent.mkdir(parents=True, exist_ok=True)
    expected.write_bytes(actual.encode("utf-8"))


def display(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def stray_golden_files(books: Path, cases: dict[str, tuple[str, ...]]) -> list[str]:
    """Files and folders under `<books>/*/expected/` that no golden test compares: the folder of
    a book that is not a golden case, or a file the case does not list (or no producer knows)."""
    stray = []
    for folder in sorted(books.glob(f"*/{EXPECTED}")):
        case = folder.parent.name
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(books).as_posix()
            if case not in cases:
                if path.is_file():
                    stray.append(f"{relative}: {case!r} is not a golden case")
            elif path.is_dir():
                stray.append(f"{relative}/: golden files are not kept in folders")
            elif path.name not in cases[case] or path.name not in PRODUCERS:
                stray.append(f"{relative}: not a golden file of {case!r} (it has {', '.join(cases[case])})")
        if case not in cases and not any(folder.rglob("*")):
            stray.append(f"{folder.relative_to(books).as_posix()}/: {case!r} is not a golden case")
    return stray

