"""Issue 16: what real Pandoc, Quarto and Bookdown manuscripts write builds, or is reported
at its place; nothing they write ends in an internal error (exit 3) or prints as markup.

Each example of the issue has a test here with its expected result: built (and read back
from the editions as a reader sees them), a warning at its place, or an error at its place.
"""

from __future__ import annotations

from pathlib import Path

from bookwright.cli import main
from support import BOOK_TOML, epub_documents, first_lines, make_book, text_of


def build_chapter(tmp_path: Path, chapter: str, files: dict | None = None, toml: str = BOOK_TOML,
                  formats: str = "epub,web") -> tuple[int, list[str], str]:
    """Builds a one-chapter book with the command line: (exit status, diagnostics' first lines,
    the EPUB chapter's text as a reader sees it)."""
    root = make_book(tmp_path / "book", {"01-a.md": chapter, **(files or {})}, toml)
    out = tmp_path / "out"
    import contextlib
    import io

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = main(["build", str(root), "--out", str(out), "--format", formats, "--no-gate"])
    lines = [line for line in stderr.getvalue().splitlines() if ": error: " in line or ": warning: " in line]
    epub = next(out.glob("*.epub"), None)
    text = ""
    if epub is not None:
        docs = epub_documents(epub)
        text = " ".join(text_of(doc.find(".//{http://www.w3.org/1999/xhtml}body")) for name, doc in sorted(docs.items())
                        if name.endswith("01-a.xhtml"))
    return status, lines, text


# --- internal errors the issue found: never again -------------------------------------------


def test_an_attribute_span_inside_an_inline_note_builds(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One {#sec-one}\n\nA.^[See [x]{.smallcaps} in @sec-one.] Done.\n")
    assert status == 0, lines
    assert "A.1 Done." in text  # the call
    assert "1. See x in Chapter 1." in text and "^" not in text  # the note, after the text


def test_math_inside_an_index_term_builds_and_the_index_shows_its_text(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\nAn effect size.[]{.idx term=\"Cohen's $d$\"}\n")
    assert status == 0, lines
    docs = epub_documents(next((tmp_path / "out").glob("*.epub")))
    index = " ".join(text_of(doc) for name, doc in docs.items() if name.endswith("index.xhtml"))
    assert "Cohen's d" in index and "$" not in index


def test_two_index_marks_with_backticks_in_their_terms_stay_two_marks(tmp_path):
    status, lines, text = build_chapter(
        tmp_path, '# One\n\nTwo marks [a]{.idx term="x `y"} and [b]{.idx term="z `w"} here.\n')
    assert status == 0, lines
    assert text.endswith("Two marks a and b here.")
    docs = epub_documents(next((tmp_path / "out").glob("*.epub")))
    index = " ".join(text_of(doc) for name, doc in docs.items() if name.endswith("index.xhtml"))
    assert "x y" in index and "z w" in index
