"""Notes called twice, and fenced code inside notes, as each edition shows them
(tests/books/note-calls)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from support import BOOKS, build_book, diagnostics_text, epubcheck
from support.apparatus import PdfReading, normalise
from support.readback import X, Epub, text_of


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("note-calls")
    result = build_book(BOOKS / "note-calls", out, formats=("epub", "pdf", "web"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    outputs = {o.format: o.path for o in result.outputs}
    pdf = PdfReading(outputs["pdf"])
    yield result, outputs, pdf
    pdf.close()


def chars_in(pdf: PdfReading, page: int, rect) -> str:
    """The characters whose centre lies inside a link's rectangle."""
    x0, top, x1, bottom = rect
    return "".join(c["text"] for c in pdf._plumber.pages[page].chars
                   if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)


def destination_top(pdf: PdfReading, name: str, page: int) -> float:
    """Where a named destination puts the reader, from the top of its page."""
    from pypdf import PdfReader

    dest = PdfReader(str(pdf.path)).named_destinations[name]
    return float(pdf._plumber.pages[page].height) - float(dest["/Top"])


def test_a_second_call_links_to_the_note_in_the_pdf(editions):
    result, _, pdf = editions
    page = pdf.pages_with("A second claim from the same source.1")[0]
    note_links = [link for link in pdf.links if link.destination.endswith("--note-1")]
    assert len(note_links) == 1, [link.destination for link in pdf.links]
    link = note_links[0]
    # The link is the second call's number, with an area a reader can click.
    assert link.page == page and link.rect[3] - link.rect[1] > 3
    assert chars_in(pdf, page, link.rect) == "1"
    assert "same source." in pdf.line_before(page, link.rect)
    # It leads to the note set at the foot of that page, below the text that calls it.
    assert link.target_page == page
    dest = destination_top(pdf, link.destination, page)
    note = next(w for w in pdf.words(page) if w["text"] == "shared")
    body = next(w for w in pdf.words(page) if w["text"] == "second")
    assert dest > body["bottom"] and abs(dest - note["top"]) < 12
    assert not [d for d in result.diagnostics.warnings if "anchor" in d.message]


def test_every_edition_links_both_calls_to_the_same_note(editions):
    _, outputs, _ = editions
    doc = Epub(outputs["epub"]).documents["EPUB/01-calls.xhtml"]
    calls = [a for a in doc.iterfind(".//x:a[@role='doc-noteref']", X) if text_of(a) == "1"]
    assert [a.get("href") for a in calls] == ["#note-1", "#note-1"]
    web = lxml_html.fromstring((outputs["web"] / "01-calls.html").read_bytes())
    web_calls = [a for a in web.xpath("//a[contains(@class,'noteref')]") if a.text_content() == "1"]
    assert [a.get("href") for a in web_calls] == ["#note-1", "#note-1"]
    assert web.xpath("//li[@id='note-1']")


def test_fenced_code_in_a_note_is_code_in_the_epub(editions):
    _, outputs, _ = editions
    doc = Epub(outputs["epub"]).documents["EPUB/01-calls.xhtml"]
    notes = {a.get("id"): a for a in doc.iterfind(".//x:aside", X)}
    code = notes["note-2"].find(".//x:pre/x:code", X)
    assert code is not None and "".join(code.itertext()) == "total = alpha + beta\nprint(total)\n"
    assert notes["note-2"].find(".//x:pre", X).get("data-lang") == "python"
    tight = notes["note-3"]
    assert "".join(tight.find(".//x:pre/x:code", X).itertext()) == 'kept = "as written"\n'
    assert [text_of(p) for p in tight.iterfind("x:p", X)] == ["Code right under the note’s first line:",
                                                           "And words after it. ↩︎"]
    assert "```" not in text_of(notes["note-2"]) and "~~~" not in text_of(tight)
    # Nothing left behind: no empty paragraph around the code, no code outside the notes.
    assert all(text_of(p) for aside in notes.values() for p in aside.iterfind(".//x:p", X))
    assert [text_of(pre) for pre in doc.iterfind(".//x:pre", X) if pre.getparent().tag != f"{{{X['x']}}}aside"] \
        == ["a fence outside any note"]
    assert epubcheck(outputs["epub"]) == []


def test_fenced_code_in_a_note_is_code_on_the_web(editions):
    _, outputs, _ = editions
    web = lxml_html.fromstring((outputs["web"] / "01-calls.html").read_bytes())
    code = web.xpath("//li[@id='note-2']//pre/code")
    assert code and code[0].text_content() == "total = alpha + beta\nprint(total)\n"
    assert web.xpath("//li[@id='note-3']//pre/code")[0].text_content() == 'kept = "as written"\n'


def test_fenced_code_in_a_note_is_set_as_code_at_the_foot_of_the_pdf_page(editions):
    _, _, pdf = editions
    page = pdf.pages_with("The code of the claim:")[0]
    words = pdf.words(page)
    call_line = next(w for w in words if w["text"] == "code.2")
    lines = {}
    for c in pdf._plumber.pages[page].chars:
        lines.setdefault(round(c["top"]), []).append(c)
    code_lines = {top: "".join(c["text"] for c in cs if c["text"].strip()) for top, cs in lines.items()
                  if "total" in "".join(c["text"] for c in cs) or "kept" in "".join(c["text"] for c in cs)}
    assert sorted(code_lines.values()) == ['kept="aswritten"', "print(total)", "total=alpha+beta"]
    for top, _ in code_lines.items():
        assert top > call_line["bottom"]  # in the footnote area, under the text
        assert all("Mono" in c["fontname"] for c in lines[top] if c["text"].strip())
    assert "```" not in normalise(pdf.texts[page]) and "~~~" not in pdf.texts[page]
