"""Unnumbered chapters and sections (tests/books/unnumbered-chapters): `{-}` works like
`{.unnumbered}`, and figures, tables and equations of unnumbered chapters are numbered
through the book (Figure 1 in the preface, Figure 2 in the afterword), never twice the same."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from support import BOOKS, build_book, diagnostics_text, epubcheck
from support.apparatus import PdfReading, normalise
from support.readback import X, Epub, text_of

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("unnumbered")
    result = build_book(BOOKS / "unnumbered-chapters", out, formats=("epub", "pdf", "web"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    outputs = {o.format: o.path for o in result.outputs}
    pdf = PdfReading(outputs["pdf"])
    yield result, outputs, Epub(outputs["epub"]), pdf
    pdf.close()


REFERENCES = (f"References: Figure{NBSP}1, Figure{NBSP}2, Table{NBSP}1, Table{NBSP}2, Equation{NBSP}1, "
              f"Equation{NBSP}2, Figure{NBSP}1.1, Aside, Section{NBSP}1.2.")


def test_unnumbered_chapters_number_their_figures_tables_and_equations_through_the_book(editions):
    _, _, epub, _ = editions
    captions = {name: [text_of(c) for c in epub.documents[name].iterfind(".//x:figcaption", X)]
                + [text_of(c) for c in epub.documents[name].iterfind(".//x:caption", X)]
                for name in ("EPUB/00-preface.xhtml", "EPUB/02-afterword.xhtml")}
    assert captions == {"EPUB/00-preface.xhtml": ["Figure 1: Preface picture", "Table 1: Preface table"],
                        "EPUB/02-afterword.xhtml": ["Figure 2: Afterword picture", "Table 2: Afterword table"]}
    equations = [text_of(s) for name in ("EPUB/00-preface.xhtml", "EPUB/02-afterword.xhtml")
                 for s in epub.documents[name].iterfind(".//x:span[@class='equation-number']", X)]
    assert equations == ["(1)", "(2)"]
    paragraph = epub.documents["EPUB/02-afterword.xhtml"].find(".//x:p[last()]", X)
    assert re.sub(r"[ \n]+", " ", "".join(paragraph.itertext())).strip() == REFERENCES
    hrefs = {"".join(a.itertext()): a.get("href") for a in paragraph.iterfind(".//x:a", X)}
    assert hrefs[f"Figure{NBSP}1"] == "00-preface.xhtml#fig-preface"
    assert hrefs[f"Figure{NBSP}2"] == "#fig-afterword"
    assert hrefs[f"Equation{NBSP}1"] == "00-preface.xhtml#eq-preface"


def test_the_pdf_and_the_web_number_them_the_same_way(editions):
    _, outputs, _, pdf = editions
    text_all = normalise(" ".join(pdf.texts))
    assert "Figure 1: Preface picture" in text_all and "Figure 2: Afterword picture" in text_all
    assert "Table 1: Preface table" in text_all and "Table 2: Afterword table" in text_all
    assert text_all.count("Figure 1:") == 1
    assert " ".join(REFERENCES.replace(NBSP, " ").split()) in text_all
    after = pdf.pages_with("Afterword picture")[-1]
    targets = {pdf.text_in(link.page, link.rect): link.destination for link in pdf.links if link.page == after}
    assert targets["Figure 1"] == "00-preface--fig-preface" and targets["Figure 2"] == "02-afterword--fig-afterword"
    web = lxml_html.fromstring((outputs["web"] / "02-afterword.html").read_bytes())
    assert [c.text_content() for c in web.xpath("//figcaption")] == ["Figure 2: Afterword picture"]
    web_refs = {a.text_content(): a.get("href") for a in web.xpath("//a[contains(@class,'xref')]")}
    assert web_refs[f"Figure{NBSP}1"] == "00-preface.html#fig-preface"
    preface = lxml_html.fromstring((outputs["web"] / "00-preface.html").read_bytes())
    assert [c.text_content() for c in preface.xpath("//figcaption")] == ["Figure 1: Preface picture"]


def test_the_dash_shorthand_leaves_a_chapter_or_section_unnumbered(editions):
    result, outputs, epub, pdf = editions
    # `# Preface {-}` in a file without a role: no "Chapter 1", and Work is Chapter 1.
    assert text_of(epub.documents["EPUB/00-preface.xhtml"].find(".//x:h1", X)) == "Preface"
    assert text_of(epub.documents["EPUB/01-work.xhtml"].find(".//x:h1", X)) == "Chapter 1 Work"
    # `## Aside {#sec-aside -}`: no number, and Result is 1.2.
    work = epub.documents["EPUB/01-work.xhtml"]
    assert [text_of(h) for h in work.iterfind(".//x:h2", X)] == ["1.1 Method", "Aside", "1.2 Result"]
    contents = normalise(pdf.texts[pdf.pages_with("Contents")[0]])
    # The screen PDF opens Work on the page after the preface's (no blank page before it).
    assert re.search(r"Preface[ .]+1 1\. Work[ .]+2 1\.1 Method[ .]+2 Aside[ .]+2 1\.2 Result", contents), contents
    assert "CHAPTER 1 Work" in normalise(" ".join(pdf.texts))
    # The shorthand is read, not stripped as an unknown attribute.
    assert not [d for d in result.diagnostics.warnings if "attribute -" in d.message], diagnostics_text(result)
    assert epubcheck(outputs["epub"]) == []
