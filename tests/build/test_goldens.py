"""Every fixture book's build against its golden files in tests/books/<case>/expected/.

A book that fails to build has its diagnostics as golden file; a book that builds has, beside
them, the EPUB's navigation document, the HTML handed to WeasyPrint for the screen PDF and a
dump of that PDF's structure (support/goldens.py says how each is made). A mismatch fails with
a diff; `pytest --regen-goldens` rewrites the files from the build instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import BOOKS, ROOT
from support.goldens import (EXPECTED, GOLDEN_FORMATS, PRODUCERS, golden_mismatch, golden_text, normalise_locations,
                             stray_golden_files, write_golden)

DIAGNOSTICS = ("diagnostics.txt",)
EDITIONS = DIAGNOSTICS + ("epub-nav.xhtml", "pdf-input.html", "pdf-structure.txt")
# Books in Pandoc's and Quarto's syntax keep what a reader reads in the EPUB too: any
# construct that changes how it reads shows there.
READ = EDITIONS + ("epub-text.txt",)

# Each fixture book and the golden files it keeps. Books that fail to build keep their
# diagnostics only; the others keep the editions too.
GOLDENS: dict[str, tuple[str, ...]] = {
    # Bad input: what the author is told.
    "a11y-errors": DIAGNOSTICS,
    "bad-chapter-files": DIAGNOSTICS,
    "bad-config-chapters": DIAGNOSTICS,
    "bad-config-schema": DIAGNOSTICS,
    "bad-config-syntax": DIAGNOSTICS,
    "bad-empty-book": DIAGNOSTICS,
    "bad-no-heading": DIAGNOSTICS,
    "bad-references": DIAGNOSTICS,
    "scholarly-errors": DIAGNOSTICS,
    "xref-errors": DIAGNOSTICS,
    # Bad input that still builds, with warnings: what reaches the reader.
    "bad-markup-metadata": EDITIONS,
    "bad-raw-html": EDITIONS,
    "bad-svg": EDITIONS,
    "manuscript-problems": READ,
    "bad-unicode": EDITIONS,
    "emptied-paragraphs": EDITIONS,
    "missing-glyph": EDITIONS,
    "odd-encodings": EDITIONS,
    # Good books.
    "a11y-book": EDITIONS,
    "configured": EDITIONS,
    "cover-book": EDITIONS,
    "gate-cache": EDITIONS,
    "minimal": EDITIONS,
    "new-user-book": EDITIONS,
    "note-calls": EDITIONS,
    "pandoc-constructs": READ,
    "parts-appendix": EDITIONS,
    "print-book": EDITIONS,
    "rtl-print": EDITIONS,
    "scholarly-citations": EDITIONS,
    "scholarly-index": EDITIONS,
    "scholarly-math": EDITIONS,
    "scholarly-notes": EDITIONS,
    "themed": EDITIONS,
    "unnumbered-chapters": EDITIONS,
    "units-book": EDITIONS,
    "web-features": EDITIONS,
    "web-words": EDITIONS,
    "xref-book": EDITIONS,
}

CASES = [(case, name) for case, names in GOLDENS.items() for name in names]


@pytest.fixture(scope="session")
def regen_goldens(request) -> bool:
    return request.config.getoption("--regen-goldens")


@pytest.mark.parametrize("case,name", CASES, ids=[f"{case}/{name}" for case, name in CASES])
def test_build_matches_golden_file(case, name, shared_builds, regen_goldens):
    expected = BOOKS / case / EXPECTED / name
    actual = golden_text(name, BOOKS / case, shared_builds(case, GOLDEN_FORMATS))
    if regen_goldens:
        write_golden(expected, actual)
        return
    mismatch = golden_mismatch(expected, actual)
    if mismatch is not None:
        pytest.fail(mismatch, pytrace=False)


def test_every_fixture_book_has_golden_files():
    books = sorted(p.name for p in BOOKS.iterdir() if (p / "book.toml").is_file())
    missing = [b for b in books if b not in GOLDENS]
    assert not missing, (f"fixture books without golden files: {', '.join(missing)}; add them to GOLDENS in "
                         f"{Path(__file__).relative_to(ROOT)} and run `pytest --regen-goldens`")
    assert sorted(GOLDENS) == books, f"golden cases without a book: {sorted(set(GOLDENS) - set(books))}"
    assert all(name in PRODUCERS for names in GOLDENS.values() for name in names)


def test_no_golden_file_without_a_case():
    stray = stray_golden_files(BOOKS, GOLDENS)
    assert not stray, "golden files no test compares (remove them with `git rm`, or add the case):\n" + "\n".join(stray)


def test_a_stray_golden_file_is_found(tmp_path):
    books = tmp_path / "books"
    for case in ("minimal", "bad-empty-book"):
        shutil.copytree(BOOKS / case / EXPECTED, books / case / EXPECTED)
    assert stray_golden_files(books, GOLDENS) == []
    (books / "minimal" / EXPECTED / "epub-nav.html").write_text("a file name no producer knows")
    (books / "bad-empty-book" / EXPECTED / "pdf-structure.txt").write_text("a file the case does not list")
    (books / "retired-case" / EXPECTED).mkdir(parents=True)
    (books / "retired-case" / EXPECTED / "diagnostics.txt").write_text("")
    (books / "minimal" / EXPECTED / "old").mkdir()
    assert stray_golden_files(books, GOLDENS) == [
        "bad-empty-book/expected/pdf-structure.txt: not a golden file of 'bad-empty-book' (it has diagnostics.txt)",
        "minimal/expected/epub-nav.html: not a golden file of 'minimal' (it has diagnostics.txt, epub-nav.xhtml, "
        "pdf-input.html, pdf-structure.txt)",
        "minimal/expected/old/: golden files are not kept in folders",
        "retired-case/expected/diagnostics.txt: 'retired-case' is not a golden case",
    ]


@pytest.mark.parametrize("case,name", [("xref-errors", "diagnostics.txt"), ("xref-book", "epub-nav.xhtml"),
                                       ("xref-book", "pdf-input.html"), ("xref-book", "pdf-structure.txt")])
def test_a_one_character_change_in_a_golden_file_is_caught_and_regenerated(case, name, shared_builds, tmp_path):
    actual = golden_text(name, BOOKS / case, shared_builds(case, GOLDEN_FORMATS))
    golden = tmp_path / name
    shutil.copy(BOOKS / case / EXPECTED / name, golden)
    assert golden_mismatch(golden, actual) is None
    lines = golden.read_text(encoding="utf-8").splitlines(keepends=True)
    line = len(lines) // 2  # 0-based: the middle line, changed in its last visible character
    changed = lines[line].rstrip("\n")
    changed = changed[:-1] + ("x" if changed[-1:] != "x" else "y")
    lines[line] = changed + "\n"
    golden.write_text("".join(lines), encoding="utf-8")
    report = golden_mismatch(golden, actual)
    assert report is not None
    assert f"first at line {line + 1}:" in report
    assert f"-{changed}\n" in report and f"+{actual.splitlines()[line]}\n" in report
    write_golden(golden, actual)  # what --regen-goldens does
    assert golden_mismatch(golden, actual) is None


def test_golden_texts_do_not_name_the_clones_folder():
    book = BOOKS / "minimal"
    text = (f"{book.resolve()}/images/a.png could not be read; see {(book / 'x.md').resolve().as_uri()} "
            f"and {(ROOT / 'styles' / 'print.css').as_uri()}")
    assert normalise_locations(text, book) == ("<book>/images/a.png could not be read; see file://<book>/x.md "
                                               "and file://<repo>/styles/print.css")
