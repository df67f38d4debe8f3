"""Issue 4: every bad input an author (or a hostile manuscript) can bring is a diagnostic
`path:line:col: error:` (or a warning where the book still builds correctly), never a
traceback; odd but valid input builds into editions that EPUBCheck passes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from lxml import etree

from bookwright.diagnostics import Diagnostics
from bookwright.build.pipeline import build, prepare_book
from support import BOOK_TOML, BOOKS, check, epubcheck, first_lines, make_book
from support.readback import NCX, XHTML, Epub, text_of

# --- config ------------------------------------------------------------------------------


CONFIG_CASES = {
    "bad-config-syntax": ["book.toml:2:20: error: TOML syntax error: Illegal character '\\n'"],
    "bad-config-schema": [
        "book.toml:1:1: error: [book] needs 'language'",
        "book.toml:2:1: error: 'book.title' must be a string, not int",
        "book.toml:3:1: error: 'book.authors' must be a list, not str",
        "book.toml:4:1: error: 'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not '2026-02-30'",
        "book.toml:5:1: error: unknown key 'colour' in [book]",
        "book.toml:6:1: error: 'book.allow-remote-images' must be true or false, not str",
        "book.toml:9:1: error: [toc] depth must be between 1 and 6, not 9",
        "book.toml:11:1: error: unknown table or key 'typography'",
    ],
    "bad-config-chapters": [
        "book.toml:5:1: error: each entry of 'chapters' must be a file name or a part { part = ..., chapters = [...] }",
        "book.toml:5:39: error: chapter '01-one.md' is listed twice (first at line 5)",
        "book.toml:5:52: error: chapter '../outside.md' is outside the book folder",
        "book.toml:5:69: error: chapter '/etc/passwd.md' is outside the book folder",
        "book.toml:5:87: error: chapter 'notes.txt' is not a Markdown (.md, .qmd, .Rmd) file",
        "book.toml:5:100: error: chapter file '03-thre.md' does not exist",
    ],
    "bad-empty-book": ["book.toml:1:1: error: the book has no chapters"],
}


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_config_problems_are_reported_at_their_line(name):
    assert first_lines(check(BOOKS / name)) == CONFIG_CASES[name]


def test_a_folder_without_book_toml_says_so(tmp_path):
    (tmp_path / "01-a.md").write_text("# A\n")
    assert first_lines(check(tmp_path)) == ["book.toml: error: no book.toml in the book folder"]


def test_a_toml_date_time_is_read_as_its_day(tmp_path):
    root = make_book(tmp_path / "b", {"01-a.md": "# A\n\nText.\n"}, BOOK_TOML + "date = 2026-03-04T10:30:00\n")
    diags = Diagnostics(root=root)
    book = prepare_book(root, diags)
    assert book.metadata.date == "2026-03-04"
    assert book.moment.isoformat() == "2026-03-04T00:00:00+00:00"


# --- chapter files ---------------------------------------------------------------------------


def test_chapter_file_problems_are_all_reported_in_one_run():
    assert first_lines(check(BOOKS / "bad-chapter-files")) == [
        "01-latin1.md:1:6: error: not valid UTF-8: byte 0xe9 at offset 5",
        "02-front-matter.md:3:1: error: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
        "03-empty.md:1:1: error: the chapter is empty",
        "04-role.md:2:1: error: unknown role 'prefase'",
        "04-role.md:3:1: error: unknown front matter key 'foo'",
        "05-unclosed.md:1:1: warning: front matter is opened with '---' but never closed; it is read as text",
    ]


def test_chapters_without_one_title_are_errors():
    assert first_lines(check(BOOKS / "bad-no-heading")) == [
        "01-no-title.md:3:1: error: the chapter does not start with a '# Title' heading",
        "02-two-titles.md:5:1: error: a second '# Second' heading; a chapter has one title",
    ]


def test_bom_crlf_and_control_characters_build_a_clean_epub(tmp_path):
    result = build(BOOKS / "odd-encodings", tmp_path, ("epub",))
    assert first_lines([d.format() for d in result.diagnostics.sorted()]) == [
        "02-control.md:1:10: warning: control character U+0007 removed",
        "02-control.md:3:7: warning: control character U+0007 removed",
        "02-control.md:3:18: warning: control character U+001B removed",
        "02-control.md:3:25: warning: control character U+0000 removed",
        "02-control.md:3:34: warning: control character U+0085 removed",
    ]
    epub = result.outputs[0].path
    assert epubcheck(epub) == []
    docs = Epub(epub).documents
    first = text_of(docs["EPUB/01-bom-crlf.xhtml"].find(f".//{XHTML}body"))
    assert text_of(docs["EPUB/01-bom-crlf.xhtml"].find(f".//{XHTML}h1")) == "Chapter 1 Windows Notes"  # no BOM
    assert "see Section 1.1." in first and "A lone CR ends this line." in first
    assert "A bell, an escape, a NUL and a C1 control." in text_of(docs["EPUB/02-control.xhtml"])


def test_nesting_deeper_than_the_tools_allow_is_an_error_at_its_line(tmp_path):
    deep_list = "".join("    " * i + "- item\n" for i in range(200))
    root = make_book(tmp_path / "deep", {
        "01-list.md": "# Lists\n\nIntro.\n\n" + deep_list,
        "02-quote.md": "# Quotes\n\n" + "> " * 200 + "deep\n",
        "03-html.md": "# HTML\n\nFine.\n\n" + "<div>" * 300 + "buried" + "</div>" * 300 + "\n",
        "04-emphasis.md": "# Emphasis\n\nOne line.\n\n" + "*" * 3000 + "x" + "*" * 3000 + "\n",
    })
    messages = first_lines(check(root))
    assert messages == [
        "01-list.md:37:1: error: this line is nested 33 levels deep (lists, quotations, indentation); at most 32 are supported",
        "02-quote.md:3:1: error: this line is nested 200 levels deep (lists, quotations, indentation); at most 32 are supported",
        "03-html.md:5:1: error: content nested more than 64 elements deep (lists, quotations or HTML); at most 64 are supported",
        "04-emphasis.md:5:1: error: this chapter nests too deeply to be read (emphasis, brackets, lists or HTML)",
    ]


def test_a_two_megabyte_chapter_builds_whole(tmp_path):
    words = "the quiet of a long evening when the work is done and the lamps are lit".split()
    paragraphs = []
    for n in range(1, 700):
        paragraphs.append(f"## Part {n} {{#sec-part-{n}}}" if n % 10 == 0 else " ".join(words * 45) + f" {n}.")
    text = "# Enormous {#sec-enormous}\n\n" + "\n\n".join(paragraphs) + "\n\nThe last words, after @sec-part-690.\n"
    assert len(text.encode()) > 2_000_000
    root = make_book(tmp_path / "big", {"01-big.md": text})
    result = build(root, tmp_path / "out", ("epub",))
    assert not result.diagnostics.items
    body = text_of(Epub(result.outputs[0].path).documents["EPUB/01-big.xhtml"].find(f".//{XHTML}body"))
    assert body.endswith("The last words, after Section 1.69.")
    assert " 699." in body


LONG_BOOK = {
    "01-long.md": "# Long Words\n\nBefore the word.\n\n" + "x" * 100_000 + "\n\nAfter the word.\n\n"
                  + ("A very long line " * 3_000) + "\n\n```\n" + "y" * 10_000 + "\n```\n",
    "02-nested.md": "# Nested but fine\n\n" + "".join("    " * i + f"- level {i + 1}\n" for i in range(10))
                    + "\n" + "> " * 10 + "a quotation ten levels deep\n",
}


def test_enormous_words_lines_and_legal_nesting_make_a_pdf_without_hanging(tmp_path):
    root = make_book(tmp_path / "long", LONG_BOOK)
    out = tmp_path / "out"
    # In a child process with a deadline: a layout that grows with the square of a word
    # would take hours, and must fail this test rather than hang it.
    code = ("import sys; from pathlib import Path; from bookwright.build.pipeline import build; "
            "r = build(Path(sys.argv[1]), Path(sys.argv[2]), ('epub', 'pdf')); "
            "print('\\n'.join(d.format() for d in r.diagnostics.items))")
    done = subprocess.run([sys.executable, "-c", code, str(root), str(out)], capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "error" not in done.stdout
    assert epubcheck(out / "t.epub") == []
    text = subprocess.run(["pdftotext", str(out / "t.pdf"), "-"], capture_output=True, text=True).stdout
    lines = [line.replace("\u200b", "") for line in text.splitlines()]
    # Every character of the word and of the code line is on a page, none cut off at the margin.
    assert sum(len(line) for line in lines if line and set(line) == {"x"}) == 100_000
    assert sum(len(line) for line in lines if line and set(line) == {"y"}) == 10_000
    assert "level 10" in text and "a quotation ten levels deep" in text
    widest = max(len(line) for line in text.splitlines())
    assert widest < 120


# --- metadata and unusual Unicode --------------------------------------------------------------


@pytest.fixture(scope="module")
def markup_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("markup")
    result = build(BOOKS / "bad-markup-metadata", out, ("epub", "pdf", "web"))
    assert not result.diagnostics.errors
    return {o.format: o.path for o in result.outputs}


TITLE = "Fish & Chips <b>\"Bold\"</b> 'Quoted'"
AUTHORS = ["Smith & Wesson <sw@example.com>", "O'Brien \"The Quill\""]


def test_markup_characters_in_metadata_are_text_in_the_epub(markup_build):
    epub = markup_build["epub"]
    assert epubcheck(epub) == []
    package = Epub(epub)
    opf = package.opf
    ncx = etree.fromstring(package.files["EPUB/toc.ncx"])
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert opf.find(f".//{dc}title").text == TITLE
    assert [c.text for c in opf.iter(f"{dc}creator")] == AUTHORS
    assert opf.find(f".//{dc}publisher").text == "P&Q <Press>"
    assert opf.find(f".//{dc}description").text == "A description with <script>alert(1)</script> & an ampersand."
    ncx_texts = [t.text for t in ncx.iter(f"{NCX}text")]
    assert TITLE in ncx_texts and 'Part <One> & "Two"' in ncx_texts
    docs = package.documents
    title_page = docs["EPUB/title.xhtml"]
    assert text_of(title_page.find(f".//{XHTML}h1")) == TITLE
    assert not list(title_page.iter(f"{XHTML}b")) and not list(title_page.iter(f"{XHTML}script"))
    assert "Salt & Vinegar: 5 < 6" in text_of(docs["EPUB/01-marks.xhtml"])


def test_markup_characters_in_metadata_are_text_in_the_pdf_and_the_site(markup_build):
    from pypdf import PdfReader

    reader = PdfReader(str(markup_build["pdf"]))
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == ", ".join(AUTHORS)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Fish & Chips <b>\"Bold\"</b>" in text and "Salt & Vinegar: 5 < 6" in text
    index = etree.parse(str(markup_build["web"] / "index.html"), etree.HTMLParser())
    assert TITLE in index.findtext(".//title")
    assert not index.xpath("//b[ancestor::h1]")


def test_combining_marks_rtl_cjk_and_emoji_build_everywhere(tmp_path):
    result = build(BOOKS / "bad-unicode", tmp_path, ("epub", "pdf"))
    assert not result.diagnostics.errors
    outputs = {o.format: o.path for o in result.outputs}
    assert epubcheck(outputs["epub"]) == []
    chapter = text_of(Epub(outputs["epub"]).documents["EPUB/01-scripts.xhtml"].find(f".//{XHTML}body"))
    for phrase in ("cafe\u0301", "Z̷̢a̸l̵g̶o̴", "שלום עולם", "مرحبا بالعالم", "日本語の文章", "👩‍👩‍👧", "🇫🇷"):
        assert phrase in chapter
    from pypdf import PdfReader

    reader = PdfReader(str(outputs["pdf"]))
    assert reader.metadata.title == "Ünïcödé Ñotes 漢字 😀"
    assert "Zoë Ångström" in reader.metadata.author
    # Glyphs the book face lacks are reported (the PDF shows a box for them), not fatal.
    missing = [d for d in result.diagnostics.warnings if "glyph" in d.message]
    assert all(d.severity == "warning" for d in missing)
