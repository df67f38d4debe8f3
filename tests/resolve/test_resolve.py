"""The whole-book pass: numbers, the contents tree, notes through the book, and the errors
that point an author at the line to fix."""

from __future__ import annotations

import textwrap

import pytest

from bookwright.diagnostics import BookError, Diagnostics
from bookwright.build.pipeline import prepare_book
from bookwright.writers.frontmatter import toc_label

from support.readback import text_of

HEAD = """\
[book]
title = "Resolved"
authors = ["Re Solver"]
language = "en"
"""

CHAPTERS = """\
chapters = [
  "00-preface.md",
  { part = "Part One", chapters = ["01-one.md", "02-two.md"] },
  { part = "Part Two", chapters = ["03-three.md"] },
  "90-appendix.md",
  "91-appendix.md",
]
"""

FILES = {
    "00-preface.md": """\
        ---
        role: preface
        ---
        # Preface {#sec-preface}

        Why.[^why]

        ## Thanks {#sec-thanks}

        ![A preface figure](fig.svg){#fig-preface}

        [^why]: The first note of the book.
        """,
    "01-one.md": """\
        # One {#sec-one}

        Text.[^a] More.[^b]

        ## First {#sec-first}

        ![A figure](fig.svg){#fig-one}

        ### Deeper {#sec-deeper}

        ## Aside {.unnumbered #sec-aside}

        ## Second {#sec-second}

        | A |
        |---|
        | 1 |

        : A table {#tbl-one}

        ![Another figure](fig.svg){#fig-two}

        ```{#lst-one lst-cap="A listing"}
        x
        ```

        [^a]: Note a.
        [^b]: Note b.
        """,
    "02-two.md": """\
        # Two {#sec-two}

        Again.[^c]

        ## Only {#sec-only}

        ![Third figure](fig.svg){#fig-three}

        [^c]: Note c.
        """,
    "03-three.md": "# Three {#sec-three}\n\n## Last {#sec-last}\n",
    "90-appendix.md": """\
        ---
        role: appendix
        ---
        # Tools {#sec-tools}

        ## Lists {#sec-lists}

        | B |
        |---|
        | 2 |

        : An appendix table {#tbl-tools}

        Back.[^d]

        [^d]: Note d.
        """,
    "91-appendix.md": "---\nrole: appendix\n---\n# More Tools {#sec-more-tools}\n",
    "fig.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n',
}


def write_book(root, files: dict[str, str], toml: str = HEAD) -> None:
    (root / "book.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("resolved")
    write_book(root, FILES, HEAD + CHAPTERS)
    diags = Diagnostics(root=root)
    resolved = prepare_book(root, diags)
    assert diags.items == []
    return resolved


def chapter(book, key):
    return next(c for c in book.chapters if c.key == key)


def numbers(body, tag) -> list[tuple[str, str]]:
    return [(el.get("id"), el.get("data-number")) for el in body.iter(tag)]


# --- numbering ----------------------------------------------------------------------------------


def test_chapters_are_numbered_through_the_parts_and_appendices_lettered(book):
    assert [(c.key, c.role, c.number, c.title) for c in book.chapters] == [
        ("00-preface", "preface", "", "Preface"),
        ("01-one", "chapter", "1", "One"),
        ("02-two", "chapter", "2", "Two"),
        ("03-three", "chapter", "3", "Three"),  # Part Two does not restart the count
        ("90-appendix", "appendix", "A", "Tools"),
        ("91-appendix", "appendix", "B", "More Tools"),
    ]


def test_chapter_headings_carry_their_number_in_words(book):
    def h1(key):
        return text_of(chapter(book, key).body.find(".//h1"))

    assert h1("00-preface") == "Preface"
    assert h1("03-three") == "Chapter 3 Three"
    assert h1("91-appendix") == "Appendix B More Tools"


def test_sections_are_numbered_to_the_numbering_depth(book):
    assert numbers(chapter(book, "01-one").body, "h2") == [
        ("sec-first", "1.1"), ("sec-aside", None), ("sec-second", "1.2")]
    assert numbers(chapter(book, "01-one").body, "h3") == [("sec-deeper", None)]  # depth 2 by default
    assert numbers(chapter(book, "90-appendix").body, "h2") == [("sec-lists", "A.1")]
    assert numbers(chapter(book, "00-preface").body, "h2") == [("sec-thanks", None)]  # unnumbered chapter
    assert text_of(chapter(book, "01-one").body.xpath(".//h2[@id='sec-second']")[0]) == "1.2 Second"


def test_numbering_depth_three(tmp_path):
    write_book(tmp_path, {"01-one.md": "# One\n\n## A\n\n### A1\n\n### A2\n\n## B\n\n### B1\n"},
               HEAD + "[numbering]\ndepth = 3\n")
    resolved = prepare_book(tmp_path, Diagnostics(root=tmp_path))
    body = resolved.chapters[0].body
    assert [el.get("data-number") for el in body.iter("h2", "h3")] == ["1.1", "1.1.1", "1.1.2", "1.2", "1.2.1"]


def test_figures_tables_and_listings_are_numbered_per_chapter(book):
    one = chapter(book, "01-one").body
    assert numbers(one, "figure") == [("fig-one", "1.1"), ("fig-two", "1.2"), ("lst-one", "1.1")]
    assert numbers(one, "table") == [("tbl-one", "1.1")]
    assert numbers(chapter(book, "02-two").body, "figure") == [("fig-three", "2.1")]
    assert numbers(chapter(book, "90-appendix").body, "table") == [("tbl-tools", "A.1")]
    captions = [text_of(c) for c in one.iter("figcaption", "caption")]
    assert captions == ["Figure 1.1: A figure", "Table 1.1: A table", "Figure 1.2: Another figure",
                        "Listing 1.1: A listing"]


# --- contents -----------------------------------------------------------------------------------


def tree(entries) -> list:
    return [(e.level, toc_label(e), e.chapter, e.element_id, tree(e.children)) for e in entries]


def test_toc_tree_nests_parts_chapters_and_sections(book):
    assert tree(book.toc) == [
        (1, "Preface", "00-preface", "", [(2, "Thanks", "00-preface", "sec-thanks", [])]),
        (0, "Part One", "part-1", "", [
            (1, "1. One", "01-one", "", [
                (2, "1.1 First", "01-one", "sec-first", []),
                (2, "Aside", "01-one", "sec-aside", []),
                (2, "1.2 Second", "01-one", "sec-second", []),
            ]),
            (1, "2. Two", "02-two", "", [(2, "2.1 Only", "02-two", "sec-only", [])]),
        ]),
        (0, "Part Two", "part-2", "", [
            (1, "3. Three", "03-three", "", [(2, "3.1 Last", "03-three", "sec-last", [])]),
        ]),
        (1, "A. Tools", "90-appendix", "", [(2, "A.1 Lists", "90-appendix", "sec-lists", [])]),
        (1, "B. More Tools", "91-appendix", "", []),
    ]


def test_toc_depth_three_takes_subsections(tmp_path):
    write_book(tmp_path, {"01-one.md": "# One\n\n## A\n\n### A1\n\n#### Too deep\n"}, HEAD + "[toc]\ndepth = 3\n")
    resolved = prepare_book(tmp_path, Diagnostics(root=tmp_path))
    assert tree(resolved.toc) == [
        (1, "1. One", "01-one", "", [(2, "1.1 A", "01-one", "a", [(3, "A1", "01-one", "a1", [])])])]


def test_toc_depth_one_is_chapters_only(tmp_path):
    write_book(tmp_path, {"01-one.md": "# One\n\n## A\n"}, HEAD + "[toc]\ndepth = 1\n")
    resolved = prepare_book(tmp_path, Diagnostics(root=tmp_path))
    assert tree(resolved.toc) == [(1, "1. One", "01-one", "", [])]


# --- notes ------------------------------------------------------------------------------------


def test_notes_are_numbered_through_the_whole_book(book):
    notes = [(c.key, n.number, n.id, text_of(n.body)) for c in book.chapters for n in c.notes]
    assert notes == [
        ("00-preface", 1, "note-1", "The first note of the book."),
        ("01-one", 2, "note-2", "Note a."),
        ("01-one", 3, "note-3", "Note b."),
        ("02-two", 4, "note-4", "Note c."),
        ("90-appendix", 5, "note-5", "Note d."),
    ]


def test_note_calls_carry_the_book_wide_number(book):
    calls = [(a.text, a.get("data-id"), a.get("id")) for c in book.chapters
             for a in c.body.xpath(".//a[contains(@class,'noteref')]")]
    assert calls == [(str(n), f"note-{n}", f"note-ref-{n}") for n in range(1, 6)]
    for c in book.chapters:  # Python-Markdown's per-chapter list is gone; writers place the notes
        assert not c.body.xpath(".//div[contains(@class,'footnote')]")
        assert not c.body.xpath(".//sup[a[contains(@class,'footnote-ref')]]")


# --- errors -----------------------------------------------------------------------------------


def resolve_errors(root) -> list[str]:
    diags = Diagnostics(root=root)
    with pytest.raises(BookError):
        prepare_book(root, diags)
    return [d.format() for d in diags.sorted()]


def test_unknown_reference_names_the_closest_label_and_where_it_is(tmp_path):
    write_book(tmp_path, {
        "01-one.md": "# One {#sec-one}\n\n## Delegation {#sec-delegation}\n\nText.\n",
        # The lone backtick inside fenced code must not pair with the inline code below it.
        "02-two.md": "# Two\n\n~~~\n`a lone backtick in code\n~~~\n\nWrite `@sec-delegaton` for a reference:\n"
                     "see @sec-delegaton, and\nagain @sec-delegaton.\n",
    })
    assert resolve_errors(tmp_path) == [
        "02-two.md:8:5: error: unknown reference @sec-delegaton; did you mean @sec-delegation (defined at 01-one.md:3)?",
        "02-two.md:9:7: error: unknown reference @sec-delegaton; did you mean @sec-delegation (defined at 01-one.md:3)?",
    ]


def test_unknown_reference_without_a_close_label(tmp_path):
    write_book(tmp_path, {"01-one.md": "# One {#sec-one}\n\nSee @fig-nothing-like-it.\n"})
    assert resolve_errors(tmp_path) == ["01-one.md:3:5: error: unknown reference @fig-nothing-like-it"]


def test_every_problem_in_the_book_is_reported_at_once(tmp_path):
    write_book(tmp_path, {
        "01-one.md": "# One {#sec-one}\n\n![Missing](nope.png)\n\nSee @sec-too.\n",
        "02-two.md": "# Two {#sec-one}\n\n[Nowhere](03-three.md)\n",
    })
    assert [e.splitlines()[0] for e in resolve_errors(tmp_path)] == [
        "01-one.md:3:12: error: image 'nope.png' does not exist",
        "01-one.md:5:5: error: unknown reference @sec-too; did you mean @sec-one (defined at 01-one.md:1)?",
        "02-two.md:1:8: error: label #sec-one is defined twice; first at 01-one.md:1",
        "02-two.md:3:11: error: link to '03-three.md', which is not a chapter of this book",
    ]
