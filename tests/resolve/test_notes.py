"""Notes: numbered through the book or per chapter; footnotes, chapter endnotes, book endnotes;
lists, code, citations and cross-references inside them."""

from __future__ import annotations

import re

import pytest

from support import build_book, copy_book, diagnostics_text, epubcheck
from support.apparatus import PdfReading, normalise
from support.readback import EPUB_TYPE, X, Epub, text_of


def opened(result):
    """A build's (outputs by format, the EPUB opened, the PDF opened for reading)."""
    assert not result.diagnostics.errors, diagnostics_text(result)
    outputs = {o.format: o.path for o in result.outputs}
    return outputs, Epub(outputs["epub"]), PdfReading(outputs["pdf"])


def built(tmp_path_factory, name: str, notes: str):
    """scholarly-notes with `notes` added to its book.toml (its [notes] table ends the file)."""
    folder = tmp_path_factory.mktemp(name)
    book = copy_book("scholarly-notes", folder, notes)
    return opened(build_book(book, folder / "out"))


@pytest.fixture(scope="module")
def footnotes(shared_builds):
    yield opened(shared_builds("scholarly-notes"))  # as it is: footnotes numbered through the book


@pytest.fixture(scope="module")
def per_chapter(tmp_path_factory):
    yield built(tmp_path_factory, "per-chapter", 'numbering = "chapter"')


@pytest.fixture(scope="module")
def chapter_endnotes(tmp_path_factory):
    yield built(tmp_path_factory, "chapter-endnotes", 'placement = "endnotes-chapter"')


@pytest.fixture(scope="module")
def book_endnotes(tmp_path_factory):
    yield built(tmp_path_factory, "book-endnotes", 'placement = "endnotes-book"\nnumbering = "chapter"')


def asides(doc) -> list[str]:
    return [text_of(a) for a in doc.iterfind(".//x:aside", X)]


def test_footnotes_are_numbered_through_the_book_by_default(footnotes):
    _, epub, pdf = footnotes
    assert [a.split(".")[0] for a in asides(epub.documents["EPUB/01-first.xhtml"])] == ["1", "2"]
    assert asides(epub.documents["EPUB/02-second.xhtml"])[0].startswith("3. The only note of the second chapter")
    assert "3. The only note of the second chapter." in normalise(" ".join(pdf.texts))


def test_an_epub_note_holds_its_list_code_and_cross_reference(footnotes):
    _, epub, _ = footnotes
    first, second = epub.documents["EPUB/01-first.xhtml"].iterfind(".//x:aside", X)
    assert first.get(EPUB_TYPE) == "footnote" and "pointing at Chapter 2" in text_of(first)
    assert [text_of(li) for li in second.iterfind(".//x:ul/x:li", X)] == ["alpha item", "beta item"]
    assert text_of(second.find(".//x:pre", X)) == "total = alpha + beta print(total)"
    back = second.findall(".//x:a[@role='doc-backlink']", X)[-1]
    assert back.getparent().tag == "{http://www.w3.org/1999/xhtml}p" and "Closing words" in text_of(back.getparent())


def test_a_pdf_footnote_keeps_its_list_and_code_lines(footnotes):
    _, _, pdf = footnotes
    [page] = [n for n, t in enumerate(pdf.texts) if "Closing words of the note" in t]
    lines = [line.strip() for line in pdf.texts[page].splitlines()]
    # Each item and each code line on a line of its own, the items with their bullets.
    assert "alpha item" in lines and "beta item" in lines and pdf.texts[page].count("•") == 2
    assert "total = alpha + beta" in lines and "print(total)" in lines
    # The note sits at the foot of the page, below the text that calls it.
    assert lines.index("alpha item") > next(i for i, l in enumerate(lines) if l.startswith("A claim with a note"))
    assert "2. A note with a list and code:" in lines


def test_notes_can_restart_in_each_chapter(per_chapter):
    outputs, epub, pdf = per_chapter
    assert [a.split(".")[0] for a in asides(epub.documents["EPUB/01-first.xhtml"])] == ["1", "2"]
    assert asides(epub.documents["EPUB/02-second.xhtml"])[0].startswith("1. The only note of the second chapter")
    assert "1. The only note of the second chapter." in normalise(" ".join(pdf.texts))
    assert epubcheck(outputs["epub"]) == []


def test_chapter_endnotes_close_each_chapter(chapter_endnotes):
    outputs, epub, pdf = chapter_endnotes
    doc = epub.documents["EPUB/01-first.xhtml"]
    assert doc.find(".//x:aside", X) is None
    [section] = doc.iterfind(".//x:section[@class='endnotes']", X)
    assert section.get(EPUB_TYPE) == "endnotes" and section.get("role") == "doc-endnotes"
    assert text_of(section.find("x:h2", X)) == "Notes"
    items = section.findall(".//x:ol/x:li", X)
    assert [li.get("value") for li in items] == ["1", "2"] and all(li.get(EPUB_TYPE) == "endnote" for li in items)
    for ref in doc.iterfind(".//x:a[@class='noteref']", X):
        target = epub.element_at(ref.get("href"), "EPUB/01-first.xhtml")
        back = target.findall(".//x:a[@role='doc-backlink']", X)[-1]
        assert epub.element_at(back.get("href"), "EPUB/01-first.xhtml").get("id") == ref.get("id")
    assert epub.documents["EPUB/03-third.xhtml"].find(".//x:section[@class='endnotes']", X) is None
    assert epubcheck(outputs["epub"]) == []
    body = normalise(" ".join(pdf.texts))
    # Numbers are printed (WeasyPrint ignores <li value>), counting through the book.
    assert "3. The only note of the second chapter." in body
    assert text_of(items[0]).startswith("1. The first note")
    # The notes follow the chapter's text, before the next chapter begins.
    assert re.search(r"another\.2 Notes 1\. The first note of the first chapter.*Closing words of the note.* CHAPTER 2", body)


def test_book_endnotes_gather_in_a_notes_chapter(book_endnotes):
    outputs, epub, pdf = book_endnotes
    notes = epub.documents["EPUB/notes.xhtml"]
    assert notes.find(".//x:section", X).get(EPUB_TYPE) == "endnotes"
    headings = [text_of(h) for h in notes.iterfind(".//x:h2", X)]
    assert headings == ["Notes to Chapter 1", "Notes to Chapter 2"]
    refs = epub.documents["EPUB/02-second.xhtml"].findall(".//x:a[@class='noteref']", X)
    assert [r.get("href") for r in refs] == ["notes.xhtml#02-second-note-1"]
    assert text_of(epub.element_at(refs[0].get("href"), "EPUB/02-second.xhtml")).startswith("1. The only note")
    assert "EPUB/nav.xhtml" in epub.documents and "Notes" in text_of(epub.documents["EPUB/nav.xhtml"])
    assert epubcheck(outputs["epub"]) == []
    [page] = [n for n, t in enumerate(pdf.texts) if "Notes to Chapter 2" in t]
    assert "The only note of the second chapter" in normalise(pdf.texts[page])
    call = next(l for l in pdf.links if l.destination.endswith("02-second-note-1"))
    assert call.target_page == page


@pytest.mark.parametrize("line, message", [
    ('numbering = "section"', "[notes] numbering must be one of book, chapter, not 'section'"),
    ('placement = "margin"', "[notes] placement must be one of footnotes, endnotes-chapter, endnotes-book, not 'margin'"),
])
def test_note_options_are_checked(tmp_path, line, message):
    book = copy_book("scholarly-notes", tmp_path, line)
    assert message in diagnostics_text(build_book(book, tmp_path / "out", formats=()))
