"""The back-of-book index: marks, sorting, nesting, cross-references, page numbers and links."""

from __future__ import annotations

import re

import pytest
from lxml import html

from support import build_book, diagnostics_text, epubcheck
from support.apparatus import built_book, normalise
from support.readback import EPUB_TYPE, X, Epub, text_of, web_pages, web_target

from bookwright.resolve.apparatus.index import sort_key, split_term
from bookwright.parse.syntax import make_markdown

ROMAN = re.compile(r"^[ivxlcdm]+$")


def test_bracketed_spans_carry_index_attributes():
    body = html.fragment_fromstring(make_markdown("en").convert(
        '[trust]{.idx} [repairs]{.idx term="trust!repair of" sort="r"} []{.idx term="x" see="y"} '
        '[Wort]{lang=de} [*em*]{#s1 .a}'), create_parent="div")
    spans = body.findall(".//span")
    assert spans[0].get("class") == "idx" and spans[0].text == "trust"
    assert (spans[1].get("data-idx-term"), spans[1].get("data-idx-sort")) == ("trust!repair of", "r")
    assert (spans[2].text, spans[2].get("data-idx-see")) == (None, "y")
    assert spans[3].get("lang") == "de" and spans[3].get("class") is None  # general spans, no index meaning
    assert spans[4].get("id") == "s1" and spans[4].find("em") is not None


def test_terms_sort_without_accents_or_case_and_split_into_levels():
    words = ["zeal", "Éclair", "edge", "Apple", "eagle", "Ørsted", "élan", "Elan"]
    assert sorted(words, key=sort_key) == ["Apple", "eagle", "Éclair", "edge", "Elan", "élan", "Ørsted", "zeal"]
    assert split_term("trust!repair of") == ["trust", "repair of"]
    assert split_term("Caesar, Julius") == ["Caesar, Julius"]  # a comma inverts a name (issue 16)
    assert split_term("Drucker, Peter!books") == ["Drucker, Peter", "books"]


@pytest.fixture(scope="module")
def indexed(shared_builds):
    yield from built_book("scholarly-index", shared_builds)


def entries(ul) -> list[tuple[str, list]]:
    out = []
    for li in ul.iterfind("x:li", X):
        term = text_of(li.find("x:span[@class='index-term']", X))
        sub = li.find("x:ul", X)
        out.append((term, entries(sub) if sub is not None else []))
    return out


def test_epub_index_is_sorted_nested_and_marked_up(indexed):
    _, epub, _ = indexed
    doc = epub.documents["EPUB/index.xhtml"]
    section = doc.find(".//x:section", X)
    assert section.get(EPUB_TYPE) == "index" and section.get("role") == "doc-index"
    groups = doc.findall(".//x:section[@class='index-group']", X)
    assert [text_of(g.find("x:h2", X)) for g in groups] == ["A", "C", "E", "F", "L", "O", "T", "Z"]
    listed = [entry for g in groups for entry in entries(g.find("x:ul", X))]
    assert [term for term, _ in listed] == ["Apple", "Candor", "candour", "conflict", "eagle", "Éclair", "edge",
                                            "feedback", "the ledger", "listening", "Ørsted", "trust", "zeal"]
    assert dict(listed)["trust"] == [("repair of", [])]
    assert dict(listed)["conflict"] == [("about tasks", [])]
    lines = {text_of(li).split(",")[0].split(".")[0]: text_of(li) for li in doc.iterfind(".//x:li", X)}
    assert lines["candour"] == "candour. See Candor"
    assert lines["Candor"] == "Candor, 2.1. See also feedback"


def test_epub_index_links_land_on_the_marked_term(indexed):
    outputs, epub, _ = indexed
    links = epub.documents["EPUB/index.xhtml"].findall(".//x:a[@class='index-locator']", X)
    assert len(links) >= 14
    for link in links:
        term = text_of(link.getparent().getparent().find("x:span[@class='index-term']", X))
        target = epub.element_at(link.get("href"), "EPUB/index.xhtml")
        assert target is not None, link.get("href")
        # The mark's own text, or the sentence around an invisible or re-worded mark.
        around = text_of(target.getparent()).casefold()
        assert term.casefold().removeprefix("the ") in around or "repair of trust" in around, (term, around)
    trust = next(li for li in epub.documents["EPUB/index.xhtml"].iterfind(".//x:li", X)
                 if text_of(li).startswith("trust,"))
    # One link per section that mentions the term: the preface by title, then chapter 1.
    assert [text_of(a) for a in trust.find("x:span[@class='index-locators']", X).iterfind("x:a", X)] == ["Preface", "1"]
    assert epubcheck(outputs["epub"]) == []


def test_a_term_marked_in_a_footnote_links_to_the_note(indexed):
    _, epub, _ = indexed
    link = next(a for a in epub.documents["EPUB/index.xhtml"].iterfind(".//x:a", X)
                if text_of(a.getparent().getparent().find("x:span", X)) == "listening")
    target = epub.element_at(link.get("href"), "EPUB/index.xhtml")
    assert target.xpath("ancestor::*[local-name()='aside']")


def test_pdf_index_numbers_are_pages_that_hold_the_term(indexed):
    _, _, pdf = indexed
    [index_page, *_] = [n for n in pdf.pages_with("Index") if "Apple" in pdf.texts[n]]
    links = [l for l in pdf.links if l.page >= index_page and "--idx-" in l.destination]
    assert len(links) >= 14
    for link in links:
        number = pdf.text_in(link.page, link.rect)
        assert number == pdf.folio(link.target_page), (number, link.destination)
        line = pdf.line_before(link.page, link.rect)
        term = line.split(",")[0].split(".")[0].strip().removeprefix("the ")
        if term and not term[0].isdigit() and not ROMAN.match(term):
            page_words = normalise(pdf.texts[link.target_page]).casefold()
            assert term.casefold() in page_words or "repair of trust" in page_words, (term, link.target_page)


def test_pdf_index_merges_pages_into_ranges(indexed):
    _, _, pdf = indexed
    index_text = " ".join(normalise(pdf.texts[n]) for n in range(len(pdf.texts)) if "Apple," in pdf.texts[n]
                          or "zeal," in pdf.texts[n])
    trust = re.search(r"trust, ([ivx0-9–, ]+)", index_text).group(1).strip(" ,")
    numbers = [n for n in re.split(r"[,–]\s*", trust) if n]
    assert ROMAN.match(numbers[0]), trust  # the preface, in roman numerals
    assert "–" in trust, trust  # marks on following pages become one range
    assert len(numbers) == len(set(numbers)), trust  # a page is never listed twice
    # Four marks in chapter 1, on pages p, p, p+2 and p+3 or so: fewer numbers than marks.
    assert len(numbers) < 5


def test_pdf_index_is_set_in_two_columns(indexed):
    _, _, pdf = indexed
    [page] = [n for n in range(len(pdf.texts)) if "Apple," in pdf.texts[n]]
    words = pdf.words(page)
    middle = pdf._plumber.pages[page].width / 2
    assert any(w["x0"] < middle - 20 for w in words) and any(w["x0"] > middle for w in words)


def test_index_mistakes_are_reported_where_they_are_made(tmp_path):
    messages = diagnostics_text(build_book("scholarly-errors", tmp_path, formats=()))
    assert "01-broken.md:5:28: error: index cross-reference 'feedbak' names no index term" in messages
    assert "hint: did you mean 'feedback'?" in messages
    assert "01-broken.md:6:10: error: index mark without a term" in messages
    assert "01-broken.md:6:30: warning: index mark: unknown attribute 'terms'" in messages
    assert "removed from <span>" not in messages  # reported once, by the index


def test_the_sample_book_has_an_index_of_thirty_terms(sample_outputs):
    epub = Epub(sample_outputs["epub"])
    terms = epub.documents["EPUB/index.xhtml"].findall(".//x:span[@class='index-term']", X)
    assert len(terms) >= 30
    for link in epub.documents["EPUB/index.xhtml"].iterfind(".//x:a[@class='index-locator']", X):
        assert epub.element_at(link.get("href"), "EPUB/index.xhtml") is not None


def test_the_sample_web_edition_index_links_land_on_marks(sample_outputs):
    pages = web_pages(sample_outputs["web"])
    [index_page] = [name for name, page in pages.items() if page.xpath("//div[@class='index-body']")]
    links = pages[index_page].xpath("//a[@class='index-locator']")
    assert len(links) >= 30
    for link in links:
        target = web_target(pages, link.get("href"), index_page)
        assert target is not None and "idx" in target.get("class", "").split(), link.get("href")
