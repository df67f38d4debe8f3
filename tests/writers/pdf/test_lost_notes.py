"""Footnotes in the laid-out PDFs: every note the text calls is printed, on its call's page
where the engine allows, and a note the engine drops is reported, never lost silently."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from bookwright.build.pipeline import build
from bookwright.writers.pdf import lost_notes
from support import BOOKS, diagnostics_text

NOTE = "Even a footnote can mark a term: listening."


def page_words(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def kdp(tmp_path_factory):
    # A 4x5in page: the note's call falls on the line after a page break and the index
    # (in two columns) opens the next page, where WeasyPrint 70 used to drop the note.
    result = build(BOOKS / "scholarly-index", tmp_path_factory.mktemp("kdp"), ("print-kdp",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    return PdfReader(result.outputs[0].path), diagnostics_text(result)


def test_print_interior_sets_the_note_on_the_page_of_its_call(kdp):
    reader, messages = kdp
    pages = page_words(reader)
    with_note = [number for number, words in enumerate(pages, 1) if NOTE in words]
    with_call = [number for number, words in enumerate(pages, 1) if "travel in both directions.1" in words]
    assert with_note == with_call and len(with_note) == 1, (with_note, with_call)
    assert "did not set it" not in messages


def test_copyright_notice_fits_a_small_page(kdp):
    reader, messages = kdp
    pages = page_words(reader)
    # Half-title, blank, title page, then the copyright page whole on the title's back.
    assert pages[3] == "Indexed Teams Ada Fixture" and pages[4].startswith("Contents")
    assert "bottom edge" not in messages  # the preflight's margin check


def laid_out_note():
    markup = ('<section class="chapter" id="ch-one"><p>Text with a note<span class="footnote" data-note="1">'
              'The note.</span> and more text.</p></section>')
    css = "@page { size: 4in 5in; } .footnote { float: footnote; }"
    return HTML(string=f"<style>{css}</style>{markup}").render()


def test_a_note_missing_from_every_footnote_area_is_found():
    document = laid_out_note()
    assert lost_notes.lost_notes(document) == []
    for page in document.pages:  # what the engine's bug does: the call stays, the body goes
        for area in page._page_box.children:
            if isinstance(area, boxes.FootnoteAreaBox):
                area.children = []
    assert lost_notes.lost_notes(document) == [("ch-one", "1")]


def test_a_lost_note_is_reported_at_its_call(tmp_path, monkeypatch):
    monkeypatch.setattr(lost_notes, "lost_notes", lambda document: [("02-friction", "1")])
    result = build(BOOKS / "scholarly-index", tmp_path, ("pdf",), jobs=1)  # laid out here, where the patch is
    assert ("02-friction.md:7:17: warning: PDF: footnote 1 is called but the layout engine did not set it on any page"
            in diagnostics_text(result))
