"""The book folder → Book: chapter files, their front matter, and the order of the book."""

from __future__ import annotations

import textwrap

import pytest

from bookwright.diagnostics import BookError, Diagnostics
from bookwright.load import load_book
from bookwright.parse import parse_chapter

TOML = """\
[book]
title = "Loaded"
authors = ["Lo Ader"]
language = "en"
"""


def make_book(root, files: dict[str, str | bytes], chapters: str = "") -> None:
    (root / "book.toml").write_text(TOML + chapters, encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


def load(root):
    diags = Diagnostics(root=root)
    return load_book(root, diags), diags


def load_errors(root) -> list[str]:
    """The problems loading reports. A problem inside a chapter file does not stop loading
    (the chapters are parsed all the same, issue 16); one in book.toml's list does."""
    diags = Diagnostics(root=root)
    try:
        load_book(root, diags)
    except BookError:
        pass
    assert diags.errors
    return [d.format().splitlines()[0] for d in diags.sorted()]


def test_front_matter_roles(tmp_path):
    make_book(tmp_path, {
        "00-preface.md": "---\nrole: preface\n---\n\n# Preface\n",
        "01-one.md": "# One\n",
        "02-two.md": "---\n---\n# Two\n",  # empty front matter: a plain chapter
        "90-appendix.md": "---\nrole: appendix\n...\n# Extras\n",  # YAML's '...' closes too
    })
    book, diags = load(tmp_path)
    assert diags.items == []
    assert [(c.rel, c.role) for c in book.chapters] == [
        ("00-preface.md", "preface"), ("01-one.md", "chapter"), ("02-two.md", "chapter"), ("90-appendix.md", "appendix"),
    ]
    assert book.chapters[0].is_front_matter and not book.chapters[3].is_front_matter


def test_front_matter_keeps_line_numbers(tmp_path):
    make_book(tmp_path, {"01-one.md": "---\nrole: chapter\n---\n\n# One\n\nText.\n"})
    book, _ = load(tmp_path)
    chapter = book.chapters[0]
    assert "role" not in chapter.text
    assert chapter.text.splitlines()[4] == "# One"  # still on line 5, as in the file
    parsed = parse_chapter(chapter, "en", Diagnostics(root=tmp_path))
    assert parsed.headings[0].location.line == 5


def test_unknown_role_and_key_are_errors_on_their_lines(tmp_path):
    make_book(tmp_path, {"01-one.md": "---\ntitel: One\nrole: prefce\n---\n# One\n"})
    assert load_errors(tmp_path) == [
        "01-one.md:2:1: error: unknown front matter key 'titel'",
        "01-one.md:3:1: error: unknown role 'prefce'",
    ]


def test_bad_yaml_names_its_line(tmp_path):
    make_book(tmp_path, {"01-one.md": "---\nrole: preface\n  extra: indented\n---\n# One\n"})
    (error,) = load_errors(tmp_path)
    assert error.startswith("01-one.md:3:")
    assert "front matter is not valid YAML" in error


def test_front_matter_must_be_a_mapping(tmp_path):
    make_book(tmp_path, {"01-one.md": "---\n- preface\n---\n# One\n"})
    assert load_errors(tmp_path) == ["01-one.md:2:1: error: front matter must be a mapping such as 'role: preface'"]


def test_byte_order_mark_is_dropped(tmp_path):
    make_book(tmp_path, {"01-one.md": b"\xef\xbb\xbf---\nrole: preface\n---\n# Preface\n"})
    book, diags = load(tmp_path)
    assert diags.items == []
    chapter = book.chapters[0]
    assert chapter.role == "preface"  # the front matter is still seen behind the mark
    assert not chapter.text.startswith("\ufeff")


def test_crlf_line_endings(tmp_path):
    make_book(tmp_path, {"01-one.md": b"---\r\nrole: preface\r\n---\r\n\r\n# Preface\r\n\r\nText.\r\n"})
    book, diags = load(tmp_path)
    assert diags.items == []
    chapter = book.chapters[0]
    assert "\r" not in chapter.text
    assert chapter.role == "preface"
    parsed = parse_chapter(chapter, "en", Diagnostics(root=tmp_path))
    assert [(h.text, h.location.line) for h in parsed.headings] == [("Preface", 5)]


def test_not_utf8_is_an_error_with_its_place(tmp_path):
    make_book(tmp_path, {"01-one.md": b"# One\n\nCaf\xe9 au lait.\n"})
    assert load_errors(tmp_path) == ["01-one.md:3:4: error: not valid UTF-8: byte 0xe9 at offset 10"]


def test_empty_chapter_is_an_error(tmp_path):
    make_book(tmp_path, {"01-one.md": "\n\n"})
    assert load_errors(tmp_path) == ["01-one.md:1:1: error: the chapter is empty"]


def test_default_order_is_file_name_order(tmp_path):
    make_book(tmp_path, {
        "10-ten.md": "# Ten\n", "02-two.md": "# Two\n", "01-one.md": "# One\n",
        "README.md": "Not a chapter.\n", "drafts/03-three.md": "# Not listed: in a subfolder\n",
    })
    book, _ = load(tmp_path)
    assert [c.rel for c in book.chapters] == ["01-one.md", "02-two.md", "10-ten.md"]
    assert book.parts == []


def test_listed_order_and_parts(tmp_path):
    make_book(tmp_path, {"a.md": "# A\n", "b.md": "# B\n", "c.md": "# C\n", "z.md": "# Z\n"}, chapters=textwrap.dedent("""\
        chapters = [
          "z.md",
          { part = "One", chapters = ["b.md", "a.md"] },
          { part = "Two", chapters = ["c.md"] },
        ]
        """))
    book, diags = load(tmp_path)
    assert diags.items == []
    assert [c.rel for c in book.chapters] == ["z.md", "b.md", "a.md", "c.md"]
    assert [p.title for p in book.parts] == ["One", "Two"]
    assert [c.part for c in book.chapters] == [None, 0, 0, 1]


def test_chapter_listed_twice(tmp_path):
    make_book(tmp_path, {"a.md": "# A\n", "b.md": "# B\n"}, chapters=textwrap.dedent("""\
        chapters = [
          "a.md",
          { part = "One", chapters = ["b.md", "a.md"] },
        ]
        """))
    assert load_errors(tmp_path) == ["book.toml:7:39: error: chapter 'a.md' is listed twice (first at line 6)"]


def test_missing_chapter_suggests_the_closest_file(tmp_path):
    make_book(tmp_path, {"01-trust.md": "# Trust\n"}, chapters='chapters = ["01-trsut.md", "02-gone.md"]\n')
    diags = Diagnostics(root=tmp_path)
    with pytest.raises(BookError):
        load_book(tmp_path, diags)
    first, second = diags.sorted()
    assert first.format() == ("book.toml:5:13: error: chapter file '01-trsut.md' does not exist\n"
                              "  hint: did you mean '01-trust.md'?")
    assert second.format().splitlines()[0] == "book.toml:5:28: error: chapter file '02-gone.md' does not exist"


def test_chapters_outside_the_folder_or_not_markdown(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (tmp_path / "outside.md").write_text("# Outside\n")
    make_book(book, {"notes.txt": "x"}, chapters='chapters = ["../outside.md", "notes.txt"]\n')
    assert load_errors(book) == [
        "book.toml:5:13: error: chapter '../outside.md' is outside the book folder",
        "book.toml:5:30: error: chapter 'notes.txt' is not a Markdown (.md, .qmd, .Rmd) file",
    ]


def test_a_book_without_chapters_is_an_error(tmp_path):
    make_book(tmp_path, {})
    assert load_errors(tmp_path) == ["book.toml:1:1: error: the book has no chapters"]


def test_chapter_keys_are_unique_and_name_the_output_files(tmp_path):
    make_book(tmp_path, {"One.md": "# A\n", "one!.md": "# B\n"})
    book, _ = load(tmp_path)
    keys = [c.key for c in book.chapters]
    assert len(set(keys)) == 2 and all(k.startswith("one") for k in keys)
