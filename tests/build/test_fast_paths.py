"""Issue 9: the fast paths give the same book as a clean build, and are never trusted
across a change or a damaged cache. The no-op rebuild (build/up_to_date.py) and the per-chapter parse
cache (build/parse_cache.py)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

import bookwright
import bookwright.build.pipeline
from bookwright.build import fingerprint, up_to_date as noop
from bookwright.cli import main
from bookwright.parse import parse_chapter
from bookwright.build.parse_cache import DiskParseCache
from bookwright.build.pipeline import build

from support import BOOKS, copy_book
from support.readback import Epub

XREF = BOOKS / "xref-book"
ARGS = ["--no-gate", "--quiet"]


@pytest.fixture(autouse=True)
def fixed_moment(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def pdf_reading(path: Path) -> dict:
    """What a reader of the PDF meets: the text of every page, the outline, the links."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}

    def outline(items, level=0):
        out = []
        for item in items:
            if isinstance(item, list):
                out.extend(outline(item, level + 1))
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))
        return out

    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                destination = annotation["/Dest"]
                if isinstance(destination, list):
                    links.append((number, pages.get(destination[0].idnum)))
                else:
                    links.append((number, str(destination)))
    return {"pages": [page.extract_text() for page in reader.pages], "outline": outline(reader.outline), "links": links}


class Counting(DiskParseCache):
    """The build's own cache, kept so that the test can read how many chapters it parsed."""

    last: "Counting | None" = None

    def __init__(self, folder):
        super().__init__(folder)
        Counting.last = self


@pytest.fixture
def counting(monkeypatch):
    monkeypatch.setattr("bookwright.build.pipeline.cached_parse", lambda out: Counting(out / ".bookwright-cache" / "parse"))
    return Counting


# --- the parse cache --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edited_builds(tmp_path_factory):
    """A book built, one chapter edited, built again into the same folder (with the cache),
    and the edited book built clean into a new folder."""
    work = tmp_path_factory.mktemp("incremental")
    book = copy_book(XREF, work)
    cached = work / "cached"
    counts = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        mp.setattr("bookwright.build.pipeline.cached_parse", lambda out: Counting(out / ".bookwright-cache" / "parse"))
        first = build(book, cached, ("epub", "pdf"))
        assert not first.diagnostics.errors
        counts.append((Counting.last.hits, Counting.last.misses))
        chapter = book / "02-second.md"
        chapter.write_text(chapter.read_text().replace("Back to @sec-first.", "Back to @sec-first, and on.\n\n## Added {#sec-added}\n\nMore."))
        second = build(book, cached, ("epub", "pdf"))
        assert not second.diagnostics.errors
        counts.append((Counting.last.hits, Counting.last.misses))
        clean = build(book, work / "clean", ("epub", "pdf"), parse=parse_chapter)
        assert not clean.diagnostics.errors
    return book, cached, work / "clean", counts


def test_an_edit_reparses_only_the_edited_chapter(edited_builds):
    _, _, _, counts = edited_builds
    assert counts[0] == (0, 5)  # cold: every chapter parsed
    assert counts[1] == (4, 1)  # after editing one chapter: that one only


def test_the_incremental_build_is_the_clean_build(edited_builds):
    _, cached, clean, _ = edited_builds
    assert Epub(cached / "cross-references.epub").files == Epub(clean / "cross-references.epub").files
    incremental, fresh = pdf_reading(cached / "cross-references.pdf"), pdf_reading(clean / "cross-references.pdf")
    assert len(incremental["pages"]) == len(fresh["pages"])
    assert incremental == fresh
    assert any("Added" in page for page in incremental["pages"])  # the edit is in the book
    assert any(title.endswith("Added") for _, title, _ in incremental["outline"])


def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path, counting):
    book = copy_book(BOOKS / "minimal", tmp_path)
    out = tmp_path / "out"
    assert not build(book, out, ("epub",)).diagnostics.errors
    (entry,) = (out / ".bookwright-cache" / "parse").glob("*.pickle")
    good = entry.read_bytes()
    reference = Epub(out / "a-minimal-book.epub").files
    for damaged in (good[: len(good) // 2], good[:-1] + bytes([good[-1] ^ 1]), b"", b"not a cache entry"):
        entry.write_bytes(damaged)
        result = build(book, out, ("epub",))
        assert not result.diagnostics.errors
        assert (counting.last.hits, counting.last.misses) == (0, 1)
        assert Epub(out / "a-minimal-book.epub").files == reference
        assert entry.read_bytes() == good  # rewritten whole
    build(book, out, ("epub",))
    assert (counting.last.hits, counting.last.misses) == (1, 0)


def test_an_entry_cannot_run_code(tmp_path):
    import pickle

    class Payload:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "ran",))

    payload = pickle.dumps(({}, "<div></div>", [Payload()]))
    import hashlib

    entry = tmp_path / "entry.pickle"
    entry.write_bytes(b"bookwright-parse-1\n" + hashlib.sha256(payload).hexdigest().encode() + payload)
    assert DiskParseCache(tmp_path)._read(entry) is None
    assert not (tmp_path / "ran").exists()


def test_a_language_change_reparses_every_chapter(tmp_path, counting):
    book = copy_book(XREF, tmp_path)
    out = tmp_path / "out"
    build(book, out, ("epub",))
    build(book, out, ("epub",))
    assert counting.last.misses == 0
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('language = "en"', 'language = "en-GB"'))
    build(book, out, ("epub",))
    assert (counting.last.hits, counting.last.misses) == (0, 5)


def test_a_tool_change_reparses_every_chapter(tmp_path, counting, monkeypatch):
    book = copy_book(BOOKS / "minimal", tmp_path)
    out = tmp_path / "out"
    build(book, out, ("epub",))
    monkeypatch.setattr(bookwright, "__version__", bookwright.__version__ + ".post1")
    fingerprint.tool_fingerprint.cache_clear()
    try:
        build(book, out, ("epub",))
        assert (counting.last.hits, counting.last.misses) == (0, 1)
    finally:
        fingerprint.tool_fingerprint.cache_clear()


# --- the no-op rebuild ---------------------------------------------------------------------------


@pytest.fixture
def built(tmp_path):
    book = copy_book(BOOKS / "minimal", tmp_path)
    out = tmp_path / "dist"
    assert main(["build", str(book), "--out", str(out), "--format", "epub", *ARGS]) == 0
    return book, out


def no_build(*args, **kwargs):
    raise AssertionError("the pipeline ran")


def test_a_second_build_with_nothing_changed_does_nothing(built, monkeypatch, capsys):
    book, out = built
    epub = out / "a-minimal-book.epub"
    before = (epub.stat().st_mtime_ns, epub.read_bytes())
    monkeypatch.setattr("bookwright.build.pipeline.build", no_build)
    capsys.readouterr()
    assert main(["build", str(book), "--out", str(out), "--format", "epub", "--no-gate"]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert (epub.stat().st_mtime_ns, epub.read_bytes()) == before


@pytest.mark.parametrize("change", ["chapter", "config", "output", "manifest", "formats", "tool"])
def test_any_change_means_a_real_build(built, monkeypatch, change):
    book, out = built
    epub = out / "a-minimal-book.epub"
    args = ["build", str(book), "--out", str(out), "--format", "epub", *ARGS]
    original = epub.read_bytes()
    if change == "chapter":
        (book / "01-only.md").write_text((book / "01-only.md").read_text() + "\nOne more line.\n")
    elif change == "config":
        (book / "book.toml").write_text((book / "book.toml").read_text().replace("Mina Mal", "Mina Mall"))
    elif change == "output":
        epub.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
    elif change == "manifest":
        manifest = out / ".bookwright-cache" / "manifest.json"
        manifest.write_text(manifest.read_text()[:-20])
    elif change == "formats":
        args[args.index("epub")] = "epub,pdf"
    elif change == "tool":
        monkeypatch.setattr(bookwright, "__version__", bookwright.__version__ + ".post1")
        fingerprint.tool_fingerprint.cache_clear()
    calls = []
    real = bookwright.build.pipeline.build
    monkeypatch.setattr("bookwright.build.pipeline.build", lambda *a, **k: calls.append(1) or real(*a, **k))
    try:
        assert main(args) == 0
    finally:
        fingerprint.tool_fingerprint.cache_clear()
    assert calls == [1]
    assert zipfile.ZipFile(epub).testzip() is None
    if change == "output":
        assert epub.read_bytes() == original  # built again, whole


def test_a_theme_change_changes_the_key(tmp_path, monkeypatch):
    theme = tmp_path / "theme"
    shutil.copytree(Path(bookwright.__file__).resolve().parents[2] / "styles", theme)
    monkeypatch.setattr(noop, "theme_dir", lambda: theme)
    book, out = BOOKS / "minimal", tmp_path / "out"
    before = noop.inputs_key(book, out, ("epub",), {"gate": False})
    assert noop.inputs_key(book, out, ("epub",), {"gate": False}) == before
    css = theme / "print.css"
    css.write_text(css.read_text() + "\n/* an edit */\n")
    assert noop.inputs_key(book, out, ("epub",), {"gate": False}) != before


def test_the_problems_of_the_last_build_are_reported_again(tmp_path, monkeypatch, capsys):
    book = copy_book(BOOKS / "minimal", tmp_path)
    out = tmp_path / "dist"
    noop_args = ["build", str(book), "--out", str(out), "--format", "epub", *ARGS]
    chapter = book / "01-only.md"
    chapter.write_text(chapter.read_text() + "\n| a | b |\n|---|---|\n| 1 | 2 |\n")  # a table without a caption
    assert main(noop_args) == 0
    first = capsys.readouterr().err
    assert "warning: table has no caption" in first
    monkeypatch.setattr("bookwright.build.pipeline.build", no_build)
    assert main(noop_args) == 0
    assert capsys.readouterr().err == first
    assert main([*noop_args, "--strict"]) == 1


def test_a_manifest_naming_files_outside_the_output_folder_is_not_trusted(built):
    book, out = built
    manifest = out / ".bookwright-cache" / "manifest.json"
    data = json.loads(manifest.read_text())
    key = data["key"]
    assert noop.unchanged(out, key) is not None
    data["outputs"][0]["path"] = "../outside.epub"
    manifest.write_text(json.dumps(data))
    assert noop.unchanged(out, key) is None
