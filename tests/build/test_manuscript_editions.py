"""Issue 16: a book in Pandoc's and Quarto's syntax, every construct of the issue, built
into every edition and read back as a reader meets it: no construct's markup reaches
any edition's text, each edition shows what is for it, and the EPUB passes EPUBCheck.

The fixture is tests/books/pandoc-constructs; its golden files (expected/, compared by
tests/build/test_goldens.py) hold the diagnostics and the EPUB's text, a block a line.
"""

from __future__ import annotations

import pytest
from lxml import html

from support import BOOKS, build_book, diagnostics_text, epubcheck
from support.readback import Epub, pdf_page_texts
from support.reader_text import markup_in, outside_code

BOOK = BOOKS / "pandoc-constructs"
CHAPTERS = ("01-notes-and-divs", "02-figures-and-tables", "03-inline-text", "04-appendix")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("constructs")
    result = build_book(BOOK, out, formats=("pdf", "epub", "web"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    outputs = {o.format: o.path for o in result.outputs}
    docs = Epub(outputs["epub"]).documents
    epub = {name: doc for key in CHAPTERS for name, doc in docs.items() if name.endswith(f"/{key}.xhtml")}
    web = {key: html.parse(str(outputs["web"] / f"{key}.html")).getroot() for key in CHAPTERS}
    pdf = " ".join(pdf_page_texts(outputs["pdf"]))
    return result, outputs, epub, web, pdf


def test_the_book_builds_without_a_problem_and_its_epub_passes_epubcheck(built):
    result, outputs, *_ = built
    assert result.diagnostics.items == []
    assert epubcheck(outputs["epub"]) == []


def test_no_construct_prints_its_markup_in_any_edition(built):
    _, _, epub, web, pdf = built
    for name, doc in epub.items():
        assert markup_in(outside_code(doc)) == [], name
    for key, page in web.items():
        assert markup_in(outside_code(page.find(".//article"))) == [], key
    assert markup_in(pdf) == []


def test_code_is_never_hyphenated(built):
    _, _, _, _, pdf = built
    # A code word may break at a line's end, but no hyphen is put into it.
    joined = "".join(pdf.split())
    for name in ("steep_time_for_green_tea_in_seconds()", "warm_the_pot_before_the_first_pour()",
                 "measure_leaves_by_weight_not_volume()", "strain_into_the_cups_without_delay()",
                 "refill_the_kettle_with_fresh_cold_water()", "record_the_steeping_time_in_the_ledger()"):
        assert name in joined, name


def test_notes_inline_and_a_note_citing_are_numbered_notes(built):
    _, _, epub, web, pdf = built
    doc = next(d for n, d in epub.items() if n.endswith("01-notes-and-divs.xhtml"))
    note = doc.find(".//{*}aside[@id='note-1']")
    assert "grow (Brandt, 2018); see the next chapter and Figure 2.1" in " ".join("".join(note.itertext()).split())
    assert note.find(".//{*}span[@class='smallcaps']") is not None
    assert "The pitch falls as the bubbles grow" in pdf


def test_callouts_are_titled_asides_and_fold_only_on_the_web(built):
    _, _, epub, web, pdf = built
    doc = next(d for n, d in epub.items() if n.endswith("01-notes-and-divs.xhtml"))
    titles = [" ".join("".join(a.find("{*}p").itertext()).split()) for a in doc.iter("{*}aside")
              if "callout" in (a.get("class") or "")]
    assert titles == ["Warm the pot first", "Measuring by eye", "Important", "Warning", "Caution", "Strainers"]
    # The callout's heading is its title, not a section: the chapter's sections are 1.1 to 1.3.
    assert [h.get("data-number") for h in doc.iter("{*}h2") if h.get("data-number")] == ["1.1", "1.2", "1.3"]
    assert doc.find(".//{*}details") is None
    folded = web["01-notes-and-divs"].find(".//details")
    assert folded is not None and folded.get("open") is None and folded.find("summary").text_content().strip() == "Warm the pot first"
    for title in ("Warm the pot first", "Measuring by eye", "Important", "Caution", "Strainers"):
        assert title in pdf


def test_conditional_content_is_in_its_editions_only(built):
    _, _, epub, web, pdf = built
    epub_text = " ".join(outside_code(d) for d in epub.values())
    web_text = " ".join(outside_code(p) for p in web.values())
    assert "printed in the PDF only" in pdf
    assert "printed in the PDF only" not in epub_text and "printed in the PDF only" not in web_text
    for screen in (epub_text, web_text):
        assert "on screens only" in screen and "Screens show this line" in screen
    assert "on screens only" not in pdf and "Screens show this line" not in pdf
    assert "ends differently in the ebook." in " ".join(epub_text.split())
    assert "ends differently on the web." in " ".join(web_text.split())
    assert "ends differently." in pdf


def test_panels_subfigures_captions_and_image_sizes(built):
    _, _, epub, web, pdf = built
    doc = next(d for n, d in epub.items() if n.endswith("02-figures-and-tables.xhtml"))
    panel = doc.find(".//{*}figure[@id='fig-vessels']")
    assert [f.get("id") for f in panel.iter("{*}figure") if f is not panel] == ["fig-vessels-1", "fig-vessels-2"]
    text = " ".join(outside_code(doc).split())
    assert "Figure 2.1 shows both vessels; Figure 2.1(b) is the pot." in text
    assert "(b) A round teapot, after (Brandt, 2018)" in text
    cups = doc.find(".//{*}figure[@id='fig-cups']/{*}img")
    assert cups.get("alt") == "Three cups in a row" and cups.get("style") == "width:60%" and cups.get("width") is None
    assert "Figure 2.2: Cups on a tray, as in Table 2.1" in text
    assert "Figure 2.1(b) is the pot" in pdf


def test_grid_tables_line_blocks_lists_and_inline_marks(built):
    _, _, epub, web, pdf = built
    figures = next(d for n, d in epub.items() if n.endswith("02-figures-and-tables.xhtml"))
    cells = figures.findall(".//{*}table[@id='tbl-hardness']//{*}td")
    assert [" ".join("".join(c.itertext()).split()) for c in cells] == [
        "Soft", "bright liquor quick infusion", "Hard", "A scum, as (Brandt, 2018) describes."]
    notes = next(d for n, d in epub.items() if n.endswith("01-notes-and-divs.xhtml"))
    block = notes.find(".//{*}div[@class='line-block']")
    assert len(block.findall("{*}br")) == 2 and block.find("{*}br").tail.strip("\n").startswith("\u00a0\u00a0\u00a0\u00a0the cups")
    nested = notes.find(".//{*}ul/{*}li/{*}ul/{*}li/{*}ul/{*}li")
    assert nested is not None and nested.text == "Blue enamel"
    inline = next(d for n, d in epub.items() if n.endswith("03-inline-text.xhtml"))
    assert [el.text for el in inline.iter("{*}sub", "{*}sup", "{*}del")] == ["2", "o", "never"]
    assert "See Chapter 1—the first chapter—and Section 1.1 for the callouts." in " ".join(outside_code(inline).split())


def test_includes_meta_shortcodes_and_the_bibliography_read_as_text(built):
    _, outputs, epub, web, pdf = built
    figures = next(d for n, d in epub.items() if n.endswith("02-figures-and-tables.xhtml"))
    text = " ".join(outside_code(figures).split())
    assert "Figures and tables of The Tea Room" in text  # {{< meta title >}} in a front matter title
    assert "This paragraph lives in a shared file" in text  # {{< include >}}
    assert figures.find(".//{*}kbd").text == "Ctrl-T"
    docs = Epub(outputs["epub"]).documents
    references = " ".join(" ".join(d.itertext()) for n, d in docs.items() if n.endswith("bibliography.xhtml"))
    references = " ".join(references.split())
    assert "Steeping times | A field guide to leaves" in references or "Steeping Times | A Field Guide to Leaves" in references
    assert "Okafor, N., & Lindqvist, P." in references and "Harrow & Vale" in references


def test_the_contents_leave_out_unlisted_headings(built):
    _, outputs, *_ = built
    docs = Epub(outputs["epub"]).documents
    nav = next(d for n, d in docs.items() if n.endswith("nav.xhtml"))
    entries = [" ".join("".join(a.itertext()).split()) for a in nav.iter("{http://www.w3.org/1999/xhtml}a")]
    assert any("Callouts" in e for e in entries) and not any("Hidden from the contents" in e for e in entries)
