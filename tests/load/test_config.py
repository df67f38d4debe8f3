"""book.toml → Config: what an author may write, and how each mistake is reported."""

from __future__ import annotations

import textwrap

import pytest

from bookwright.diagnostics import Diagnostics
from bookwright.load.config import load_config
from bookwright.model import ChapterSource
from bookwright.parse import parse_chapter
from bookwright.parse.accessibility import check_accessibility

MINIMAL = """\
[book]
title = "The Test Book"
authors = ["Ann Author"]
language = "en"
"""


def read(tmp_path, text: str, files=()):
    (tmp_path / "book.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    for name in files:
        (tmp_path / name).write_text("# A chapter\n", encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    return load_config(tmp_path, diags), diags


def messages(diags: Diagnostics) -> list[str]:
    return [d.format().splitlines()[0] for d in diags.sorted()]


def test_minimal_book_reads_the_three_required_keys(tmp_path):
    (config, entries), diags = read(tmp_path, MINIMAL)
    assert diags.items == []
    m = config.metadata
    assert (m.title, m.authors, m.language) == ("The Test Book", ["Ann Author"], "en")
    assert m.slug == "the-test-book"
    assert (config.toc_depth, config.numbering_depth) == (2, 2)
    assert (config.page.width, config.page.height) == ("6in", "9in")


def test_optional_metadata_is_kept(tmp_path):
    (config, _), diags = read(tmp_path, MINIMAL + textwrap.dedent("""\
        subtitle = "Sub"
        identifier = "urn:isbn:9780000000017"
        publisher = "Pub"
        date = 2025-03-14
        rights = "All rights reserved."
        description = "About it."
        """))
    assert diags.items == []
    m = config.metadata
    assert m.subtitle == "Sub"
    assert m.identifier == "urn:isbn:9780000000017"
    assert m.publisher == "Pub"
    assert m.date == "2025-03-14"  # a TOML date and a string date read the same
    assert m.rights == "All rights reserved."
    assert m.description == "About it."


@pytest.mark.parametrize("missing", ["title", "authors", "language"])
def test_each_required_key_missing_is_an_error(tmp_path, missing):
    text = "".join(line for line in MINIMAL.splitlines(keepends=True) if not line.startswith(missing))
    _, diags = read(tmp_path, text)
    assert messages(diags) == [f"book.toml:1:1: error: [book] needs '{missing}'"]


def test_no_book_table_is_an_error(tmp_path):
    _, diags = read(tmp_path, "[toc]\ndepth = 2\n")
    assert "book.toml:1:1: error: book.toml has no [book] table" in messages(diags)


def test_wrong_types_name_the_key_and_its_line(tmp_path):
    _, diags = read(tmp_path, """\
        [book]
        title = 42
        authors = "Ann Author"
        language = "en"

        [toc]
        depth = "two"
        """)
    assert messages(diags) == [
        "book.toml:2:1: error: 'book.title' must be a string, not int",
        "book.toml:3:1: error: 'book.authors' must be a list, not str",
        "book.toml:7:1: error: 'toc.depth' must be an integer, not str",
    ]


def test_a_boolean_is_not_an_integer(tmp_path):
    _, diags = read(tmp_path, MINIMAL + "\n[toc]\ndepth = true\n")
    assert messages(diags) == ["book.toml:7:1: error: 'toc.depth' must be an integer, not bool"]


def test_unknown_keys_and_tables_are_errors_with_their_lines(tmp_path):
    _, diags = read(tmp_path, """\
        [book]
        title = "T"
        authors = ["A"]
        language = "en"
        colour = "red"

        [toc]
          dept = 3

        [extras]
        x = 1
        """)
    errors = diags.sorted()
    assert [e.format().splitlines()[0] for e in errors] == [
        "book.toml:5:1: error: unknown key 'colour' in [book]",
        "book.toml:8:3: error: unknown key 'dept' in [toc]",
        "book.toml:10:1: error: unknown table or key 'extras'",
    ]
    # The hint lists what is known, so the typo is easy to fix.
    assert "depth" in errors[1].hint
    assert "[book]" in errors[2].hint


def test_every_problem_is_reported_in_one_run(tmp_path):
    _, diags = read(tmp_path, """\
        [book]
        title = ""
        authors = []
        language = "english please"
        date = "March"
        """)
    assert messages(diags) == [
        "book.toml:2:1: error: 'title' is empty",
        "book.toml:3:1: error: 'authors' is empty; name at least one author",
        "book.toml:4:1: error: 'english please' is not a language tag",
        "book.toml:5:1: error: 'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not 'March'",
    ]


def test_toml_syntax_error_gives_line_and_column(tmp_path):
    result, diags = read(tmp_path, '[book]\ntitle = "T"\nauthors = ["A"\nlanguage = "en"\n')
    assert result is None
    (error,) = diags.errors
    assert error.path == "book.toml"
    assert error.line in (3, 4)  # where tomllib notices the unclosed list
    assert error.message.startswith("TOML syntax error: ")


def test_a_byte_order_mark_in_book_toml_is_harmless(tmp_path):
    (tmp_path / "book.toml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    diags = Diagnostics(root=tmp_path)
    config, _ = load_config(tmp_path, diags)
    assert diags.items == [] and config.metadata.title == "The Test Book"


def test_missing_book_toml_says_how_to_start(tmp_path):
    diags = Diagnostics(root=tmp_path)
    assert load_config(tmp_path, diags) is None
    (error,) = diags.errors
    assert error.message == "no book.toml in the book folder"
    assert "bookwright new" in error.hint


# --- chapters and parts ------------------------------------------------------------------------


def test_chapters_list_with_parts(tmp_path):
    (config, entries), diags = read(tmp_path, MINIMAL + textwrap.dedent("""\
        chapters = [
          "00-preface.md",
          { part = "Part One: Start", chapters = ["01-a.md", "02-b.md"] },
          { part = "Part Two: End", chapters = ["03-c.md"] },
          "90-appendix.md",
        ]
        """))
    assert diags.items == []
    assert [(e.path, e.part) for e in entries] == [
        ("00-preface.md", None),
        ("01-a.md", "Part One: Start"),
        ("02-b.md", "Part One: Start"),
        ("03-c.md", "Part Two: End"),
        ("90-appendix.md", None),
    ]
    # Each entry knows its line, for errors about the file it names.
    assert [e.location.line for e in entries] == [6, 7, 7, 8, 9]
    assert entries[1].part_location.line == 7


def test_bad_chapter_entries_are_errors(tmp_path):
    _, diags = read(tmp_path, MINIMAL + textwrap.dedent("""\
        chapters = [
          42,
          { part = "Empty", chapters = [] },
          { title = "No part key", chapters = ["01-a.md"] },
          { part = "Odd", chapters = ["01-a.md"], colour = "red" },
        ]
        """))
    text = "\n".join(messages(diags))
    assert "each entry of 'chapters' must be a file name or a part" in text
    assert "book.toml:7:12: error: part 'Empty' needs a non-empty list of chapters" in text
    assert "unknown key 'title' in a part" in text
    assert "a part needs a title" in text
    assert "book.toml:9:12: error: unknown key 'colour' in a part" in text


def test_without_a_chapters_list_every_markdown_file_is_a_chapter_in_name_order(tmp_path):
    (config, entries), diags = read(tmp_path, MINIMAL, files=["02-b.md", "10-c.md", "01-a.md", "README.md", "notes.txt"])
    assert diags.items == []
    assert [e.path for e in entries] == ["01-a.md", "02-b.md", "10-c.md"]
    assert all(e.part is None for e in entries)


# --- depths and trims ---------------------------------------------------------------------------


def test_toc_and_numbering_depths(tmp_path):
    (config, _), diags = read(tmp_path, MINIMAL + "[toc]\ndepth = 3\n[numbering]\ndepth = 1\n")
    assert diags.items == []
    assert (config.toc_depth, config.numbering_depth) == (3, 1)


def test_depth_out_of_range(tmp_path):
    _, diags = read(tmp_path, MINIMAL + "[toc]\ndepth = 9\n")
    assert messages(diags) == ["book.toml:6:1: error: [toc] depth must be between 1 and 6, not 9"]


@pytest.mark.parametrize("trim, size", [
    ("6x9", ("6in", "9in")),
    ("5x8", ("5in", "8in")),
    ("5.5x8.5", ("5.5in", "8.5in")),
    ("8.5x11", ("8.5in", "11in")),
    ("A5", ("148mm", "210mm")),
    ("a4", ("210mm", "297mm")),
    ("7 x 10 in", ("7in", "10in")),
])
def test_named_trims(tmp_path, trim, size):
    (config, _), diags = read(tmp_path, MINIMAL + f'[pdf]\ntrim = "{trim}"\n')
    assert diags.items == []
    assert (config.page.width, config.page.height) == size


def test_width_and_height_instead_of_a_trim(tmp_path):
    (config, _), diags = read(tmp_path, MINIMAL + '[pdf]\nwidth = "140mm"\nheight = "216mm"\n')
    assert diags.items == []
    assert (config.page.width, config.page.height) == ("140mm", "216mm")


def test_unknown_trim_and_bad_length(tmp_path):
    _, diags = read(tmp_path, MINIMAL + '[pdf]\ntrim = "9x12"\nwidth = "wide"\n')
    errors = diags.sorted()
    assert [e.format().splitlines()[0] for e in errors] == [
        "book.toml:6:1: error: unknown trim size '9x12'",
        "book.toml:7:1: error: [pdf] width must be a length such as 6in or 148mm",
    ]
    assert "6x9" in errors[0].hint


# --- identifier ---------------------------------------------------------------------------------


def identifier(tmp_path, text: str) -> str:
    (config, _), diags = read(tmp_path, text)
    assert diags.items == []
    return config.metadata.identifier


def test_default_identifier_is_a_stable_uuid_of_the_metadata(tmp_path):
    first = identifier(tmp_path, MINIMAL)
    assert first.startswith("urn:uuid:")
    assert identifier(tmp_path, MINIMAL) == first  # the same book, built again
    assert identifier(tmp_path, MINIMAL.replace("The Test Book", "Another Book")) != first
    assert identifier(tmp_path, MINIMAL.replace("Ann Author", "Bo Author")) != first


def test_default_identifier_does_not_change_between_releases(tmp_path):
    # Reading systems and stores key a book on its identifier: a new derivation would make
    # every reader's copy look like a different book. Change this value only on purpose.
    assert identifier(tmp_path, MINIMAL) == "urn:uuid:36217091-3215-5709-ad53-dd0c488f179f"


def test_an_explicit_identifier_wins(tmp_path):
    assert identifier(tmp_path, MINIMAL + 'identifier = "urn:isbn:9780000000017"\n') == "urn:isbn:9780000000017"


# --- one rule for language tags ------------------------------------------------------------------


@pytest.mark.parametrize("tag, valid", [
    ("en", True), ("en-GB", True), ("zh-Hant-TW", True), ("es-419", True),
    ("en-x-house", True), ("de-u-co-phonebk", True),  # one-letter singletons (BCP 47 extensions, private use)
    ("german", False), ("e", False), ("en-", False), ("en-verylongsub", False), ("en_GB", False),
])
def test_the_book_language_and_a_language_span_follow_one_rule(tmp_path, tag, valid):
    _, diags = read(tmp_path, MINIMAL.replace('"en"', f'"{tag}"'))
    assert (f"book.toml:4:1: error: '{tag}' is not a language tag" not in messages(diags)) == valid
    source = ChapterSource(path=tmp_path / "01-a.md", rel="01-a.md", key="a", role="chapter", part=None,
                           text=f"# A\n\nA [Wort]{{lang={tag}}} here.\n")
    diags = Diagnostics(root=tmp_path)
    check_accessibility([parse_chapter(source, "en", diags)], diags)
    assert (f"01-a.md:3:10: error: '{tag}' is not a language tag" not in messages(diags)) == valid
