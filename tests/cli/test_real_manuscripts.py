"""Issue 16: what real Pandoc, Quarto and Bookdown manuscripts write builds, or is reported
at its place; nothing they write ends in an internal error (exit 3) or prints as markup.

Each example of the issue has a test here with its expected result: built (and read back
from the editions as a reader sees them), a warning at its place, or an error at its place.
"""

from __future__ import annotations

from pathlib import Path

from bookwright.cli import main
from support import BOOK_TOML, check, first_lines, make_book
from support.readback import Epub, text_of


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
        docs = Epub(epub).documents
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
    docs = Epub(next((tmp_path / "out").glob("*.epub"))).documents
    index = " ".join(text_of(doc) for name, doc in docs.items() if name.endswith("index.xhtml"))
    assert "Cohen's d" in index and "$" not in index


def test_two_index_marks_with_backticks_in_their_terms_stay_two_marks(tmp_path):
    status, lines, text = build_chapter(
        tmp_path, '# One\n\nTwo marks [a]{.idx term="x `y"} and [b]{.idx term="z `w"} here.\n')
    assert status == 0, lines
    assert text.endswith("Two marks a and b here.")
    docs = Epub(next((tmp_path / "out").glob("*.epub"))).documents
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


# --- printed literally before, read now ------------------------------------------------------

BIB = {"refs.bib": "@book{snow1854, title = {On the Mode of Communication of Cholera \\textbar{} Second Edition},\n"
                   "  author = {Snow, John}, publisher = {Churchill}, year = {1855}}\n"}
BIB_TOML = BOOK_TOML + 'bibliography = "refs.bib"\n'
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cf"
                    "c0000003010100c9fe92ef0000000049454e44ae426082")


def test_an_inline_note_with_a_reference_is_a_note(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One {#sec-one}\n\nA claim.^[A note with a reference to @sec-one.]\n")
    assert status == 0, lines
    assert text.startswith("Chapter 1 One A claim.1") and "1. A note with a reference to Chapter 1." in text


def test_a_callout_is_an_aside_whose_heading_is_no_section(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\n## First\n\n::: {.callout-note}\n## Mind the steam\n\n"
                                        "Kettles whistle.\n:::\n\n## Second\n")
    assert status == 0, lines
    assert text == "Chapter 1 One 1.1 First Mind the steam Kettles whistle. 1.2 Second"


def test_an_admonition_is_a_callout(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\n!!! note \"Mind the steam\"\n    Kettles whistle.\n")
    assert status == 0, lines
    assert text == "Chapter 1 One Mind the steam Kettles whistle."


def test_attributes_broken_over_a_line_break_are_read(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\nThe [Tea Room]{.smallcaps\nlang=en} opens.\n")
    assert status == 0, lines
    assert text == "Chapter 1 One The Tea Room opens."


def test_a_note_call_without_its_note_is_an_error_at_its_place(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n\nText.[^nosuch]\n\n[^other]: A note.\n")
    assert status == 1
    assert lines[0] == "01-a.md:3:6: error: note [^nosuch] has no definition"


def test_latex_in_bib_fields_is_text(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n\nAs shown [@snow1854].\n", BIB, BIB_TOML)
    assert status == 0, lines
    docs = Epub(next((tmp_path / "out").glob("*.epub"))).documents
    references = " ".join(text_of(d) for n, d in docs.items() if n.endswith("bibliography.xhtml"))
    assert "Cholera | Second Edition" in references or "cholera | Second edition" in references, references


def test_raw_latex_lines_are_read_or_left_out_with_a_warning(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\n\\clearpage\n\nTea.\n\\index{tea}\n\n\\vspace{2em}\n\nCups.\n")
    assert status == 0
    assert lines == ["01-a.md:8:1: warning: raw LaTeX \\vspace{2em} is left out of every edition"]
    assert text == "Chapter 1 One Tea. Cups."
    docs = Epub(next((tmp_path / "out").glob("*.epub"))).documents
    assert "tea" in " ".join(text_of(d) for n, d in docs.items() if n.endswith("index.xhtml"))


def test_a_citation_in_a_figure_caption_is_a_citation(tmp_path):
    files = {**BIB, "images/map.png": PNG}
    status, lines, text = build_chapter(tmp_path, "# One\n\n![The pump, after [@snow1854]](images/map.png){#fig-map}\n",
                                        files, BIB_TOML)
    assert status == 0, lines
    assert text == "Chapter 1 One Figure 1.1: The pump, after (Snow, 1855)"


def test_markup_in_a_prefix_is_read(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One {#sec-one}\n\nMore [see *the pump* in @sec-one].\n")
    assert status == 0, lines
    assert text == "Chapter 1 One More see the pump in 1."
    docs = Epub(next((tmp_path / "out").glob("*.epub"))).documents
    assert next(d for n, d in docs.items() if n.endswith("01-a.xhtml")).find(".//{*}a[@class='xref']/{*}em").text == "the pump"


# --- understood wrongly before ---------------------------------------------------------------


def test_a_key_stops_at_punctuation_not_followed_by_a_letter(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\n## Experiments {#sec-experiments}\n\n"
                                        "See @sec-experiments---the tests---again.\n")
    assert status == 0, lines
    assert text.endswith("See Section 1.1—the tests—again.")


def test_capitalised_references_are_references(tmp_path):
    files = {"images/map.png": PNG}
    status, lines, text = build_chapter(tmp_path, "# One\n\n## Method {#sec-method}\n\n![A map](images/map.png){#fig-map}"
                                        "\n\n@Fig-map and @Sec-method say so.\n", files)
    assert status == 0, lines
    assert text.endswith("Figure 1.1 and Section 1.1 say so.")


def test_an_address_with_an_at_sign_is_no_citation_and_an_escaped_reference_is_text(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\nSee <https://example.org/@user/page> and [see \\@fig-x].\n")
    assert status == 0, lines  # no bibliography asked for, no reference to resolve
    assert text == "Chapter 1 One See https://example.org/@user/page and [see @fig-x]."


def test_fig_alt_describes_the_image_and_a_width_is_css(tmp_path):
    files = {"images/map.png": PNG}
    status, lines, _ = build_chapter(tmp_path, "# One\n\n![A map](images/map.png){#fig-map fig-alt=\"Streets and a pump\" "
                                     "width=60%}\n\n![](images/map.png){fig-alt=\"The same map, small\" width=30%}\n", files)
    assert status == 0, lines
    epub = next((tmp_path / "out").glob("*.epub"))
    doc = next(d for n, d in Epub(epub).documents.items() if n.endswith("01-a.xhtml"))
    images = [(img.get("alt"), img.get("style"), img.get("width")) for img in doc.iter("{*}img")]
    assert images == [("Streets and a pump", "width:60%", None), ("The same map, small", "width:30%", None)]
    from support import epubcheck

    assert epubcheck(epub) == []


def test_a_figure_whose_caption_refers_to_a_table_keeps_its_label(tmp_path):
    files = {"images/map.png": PNG}
    status, lines, text = build_chapter(tmp_path, "# One\n\n![The pump, as in @tbl-deaths](images/map.png){#fig-map}\n\n"
                                        "| Street | Deaths |\n|---|---|\n| Broad | 90 |\n\n: Deaths {#tbl-deaths}\n\n"
                                        "See @fig-map.\n", files)
    assert status == 0, lines
    assert "Figure 1.1: The pump, as in Table 1.1" in text and text.endswith("See Figure 1.1.")


def test_a_latex_line_above_a_table_leaves_the_table_and_its_caption(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\n\\small\n| Street | Deaths |\n|---|---|\n| Broad | 90 |\n\n"
                                        ": Deaths {#tbl-deaths}\n")
    assert status == 0
    assert lines == ["01-a.md:3:1: warning: raw LaTeX \\small is left out of every edition"]
    assert text == "Chapter 1 One Table 1.1: Deaths Street Deaths Broad 90"


def test_lists_nested_by_two_spaces_are_nested(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n\n- Tea\n  - Green\n  - Black\n- Coffee\n")
    assert status == 0, lines
    doc = next(d for n, d in Epub(next((tmp_path / "out").glob("*.epub"))).documents.items() if n.endswith("01-a.xhtml"))
    assert [text_of(li) for li in doc.findall(".//{*}ul/{*}li/{*}ul/{*}li")] == ["Green", "Black"]


def test_a_comma_in_an_index_term_is_part_of_it(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n\nThe emperor.[]{.idx term=\"Caesar, Julius\"}\n")
    assert status == 0, lines
    docs = Epub(next((tmp_path / "out").glob("*.epub"))).documents
    index = next(d for n, d in docs.items() if n.endswith("index.xhtml"))
    terms = [text_of(t) for t in index.iter("{*}span") if t.get("class") == "index-term"]
    assert terms == ["Caesar, Julius"]


# --- diagnostics that were missing ------------------------------------------------------------


def test_a_chapter_file_left_out_of_chapters_is_a_warning(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n", {"02-forgotten.md": "# Two\n"},
                                     BOOK_TOML + 'chapters = ["01-a.md"]\n')
    assert status == 0
    assert lines == ["book.toml:5:1: warning: '02-forgotten.md' is in the book folder but not in chapters; "
                     "no edition shows it"]


def test_an_unused_note_is_a_warning(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n\nText.\n\n[^spare]: Never called.\n")
    assert status == 0
    assert lines == ["01-a.md:5:1: warning: note [^spare] is never called; no edition shows it"]


def test_a_note_label_defined_twice_is_a_warning_at_the_second(tmp_path):
    # Python-Markdown keeps the last text for the label: both calls print it, the first is lost.
    status, lines, _ = build_chapter(tmp_path, "# One\n\nA call[^n1].\n\n[^n1]: First text.\n\n## Two\n\n"
                                               "Another call[^n1].\n\n[^n1]: Second text.\n")
    assert status == 0
    assert lines == ["01-a.md:11:1: warning: note [^n1] is defined again (first at line 5); every call to it "
                     "prints this text, and the first is lost"]


def test_a_reference_after_its_own_word_is_a_warning(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# One\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Numbers {#tbl-x}\n\n"
                                        "As Table @tbl-x shows.\n")
    assert status == 0
    assert lines == ["01-a.md:9:10: warning: 'Table @tbl-x' prints 'Table Table 1.1'"]


def test_a_reference_after_a_sentence_ending_in_its_word_is_no_warning(tmp_path):
    status, lines, _ = build_chapter(tmp_path, "# One\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Numbers {#tbl-x}\n\n"
                                     "Each number gets a row in the table. @tbl-x shows them. See Tab. @tbl-x too.\n")
    assert status == 0
    assert lines == ["01-a.md:9:66: warning: 'Tab. @tbl-x' prints 'Tab. Table 1.1'"]


def test_bookdown_references_and_dividers_are_warnings_at_their_place(tmp_path):
    status, lines, text = build_chapter(tmp_path, "# (PART) Part one {-}\n\n# One {#sec-one}\n\n"
                                        "See Chapter \\@ref(sec-one) and \\@ref(fig:nowhere).\n\n"
                                        "# (APPENDIX) Appendix {-}\n")
    assert status == 0, lines
    assert lines == [
        "01-a.md:1:1: warning: Bookdown's (PART) heading is left out",
        "01-a.md:5:13: warning: Bookdown's \\@ref(sec-one) is read as the number of #sec-one",
        "01-a.md:5:32: warning: Bookdown's \\@ref(fig:nowhere) is read as the number of #fig-nowhere",
        "01-a.md:7:1: warning: Bookdown's (APPENDIX) heading is left out",
    ]
    assert text == "Chapter 1 One See Chapter 1 and ??."
