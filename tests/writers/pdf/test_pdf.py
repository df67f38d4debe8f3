"""The PDF edition read back page by page: the contents against the pages where the headings
really are, the bookmarks, right-hand chapter openings, running heads, folios, notes at the
foot of their page, fonts and page size.

The fixture books come from the session's shared builds (EPUB and PDF), the sample book from
its session build.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess

import pytest

from bookwright.writers.common import iter_toc
from bookwright.writers.frontmatter import BEFORE_TITLE_ROLES, FRONT_BLOCK_ROLES, LISTS, toc_label

from support import SAMPLE, build_book
from support.readback import Pdf, pdf_contents, squash, text_of

FIXTURES = ("minimal", "parts-appendix", "configured")
ALL = FIXTURES + ("sample",)
ROMAN = re.compile(r"^[ivxlcdm]+$")


@pytest.fixture(scope="module")
def builds(shared_builds, sample_build):
    results = {"sample": sample_build}
    for name in FIXTURES:
        result = shared_builds(name)  # with the EPUB, whose page list leaves the PDF as it is
        assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
        results[name] = result
    return results


@pytest.fixture(scope="module")
def sample_print(tmp_path_factory):
    """The sample book's print interiors (the session build makes the screen PDF only)."""
    result = build_book(SAMPLE, tmp_path_factory.mktemp("sample-print"), formats=("print-kdp", "print-ingram"))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return result.book, {o.format: o.path for o in result.outputs}


@pytest.fixture(scope="module")
def pdfs(builds):
    return {name: Pdf(next(o.path for o in result.outputs if o.format == "pdf")) for name, result in builds.items()}


def roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for char, following in zip(text, text[1:] + " "):
        value = values[char]
        total += -value if following != " " and values[following] > value else value
    return total


def title_of(label: str) -> str:
    """A contents label without its chapter number: "5. Trust" → "Trust"."""
    return re.sub(r"^[0-9A-Z]+\. ", "", label)


def furniture_labels(book) -> set[str]:
    """The contents lines of the furniture the front block sets before the contents page, on
    pages that print no folio (frontmatter.FRONT_BLOCK_ROLES)."""
    keys = {c.key for c in book.chapters if c.role in FRONT_BLOCK_ROLES}
    return {toc_label(e) for e in iter_toc(book.toc) if e.chapter in keys}


def generated_labels(book) -> set[str]:
    """The contents page and the lists, which the PDF lists and bookmarks besides the book's own."""
    from bookwright.words import words_for

    words = words_for(book.metadata.language, book.config.words)
    return {words["contents"]} | {words[word] for _, word in LISTS.values()}


def chapter_pages(pdf: Pdf, book) -> dict[str, int]:
    """Chapter and part openings (page index), from the bookmarks."""
    wanted = {toc_label(e) for e in iter_toc(book.toc) if e.level <= 1}
    found = {}

    def walk(items):
        for title, page, children in items:
            if title in wanted:
                found[title] = page
            walk(children)

    walk(pdf.outline())
    assert set(found) == wanted
    return found


def body_start(pdf: Pdf, book) -> int:
    """The first page of the body: the first part, or else the first numbered chapter."""
    first = next(c for c in book.chapters if c.role == "chapter" or c.source.part is not None)
    if first.source.part is not None:
        label = book.parts[first.source.part].title
    else:
        label = toc_label(next(e for e in iter_toc(book.toc) if e.chapter == first.key))
    return chapter_pages(pdf, book)[label]


# --- contents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_contents_list_the_book_in_order(pdfs, builds, name):
    book = builds[name].book
    parts = [p.title for p in book.parts]
    expected = [toc_label(e) for e in iter_toc(book.toc)]
    printed = [label for label, _ in pdf_contents(pdfs[name], parts)]
    # Generated front matter (lists of figures and tables) is listed where it is, after the
    # furniture that precedes the contents page.
    assert [label for label in printed if label not in generated_labels(book)] == expected


@pytest.mark.parametrize("name", ALL)
def test_contents_page_numbers_are_the_pages_the_headings_are_on(pdfs, builds, name):
    pdf = pdfs[name]
    parts = [p.title for p in builds[name].book.parts]
    entries = pdf_contents(pdf, parts)
    unprinted = furniture_labels(builds[name].book)  # pages without folios: tests/writers/test_furniture.py
    entries = [(label, folio) for label, folio in entries if label not in unprinted]
    checked = 0
    for label, folio in entries:
        if folio is None:
            assert label in parts  # only a part is listed without a page
            continue
        page = pdf.page_with_folio(folio)
        heading = title_of(label) if re.match(r"^[0-9A-Z]+\. ", label) else label
        assert heading in page.body, f"{label!r} is not on the page printed {folio}"
        checked += 1
    assert checked == len([e for e in entries if e[1] is not None]) > 0


def test_front_matter_is_numbered_in_roman_and_the_body_in_arabic(pdfs):
    entries = dict(pdf_contents(pdfs["parts-appendix"], ["Part One: Lighting", "Part Two: Keeping"]))
    # Half-title, title, copyright and contents before it; no blank page on a screen.
    assert entries["Preface"] == "v"
    assert entries["1. Trimming the Wick"] == "2"  # the part's page is page 1
    assert entries["A. Checklists"] == "9"


@pytest.mark.parametrize("name", ALL)
def test_folios_count_pages_in_two_sequences(pdfs, builds, name):
    """Roman from the first page; arabic restarting at 1 on the first page of the body."""
    pdf, book = pdfs[name], builds[name].book
    start = body_start(pdf, book)
    for page in pdf.pages:
        if not page.foot:
            continue
        if page.index < start:
            assert ROMAN.match(page.foot) and roman_value(page.foot) == page.index + 1, (page.index, page.foot)
        else:
            assert page.foot.isdigit() and int(page.foot) == page.index - start + 1, (page.index, page.foot)


# --- bookmarks --------------------------------------------------------------------------------


def toc_shape(entries) -> list:
    return [(toc_label(e), toc_shape(e.children)) for e in entries]


def outline_shape(items) -> list:
    return [(title, outline_shape(children)) for title, _, children in items]


@pytest.mark.parametrize("name", ALL)
def test_bookmarks_mirror_the_contents(pdfs, builds, name):
    book = builds[name].book
    outline = pdfs[name].outline()
    expected = toc_shape(book.toc)
    # The contents page itself (and any generated lists) are bookmarked among the front matter.
    generated = generated_labels(book)
    assert "Contents" in [title for title, _, _ in outline]
    assert outline_shape([item for item in outline if item[0] not in generated]) == expected


@pytest.mark.parametrize("name", ALL)
def test_bookmarks_point_at_the_pages_the_contents_name(pdfs, builds, name):
    pdf = pdfs[name]
    folios = dict(pdf_contents(pdf, [p.title for p in builds[name].book.parts]))

    unprinted = furniture_labels(builds[name].book)

    def walk(items):
        for title, page, children in items:
            if folios.get(title) and title not in unprinted:
                assert pdf.page_with_folio(folios[title]).index == page, title
            walk(children)

    walk(pdf.outline())


def test_configured_toc_depth_reaches_the_bookmarks(pdfs):
    assert outline_shape(pdfs["configured"].outline())[-2:] == [
        ("1. Layers", [("1.1 Outer layer", [("1.1.1 Inner layer", [])]), ("1.2 Second layer", [])]),
        ("Afterword", [("A last word", [])]),
    ]


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_the_screen_pdf_has_no_blank_page_and_opens_each_chapter_on_the_next(pdfs, builds, name):
    """A screen shows pages one after another: no page is left blank for a right-hand opening."""
    pdf = pdfs[name]
    assert not [page.index + 1 for page in pdf.pages if page.blank]
    # So the openings fall on left-hand pages too (in the longer books), and each is the page
    # right after the last page of what comes before it, which is not blank (checked above).
    sides = {pdf.pages[page].is_right for page in chapter_pages(pdf, builds[name].book).values()}
    if name in ("parts-appendix", "sample"):
        assert sides == {True, False}


def test_print_interiors_open_chapters_and_parts_on_right_hand_pages(sample_print, pdfs):
    """Paper keeps its conventions: openings on rectos, a blank verso before them when the
    text before ends on a recto, and an even page count."""
    book, files = sample_print
    # The author's other books face the title page, on its left: the one opening that is not right.
    facing = {toc_label(e) for e in iter_toc(book.toc)
              if any(c.key == e.chapter and c.role in BEFORE_TITLE_ROLES for c in book.chapters)}
    screen = pdfs["sample"]
    for fmt, path in files.items():
        pdf = Pdf(path)
        assert len(pdf.pages) % 2 == 0, fmt
        # A print file has no bookmarks: an opening is the page that begins as the screen's does.
        for label, page in chapter_pages(screen, book).items():
            opening = next(p for p in pdf.pages[page:] if p.lines and p.lines[0] == screen.pages[page].lines[0])
            assert opening.is_right != (label in facing), f"{fmt}: {label} opens on page {opening.index + 1}"
        assert any(page.blank for page in pdf.pages[:-1]), fmt  # blank versos before rectos


@pytest.mark.parametrize("name", ALL)
def test_page_labels_are_the_printed_folios(pdfs, name):
    """A viewer calls each page what its folio says: "go to page 10" opens the page printed 10."""
    pdf = pdfs[name]
    labels = pdf.reader.page_labels
    assert len(labels) == len(pdf.pages)
    printed = [page for page in pdf.pages if page.foot]
    assert printed
    for page in printed:
        assert labels[page.index] == page.foot, f"page {page.index + 1}"
    # Pages without a folio (the title page, a part page) are counted in the same sequence.
    assert labels[0] == "i" or labels[0] == "1"


def running_heads_read(pdf: Pdf, book, openings: dict[str, int], start: int) -> dict[str, int]:
    """Checks every body page's running head: none on an opening; over a right-hand page,
    and on a screen over every page, the title of the chapter it is in; over a left-hand
    page of paper, the book's title. Returns how many pages of each side were checked."""
    screen = pdf.reader.outline != []  # the screen PDF has bookmarks, print files none
    titles_by_page = {}
    for entry in iter_toc(book.toc):
        if entry.level == 1:
            chapter = next(c for c in book.chapters if c.key == entry.chapter)
            titles_by_page[openings[toc_label(entry)]] = chapter.title
    for label, page in openings.items():
        assert pdf.pages[page].head == "", f"a running head on the opening of {label}"
    current = None
    checked = {"left": 0, "right": 0}
    # Front matter carries folios only; the heads start with the body (page `start`).
    for page in pdf.pages[start:]:
        if page.index in titles_by_page:
            current = titles_by_page[page.index]
            continue
        if page.index in openings.values() or page.blank:
            continue
        if page.is_right or screen:
            assert page.head == current, f"page {page.index + 1}"
        else:
            assert page.head.casefold() == book.metadata.title.casefold(), f"page {page.index + 1}"
        checked["right" if page.is_right else "left"] += 1
    return checked


@pytest.mark.parametrize("name", ALL)
def test_running_heads(pdfs, builds, name):
    """A screen shows no spreads: every page but an opening carries its chapter's title, as a
    right-hand page does on paper (writers/pdf/screen_pages.py)."""
    pdf, book = pdfs[name], builds[name].book
    checked = running_heads_read(pdf, book, chapter_pages(pdf, book), body_start(pdf, book))
    if name in ("parts-appendix", "sample"):  # books with chapters longer than two pages
        assert checked["left"] and checked["right"]


def note_calls(book) -> dict[int, str]:
    """For each note, the words its call follows in the text, as a reader sees them."""
    contexts = {}
    for chapter in book.chapters:
        body = copy.deepcopy(chapter.body)
        for call in body.xpath(".//a[contains(concat(' ', @class, ' '), ' noteref ')]"):
            call.text = f"\u27e6{call.get('data-note')}\u27e7"
        text = squash(body.text_content())
        for match in re.finditer(r"(\S+ \S+)\u27e6(\d+)\u27e7", text):
            contexts.setdefault(int(match.group(2)), match.group(1))
    return contexts


def call_pages(pdf: Pdf, context: str, number: int) -> list[int]:
    pages = [p.index for p in pdf.pages if f"{context}{number}" in p.body]
    if not pages:  # the two words before the call were split by a page break
        pages = [p.index for p in pdf.pages if f"{context.split()[-1]}{number}" in p.body]
    return pages


def note_placement(pdf: Pdf, book) -> list[tuple[int, list[int], list[int]]]:
    """(note number, pages its call is found on, pages its text starts on) for every note."""
    calls = note_calls(book)
    notes = [note for chapter in book.chapters for note in chapter.notes]
    assert sorted(calls) == [n.number for n in notes]
    placed = []
    for note in notes:
        opening = f"{note.number}. " + " ".join(text_of(note.body).split()[:4])
        placed.append((note.number, call_pages(pdf, calls[note.number], note.number),
                       [p.index for p in pdf.pages if opening in p.body]))
    return placed


@pytest.mark.parametrize("name", FIXTURES)
def test_footnotes_sit_at_the_foot_of_the_page_that_calls_them(pdfs, builds, name):
    pdf = pdfs[name]
    for number, calls, notes in note_placement(pdf, builds[name].book):
        assert len(notes) == 1 and calls == notes, f"note {number}: called on {calls}, set on {notes}"
        page = pdf.pages[notes[0]]
        lines = page.lines
        call_line = next(i for i, line in enumerate(lines) if re.search(rf"\D{number}(\D|$)", line)
                         and not line.startswith(f"{number}. "))
        note_line = next(i for i, line in enumerate(lines) if f"{number}. " in line and i >= call_line)
        assert call_line <= note_line  # the note is set below the text that calls it


def test_sample_footnotes_sit_under_their_calls(pdfs, builds):
    """WeasyPrint 70 moves a note that does not fit under its call to the top of the next
    page's note area (its `footnote-policy: line` moves the call and then the note a page
    further still), so in the sample a note may follow its call by one page, but only when
    the call is in the last lines of a full page."""
    pdf = pdfs["sample"]
    for number, calls, notes in note_placement(pdf, builds["sample"].book):
        assert len(calls) == 1 and len(notes) == 1, f"note {number}: called on {calls}, set on {notes}"
        if calls == notes:
            continue
        assert notes[0] == calls[0] + 1, f"note {number}: called on {calls}, set on {notes}"
        page = pdf.pages[calls[0]]
        text_lines = [line for line in page.lines if not re.match(r"^\d+\. ", line)]
        assert any(re.search(rf"\D{number}(\D|$)", line) for line in text_lines[-6:]), \
            f"note {number} was moved on although its call is not at the foot of page {calls[0] + 1}"


# --- fonts and paper ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_font_is_embedded_and_the_book_face_is_libertine(pdfs, name):
    fonts = pdfs[name].fonts()
    assert fonts and all(fonts.values()), fonts
    families = {re.sub(r"^/?[A-Z]{6}\+", "", font) for font in fonts}
    assert "Linux-Libertine" in families
    assert all("Libertine" in family for family in families), families  # no DejaVu fallback anywhere


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("name", ("parts-appendix", "sample"))
def test_pdffonts_agrees(pdfs, name):
    out = subprocess.run(["pdffonts", str(pdfs[name].path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        # name type... encoding emb sub uni object-id generation
        emb = row[-5]
        assert emb == "yes", row
        assert "DejaVu" not in row[0]


@pytest.mark.parametrize("name, size", [("minimal", (432, 648)), ("parts-appendix", (432, 648)),
                                        ("sample", (432, 648)), ("configured", (360, 576))])
def test_page_size_follows_the_trim(pdfs, name, size):
    assert {(round(p.width), round(p.height)) for p in pdfs[name].pages} == {size}


def test_half_title_title_and_copyright_pages(pdfs):
    pages = pdfs["parts-appendix"].pages
    assert pages[0].body == "Lanterns and Ledgers"
    assert pages[0].is_right
    title = next(p for p in pages[1:] if p.body)
    assert title.index == 1  # on a screen, the page after the half-title
    assert title.body == "Lanterns and Ledgers A Fixture Book Ada Quill, Ben Marsh Fixture House"
    copyright_page = pages[title.index + 1]
    assert "Copyright © 2025 Ada Quill and Ben Marsh." in copyright_page.body
    assert "ISBN 9780000000017" in copyright_page.body
    assert all(not p.head and not p.foot for p in pages[:title.index + 2])
