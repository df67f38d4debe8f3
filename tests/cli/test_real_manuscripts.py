"""Issue 16: what real Pandoc, Quarto and Bookdown manuscripts write builds, or is reported
at its place; nothing they write ends in an internal error (exit 3) or prints as markup.

Each example of the issue has a test here with its expected result: built (and read back
from the editions as a reader sees them), a warning at its place, or an error at its place.
"""

from __future__ import annotations

from pathlib import Path

from bookwright.cli import main
from support import BOOK_TOML, check, epub_documents, first_lines, make_book, text_of


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


# --- every problem in one run ----------------------------------------------------------------


def test_a_chapter_that_fails_to_parse_hides_no_other_problem(tmp_path):
    root = make_book(tmp_path / "book", {
        "01-a.md": "---\nrole: [x\n---\n# One\n\nSee @sec-bad.\n",
        "02-b.md": "# Two\n\n" + "> " * 40 + "too deep\n",
        "03-c.md": "# Three\n\nSee @sec-nope and [@nokey] and ![A picture](missing.png).\n",
        "refs.bib": "@book{known, title = {A Title}, author = {Writer, Ann}, year = {2000}}\n",
    }, BOOK_TOML + 'bibliography = "refs.bib"\n')
    assert first_lines(check(root)) == [
        "01-a.md:3:1: error: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
        "01-a.md:6:5: error: unknown reference @sec-bad",
        "02-b.md:3:1: error: this line is nested 40 levels deep (lists, quotations, indentation); at most 32 are supported",
        "03-c.md:3:5: error: unknown reference @sec-nope",
        "03-c.md:3:20: error: unknown citation key @nokey in refs.bib",
        "03-c.md:3:45: error: image 'missing.png' does not exist",
    ]


def test_formula_errors_are_at_their_own_lines_when_notes_hold_formulas(tmp_path):
    root = make_book(tmp_path / "book", {"01-a.md": (
        "# One\n"
        "\n"
        "A claim.[^long] Another.^[An inline note with $a +\n"
        "b$ in it.]\n"
        "\n"
        "[^long]: A note whose formula $x +\n"
        "    y$ breaks over a line.\n"
        "\n"
        "Then a formula that cannot be set: $\\frac{1}$.\n"
        "\n"
        "And a second note.^[With $\\sqrt$ broken.]\n")})
    assert first_lines(check(root)) == [
        "01-a.md:9:36: error: malformed formula $\\frac{1}$: a fraction needs a numerator and a denominator",
        "01-a.md:11:26: error: malformed formula $\\sqrt$: no available tokens",
    ]


def test_math_in_a_citation_suffix_is_set_and_its_error_is_the_chapters(tmp_path):
    files = {"refs.bib": "@book{key, title = {A Title}, author = {Writer, Ann}, year = {2000}}\n"}
    toml = BOOK_TOML + 'bibliography = "refs.bib"\n'
    status, lines, text = build_chapter(tmp_path / "good", "# One\n\nSmall samples [e.g., @key with $N = 30$].\n",
                                        files, toml)
    assert status == 0, lines
    assert "(e.g., Writer, 2000 with N=30)" in text, text
    status, lines, text = build_chapter(tmp_path / "bad", "# One\n\nSmall samples [e.g., @key with $\\frac{N}$].\n",
                                        files, toml)
    assert status == 1
    assert [line.split(": error: ")[0] for line in lines] == ["01-a.md:3:32"], lines  # not the .bib entry
