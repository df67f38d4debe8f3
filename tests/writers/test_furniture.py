"""The pages every trade book has, read back from the sample's editions: a copyright page
that says the same in the PDF, the EPUB and on the web (with both ISBNs, the edition
statement, the credits and the author's lines), "Also by" facing the title page and "About
the author" closing the book, each in the contents, the EPUB's navigation and the site; the
dedication and the epigraph page before the contents; a chapter's epigraph with its source."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree, html
from pypdf import PdfReader

from bookwright.writers.frontmatter import copyright_blocks
from support import SAMPLE
from support.readback import pdf_page_texts

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def editions(sample_build):
    outputs = {o.format: o.path for o in sample_build.outputs}
    return sample_build.book, outputs


def test_the_copyright_page_says_the_same_in_every_edition(editions):
    book, outputs = editions
    lines = [line for _, block in copyright_blocks(book) for line in block]
    assert "ISBN 9780000000002 (print)" in lines and "ISBN 9780000000019 (ebook)" in lines
    assert "First edition, November 2026" in lines and "10 9 8 7 6 5 4 3 2 1" in lines
    assert "Cover and book design by the author" in lines
    pages = pdf_page_texts(outputs["pdf"])
    (copyright_page,) = [squash(p) for p in pages if "ISBN 9780000000019" in p]
    with zipfile.ZipFile(outputs["epub"]) as epub:
        epub_page = squash("".join(etree.fromstring(epub.read("EPUB/copyright.xhtml")).itertext()))
    site_page = squash(html.fromstring((outputs["web"] / "index.html").read_bytes()).get_element_by_id(
        "copyright").text_content())
    for line in lines:
        assert squash(line) in copyright_page, line
        assert squash(line) in epub_page, line
        assert squash(line) in site_page, line


def test_also_by_faces_the_title_page_and_about_the_author_ends_the_book(editions):
    _, outputs = editions
    pages = [squash(p) for p in pdf_page_texts(outputs["pdf"])]
    also = next(i for i, p in enumerate(pages) if p.startswith("Also by Clara Vennholt"))
    title = next(i for i, p in enumerate(pages) if "Trust, Feedback, and Decisions for Teams" in p and i > also)
    assert (also, title) == (1, 2)  # the half-title's verso, facing the title page
    assert pages[-1].startswith("About the Author") or pages[-2].startswith("About the Author")
    with zipfile.ZipFile(outputs["epub"]) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
    ns = {"o": "http://www.idpf.org/2007/opf"}
    hrefs = {i.get("id"): i.get("href") for i in opf.xpath("//o:manifest/o:item", namespaces=ns)}
    spine = [hrefs[r.get("idref")] for r in opf.xpath("//o:spine/o:itemref", namespaces=ns)]
    assert spine[:6] == ["cover.xhtml", "00-also-by.xhtml", "title.xhtml", "copyright.xhtml", "00-dedication.xhtml",
                         "00-epigraph.xhtml"]
    assert spine[-1] == "99-about-the-author.xhtml"
    assert spine[-2].startswith("index")  # after the generated back matter


def test_about_and_also_by_are_in_the_contents_of_every_edition(editions):
    _, outputs = editions
    pages = [squash(p) for p in pdf_page_texts(outputs["pdf"])]
    contents = " ".join(p for p in pages if re.search(r"Contents|\. \. \.", p))
    assert re.search(r"Also by Clara Vennholt[ .]*ii\b", contents)
    assert re.search(r"About the Author[ .]*\d+", contents)
    outline = [item.title for item in PdfReader(str(outputs["pdf"])).outline if not isinstance(item, list)]
    assert outline[0] == "Also by Clara Vennholt" and outline[-1] == "About the Author"
    with zipfile.ZipFile(outputs["epub"]) as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    toc = nav.find(f".//{XHTML}nav[@{EPUB_TYPE}='toc']")
    labels = [squash("".join(a.itertext())) for a in toc.iter(f"{XHTML}a")]
    assert labels[0] == "Also by Clara Vennholt" and labels[-1] == "About the Author"
    site = html.fromstring((outputs["web"] / "index.html").read_bytes())
    listed = [squash(a.text_content()) for a in site.get_element_by_id("contents").iter("a")]
    assert listed[0] == "Also by Clara Vennholt" and listed[-1] == "About the Author"
    assert (outputs["web"] / "99-about-the-author.html").is_file()


def test_the_dedication_and_epigraph_come_before_the_contents_without_folios(editions):
    _, outputs = editions
    pages = [squash(p) for p in pdf_page_texts(outputs["pdf"])]
    dedication = next(i for i, p in enumerate(pages) if "For Ruth, who argued with me first" in p)
    epigraph = next(i for i, p in enumerate(pages) if "Well done is better than well said" in p)
    contents = next(i for i, p in enumerate(pages) if p.startswith("Contents"))
    assert dedication < epigraph < contents
    # Each on a page of its own, right after the page before it (a screen waits for no
    # right-hand page: tests/writers/pdf/test_pdf.py).
    assert epigraph == dedication + 1 and not pages[dedication - 1].strip() == ""
    for index in (dedication, epigraph):
        assert not re.search(r"\b[ivx]+$", pages[index]), pages[index]  # no folio
        assert "Dedication" not in pages[index].split("For Ruth")[0]  # its title is not printed


def test_an_epigraph_is_marked_with_its_source_in_every_edition(editions):
    _, outputs = editions
    with zipfile.ZipFile(outputs["epub"]) as epub:
        chapter = etree.fromstring(epub.read("EPUB/01-trust.xhtml"))
    quote, *others = chapter.iter(f"{XHTML}blockquote")
    assert quote.get(EPUB_TYPE) == "epigraph" and quote.get("role") == "doc-epigraph"
    assert all(other.get(EPUB_TYPE) is None for other in others)  # only the one under the title
    source = quote.findall(f"{XHTML}p")[-1]
    assert source.get("class") == "epigraph-source"
    assert squash("".join(source.itertext())) == "— Benjamin Franklin, Poor Richard’s Almanack, 1749"
    site = html.fromstring((outputs["web"] / "01-trust.html").read_bytes())
    (web_quote,) = site.xpath("//blockquote[contains(@class,'epigraph')]")
    assert web_quote.get("role") == "doc-epigraph"
    pages = [squash(p) for p in pdf_page_texts(outputs["pdf"])]
    opening = next(p for p in pages if "Trust Is Built in Small Deposits Words may show" in p)
    assert "— Benjamin Franklin" in opening


def test_a_scene_break_is_the_ornament_and_never_alone_at_a_page_top(editions):
    _, outputs = editions
    pages = [squash(p) for p in pdf_page_texts(outputs["pdf"])]
    marks = [i for i, p in enumerate(pages) if "⁂" in p]
    sources = sum((SAMPLE / name).read_text().count("\n***\n") for name in ("01-trust.md", "03-conflict.md",
                                                                            "06-measuring.md"))
    assert len(marks) == sources
    for index in marks:
        body = pages[index]
        # Text on both sides of the ornament on its page: it neither starts nor ends the page.
        before, _, after = body.partition("⁂")
        assert len(before.split()) > 5 and len(after.split()) > 5
