"""Cross-references read the same and land on their targets in every edition.

The fixture book `xref-book` uses every reference kind across chapter boundaries, in
parts, front matter and an appendix, in a footnote and in table cells, and asks for the
lists of figures and tables. It is built once (EPUB and PDF) and read back: the EPUB's
XHTML, the PDF's text, link annotations and named destinations.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from bookwright.cli import main as cli_main
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.build.pipeline import prepare_book
from support import BOOKS, build_book, diagnostics_text, epubcheck, make_book
from support.readback import XHTML, Epub, squash, text_of

NBSP = "\u00a0"
FOLIO = re.compile(r"^(\d+|[ivxlcdm]+)$")


# --- the built fixture book ------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(shared_builds):
    result = shared_builds("xref-book")
    assert not result.diagnostics.items, diagnostics_text(result)
    return result


@pytest.fixture(scope="module")
def epub(built):
    return Epub(next(o.path for o in built.outputs if o.format == "epub"))


class Pdf:
    """The PDF as a reader meets it: page texts, folios, named destinations and links.

    Words and their places come from poppler's `pdftotext -bbox` (fast on a whole book);
    destinations and link annotations from pypdf."""

    def __init__(self, path: Path):
        from pypdf import PdfReader

        self.reader = PdfReader(str(path))
        self.dests = {name: (self.reader.get_destination_page_number(d), float(d.top))
                      for name, d in self.reader.named_destinations.items()}
        bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
        pages = etree.fromstring(bbox).findall(".//{*}page")
        assert len(pages) == len(self.reader.pages)
        self.height = float(pages[0].get("height"))
        self.words: list[list[tuple[str, float]]] = []  # (word, top) in reading order
        for page in pages:
            self.words.append([(part, float(w.get("yMin"))) for w in page.iter("{*}word") for part in w.text.split()])
        self.texts = [" ".join(word for word, _ in words) for words in self.words]
        # The folio is the number printed in the bottom margin (0.75in).
        self.folios = []
        for words in self.words:
            foot = [word for word, top in words if top > self.height - 54 and FOLIO.match(word)]
            self.folios.append(foot[-1] if foot else "")

    def links(self):
        """(page index, destination name, rect) of every internal link annotation."""
        for index, page in enumerate(self.reader.pages):
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                if annot.get("/Subtype") != "/Link":
                    continue
                dest = annot.get("/Dest")
                if dest is None and annot.get("/A") is not None:
                    action = annot["/A"].get_object()
                    if action.get("/S") == "/URI":
                        continue  # a web address
                    dest = action.get("/D")
                yield index, str(dest), [float(v) for v in annot["/Rect"]]

    def top_of(self, page: int, text: str) -> float | None:
        """The top (from the page's top edge) of the first line holding `text`, word by word."""
        wanted = text.split()
        words = self.words[page]
        for start in range(len(words)):
            if [w for w, _ in words[start:start + len(wanted)]] == wanted:
                return words[start][1]
        return None


@pytest.fixture(scope="module")
def pdf(built):
    return Pdf(next(o.path for o in built.outputs if o.format == "pdf"))


def chapter_docs(epub: Epub) -> list[tuple[str, etree._Element]]:
    return [(name, epub.documents[name]) for name in epub.spine_paths() if re.search(r"/\d\d-[\w-]+\.xhtml$", name)]


def xrefs(doc) -> list[etree._Element]:
    return doc.xpath(".//x:a[contains(concat(' ', @class, ' '), ' xref ')]", namespaces={"x": XHTML[1:-1]})


# --- what each reference prints --------------------------------------------------------------


def test_every_reference_kind_prints_its_text_and_links_its_target(epub):
    found = [
        (posixpath.basename(name), squash(a.text), a.get("href"))
        for name, doc in chapter_docs(epub) for a in xrefs(doc)
    ]
    assert found == [
        # Front matter pointing into the body: a chapter, a figure.
        ("00-preface.xhtml", "Chapter 1", "01-first.xhtml#sec-first"),
        ("00-preface.xhtml", "Figure 1.1", "01-first.xhtml#fig-loop"),
        # Across chapters and parts: chapter, section, appendix.
        ("01-first.xhtml", "Chapter 2", "02-second.xhtml#sec-second"),
        ("01-first.xhtml", "Section 2.1", "02-second.xhtml#sec-second-detail"),
        ("01-first.xhtml", "Appendix A", "90-appendix.xhtml#sec-appendix"),
        # The number alone, a custom prefix, a page reference into front matter,
        # an unnumbered chapter by its title.
        ("01-first.xhtml", "1.1", "#fig-loop"),
        ("01-first.xhtml", "Fig. 1.1", "#fig-loop"),
        ("01-first.xhtml", "About this book", "00-preface.xhtml#sec-preface-about"),
        ("01-first.xhtml", "Preface", "00-preface.xhtml#sec-preface"),
        # Table cells: a table in another part, a listing in the appendix (page form).
        ("01-first.xhtml", "Table 3.1", "03-third.xhtml#tbl-far"),
        ("01-first.xhtml", "Listing A.1", "90-appendix.xhtml#lst-check"),
        ("01-first.xhtml", "Section 1.1", "#sec-first-section"),
        # The footnote, which the EPUB keeps at the end of the chapter.
        ("01-first.xhtml", "Table 3.1", "03-third.xhtml#tbl-far"),
        ("02-second.xhtml", "Chapter 1", "01-first.xhtml#sec-first"),
        ("02-second.xhtml", "Figure 1.1", "01-first.xhtml#fig-loop"),
        ("02-second.xhtml", "Table 3.1", "03-third.xhtml#tbl-far"),
        ("03-third.xhtml", "Table 1.1", "01-first.xhtml#tbl-near"),
        ("03-third.xhtml", "Listing A.1", "90-appendix.xhtml#lst-check"),
        # Inside the appendix: its sections and tables are lettered.
        ("90-appendix.xhtml", "Section A.1", "#sec-appendix-start"),
        ("90-appendix.xhtml", "Table A.1", "#tbl-steps"),
    ]


def test_word_and_number_never_part_at_a_line_end(epub):
    texts = [a.text for _, doc in chapter_docs(epub) for a in xrefs(doc)]
    assert "Chapter\u00a01" in texts and "Fig.\u00a01.1" in texts


def test_page_references_read_without_pages_in_the_epub(epub):
    docs = dict(chapter_docs(epub))
    paragraph = next(p for p in docs["EPUB/02-second.xhtml"].iter(f"{XHTML}p") if "loop" in "".join(p.itertext()))
    assert text_of(paragraph) == "The loop is Figure 1.1."


def test_plain_links_to_chapter_files_point_into_the_epub(epub):
    doc = dict(chapter_docs(epub))["EPUB/01-first.xhtml"]
    links = {text_of(a): a.get("href") for a in doc.iter(f"{XHTML}a") if not a.get("class")}
    assert links["the detail"] == "02-second.xhtml#sec-second-detail"
    assert links["the third chapter"] == "03-third.xhtml"
    assert links["the section above"] == "#sec-first-section"


# --- every EPUB link opens its target ----------------------------------------------------------


def assert_every_href_opens_its_target(epub) -> int:
    ids = {name: {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
           for name, doc in epub.documents.items()}
    checked = 0
    for name, doc in epub.documents.items():
        for a in doc.iter(f"{XHTML}a"):
            href = a.get("href")
            if not href or re.match(r"^[a-z]+:", href):
                continue
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            assert target in ids, f"{name}: {href} opens no file of the EPUB"
            if fragment:
                assert fragment in ids[target], f"{name}: {href} names no id in {target}"
            checked += 1
    return checked


def test_every_epub_href_opens_an_existing_file_and_id(epub):
    assert assert_every_href_opens_its_target(epub) > 40


def test_epub_passes_epubcheck(epub):
    assert epubcheck(epub.path) == []


# --- the same text in both editions -------------------------------------------------------------

CONTEXT = {f"{XHTML}{tag}" for tag in ("p", "td", "th", "li", "figcaption", "h1", "h2", "h3")}


def reference_contexts(epub):
    """For each block holding references: a pattern its text must match in the PDF, and
    the labels of its page references, in order (their page numbers are the pattern's groups)."""
    blocks = []
    for _, doc in chapter_docs(epub):
        for a in xrefs(doc):
            block = next(el for el in a.iterancestors() if el.tag in CONTEXT)
            if block not in blocks:
                blocks.append(block)
    for block in blocks:
        pieces, labels = [""], []

        def walk(el):
            classes = (el.get("class") or "").split()
            if "note-back" in classes:
                pieces[-1] += el.tail or ""
                return
            pieces[-1] += el.text or ""
            for child in el:
                walk(child)
            if "xref" in classes and el.get("data-page-words"):
                labels.append(el.get("href").partition("#")[2])
                pieces.append("")
            if el is not block:
                pieces[-1] += el.tail or ""

        walk(block)
        literal = [re.escape(squash(p)).replace(r"\ ", r"\s") for p in pieces]
        # A page reference reads "Figure 1.1 on page 3" in the PDF: the words come from CSS.
        pattern = r"\s?on\spage\s(\d+|[ivxlc]+)\s?".join(literal)
        yield text_of(block), re.compile(pattern), labels


def test_each_reference_prints_the_same_text_in_the_epub_and_the_pdf(epub, pdf):
    book_text = " ".join(pdf.texts)
    contexts = list(reference_contexts(epub))
    assert len(contexts) >= 15
    for epub_text, pattern, _ in contexts:
        assert pattern.search(book_text), f"the PDF does not print: {epub_text!r}"


def test_page_references_print_the_page_their_target_is_on(epub, pdf, built):
    book_text = " ".join(pdf.texts)
    seen = 0
    for epub_text, pattern, labels in reference_contexts(epub):
        match = pattern.search(book_text)
        for label, folio in zip(labels, match.groups() if match else ()):
            chapter = built.book.targets[label].chapter
            page, _ = pdf.dests[f"{chapter}--{label}"]
            assert pdf.folios[page] == folio, f"{epub_text!r}: page {folio}, but #{label} is printed on page {pdf.folios[page]}"
            seen += 1
    # Five page references: into front matter (roman), a figure, a table, a listing twice.
    assert seen == 5
    # The screen PDF leaves no page blank: the preface is the seventh page.
    assert re.search(r"About this book on page vii\b", book_text)


# --- every PDF link lands where its target is printed ----------------------------------------


def expected_at(book, dest: str) -> tuple[str, str]:
    """What a reader sees at a destination (a heading, a caption's number) and what it is."""
    chapters = {c.key: c for c in book.chapters}
    if dest in chapters:
        return chapters[dest].title, "chapter"
    parts = {p.key: p for p in book.parts}
    if dest in parts:
        return parts[dest].title, "part"
    fixed = {"contents": "Contents", "list-of-figures": "List of Figures", "list-of-tables": "List of Tables"}
    if dest in fixed:
        return fixed[dest], "front"
    chapter_key, _, element_id = dest.partition("--")
    chapter = chapters[chapter_key]
    el = chapter.body.xpath(".//*[@id=$id]", id=element_id)[0]
    if el.tag == "h1":
        return chapter.title, "chapter"
    if el.tag in ("h2", "h3", "h4", "h5", "h6"):
        return squash(el.text_content()), "section"  # "1.1 A Section", as printed
    classes = el.get("class", "").split()
    if "reference" in classes:  # issue 7: a References entry starts with its first author
        return squash(el.text_content()).split()[0], "reference"
    if "equation" in classes:  # issue 7: a display equation prints its number beside it
        return squash(el.find("span").text), "equation"
    caption = el.find("figcaption" if el.tag == "figure" else "caption")
    kind = "figure" if el.tag == "figure" and "listing" not in el.get("class", "") else "caption-first"
    return squash(caption.find("span").text) + ":", kind  # "Figure 1.1:" starts the caption


def assert_every_link_lands_on_its_target(pdf: Pdf, book) -> set[str]:
    """Every link annotation's destination is the page, and the place on it, where its
    target is printed. Returns the destinations reached."""
    front_lists = {pdf.dests[name][0] for name in ("contents", "list-of-figures", "list-of-tables") if name in pdf.dests}
    landed = set()
    for page, dest, _ in pdf.links():
        assert dest in pdf.dests, f"page {page + 1}: link to #{dest}, which the PDF does not define"
        if "--idx-" in dest:
            continue  # index marks: test_index.py checks their pages, allowing for hyphenated words
        target_page, dest_top = pdf.dests[dest]
        text, kind = expected_at(book, dest)
        assert text in pdf.texts[target_page], f"#{dest} lands on page {target_page + 1}, which does not print {text!r}"
        if "--" in dest:
            # The destination is the target itself, not another line of that page.
            assert target_page not in front_lists
            top = pdf.top_of(target_page, text)
            assert top is not None, (dest, text)
            distance = top - (pdf.height - dest_top)
            # A figure's caption is under its image; a chapter's title under its "Chapter 1" line.
            limit = {"figure": 400, "chapter": 40}.get(kind, 20)
            assert 0 <= distance <= limit, f"#{dest} lands {distance:.0f}pt from {text!r}"
        landed.add(dest)
    return landed


def referenced(book) -> set[str]:
    return {f"{a.get('data-chapter')}--{a.get('data-id')}" for chapter in book.chapters
            for a in chapter.body.iter("a") if "xref" in a.get("class", "").split()}


def test_every_pdf_link_lands_on_the_page_printing_its_target(pdf, built):
    landed = assert_every_link_lands_on_its_target(pdf, built.book)
    assert referenced(built.book) <= landed
    assert {"03-third--tbl-far", "90-appendix--lst-check", "00-preface--sec-preface-about"} <= landed


def test_the_link_inside_a_pdf_footnote_works(pdf):
    page = next(i for i, text in enumerate(pdf.texts) if "1. The note cites Table 3.1 in another chapter." in text)
    note_top = pdf.top_of(page, "1. The note cites")
    in_note = [dest for index, dest, rect in pdf.links()
               if index == page and pdf.height - rect[3] >= note_top - 2]
    assert in_note == ["03-third--tbl-far"]


# --- lists of figures and tables ---------------------------------------------------------------


def test_pdf_lists_follow_the_contents_with_page_numbers(pdf):
    contents, figures, tables = (pdf.dests[n][0] for n in ("contents", "list-of-figures", "list-of-tables"))
    first_chapter = pdf.dests["00-preface"][0]
    assert contents < figures < tables < first_chapter
    assert re.search(rf"List of Figures[ .]*{pdf.folios[figures]}\b", pdf.texts[contents])
    assert re.search(rf"List of Tables[ .]*{pdf.folios[tables]}\b", pdf.texts[contents])
    assert pdf.folios[figures] == "v" and pdf.folios[tables] == "vi"  # on a screen, each on the next page
    expected = {
        figures: [("1.1 A loop of small promises", "01-first--fig-loop")],
        tables: [("1.1 Where things are", "01-first--tbl-near"), ("3.1 Far measures", "03-third--tbl-far"),
                 ("A.1 Appendix steps", "90-appendix--tbl-steps")],
    }
    for page, entries in expected.items():
        for entry, dest in entries:
            folio = pdf.folios[pdf.dests[dest][0]]
            assert re.search(re.escape(entry) + rf"[ .]*{folio}\b", pdf.texts[page]), (entry, folio, pdf.texts[page])
        assert [d for index, d, _ in pdf.links() if index == page] and \
            {d for index, d, _ in pdf.links() if index == page} == {dest for _, dest in entries}


def test_epub_lists_are_linked_pages_after_the_contents(epub):
    spine = epub.spine_paths()
    assert spine.index("EPUB/lists.xhtml") == spine.index("EPUB/nav.xhtml") + 1
    doc = epub.documents["EPUB/lists.xhtml"]
    lists = {nav.get("{http://www.idpf.org/2007/ops}type"): [(squash(a.text), a.get("href")) for a in nav.iter(f"{XHTML}a")]
             for nav in doc.iter(f"{XHTML}nav")}
    assert lists == {
        "loi": [("1.1 A loop of small promises", "01-first.xhtml#fig-loop")],
        "lot": [("1.1 Where things are", "01-first.xhtml#tbl-near"), ("3.1 Far measures", "03-third.xhtml#tbl-far"),
                ("A.1 Appendix steps", "90-appendix.xhtml#tbl-steps")],
    }
    toc = epub.documents["EPUB/nav.xhtml"].xpath("//x:nav[@id='toc']/x:ol/x:li/x:a", namespaces={"x": XHTML[1:-1]})
    assert [(a.text, a.get("href")) for a in toc[:3]] == [
        ("List of Figures", "lists.xhtml#list-of-figures"),
        ("List of Tables", "lists.xhtml#list-of-tables"),
        ("Preface", "00-preface.xhtml"),
    ]


# --- words, languages and numbering depth (resolve only: nothing is written) ------------------


def small_book(folder: Path, toml: str, chapters: dict[str, str]) -> Path:
    """A book of `chapters` whose [book] table holds a title, an author and `toml`."""
    return make_book(folder, chapters, '[book]\ntitle = "T"\nauthors = ["A"]\n' + toml)


SMALL_BOOK = {
    "01-one.md": "# One {#sec-one}\n\n## Part {#sec-part}\n\n### Deep {#sec-deep}\n\n"
                 "## Summary {#sec-summary .unnumbered}\n\n"
                 "![Loop](loop.svg){#fig-loop}\n\n| a |\n|---|\n| b |\n\n: Cap {#tbl-t}\n\n"
                 "```{#lst-l lst-cap=\"Code\"}\nx\n```\n",
    "02-two.md": "# Two\n\n@sec-one @sec-part @sec-deep @sec-summary @fig-loop [@tbl-t, page] @lst-l [@sec-app, page]\n",
    "03-app.md": "---\nrole: appendix\n---\n\n# App {#sec-app}\n",
}


def resolved_texts(root: Path) -> dict[str, str]:
    diags = Diagnostics(root=root)
    (root / "loop.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    book = prepare_book(root, diags)
    assert not diags.items
    chapter = next(c for c in book.chapters if c.key == "02-two")
    texts = {}
    for a in chapter.body.iter("a"):
        texts[a.get("data-ref")] = a.text + (" " + a.get("data-page-words") if a.get("data-page-words") else "")
    return texts


@pytest.mark.parametrize("language, expected", [
    ("en", ["Chapter 1", "Section 1.1", "Figure 1.1", "Table 1.1 on page", "Listing 1.1", "Appendix A on page"]),
    ("fr", ["Chapitre 1", "Section 1.1", "Figure 1.1", "Tableau 1.1 à la page", "Listing 1.1", "Annexe A à la page"]),
    ("de", ["Kapitel 1", "Abschnitt 1.1", "Abbildung 1.1", "Tabelle 1.1 auf Seite", "Listing 1.1", "Anhang A auf Seite"]),
    ("es", ["Capítulo 1", "Sección 1.1", "Figura 1.1", "Tabla 1.1 en la página", "Listado 1.1", "Apéndice A en la página"]),
])
def test_words_follow_the_book_language(tmp_path, language, expected):
    root = small_book(tmp_path / language, f'language = "{language}-XX"\n', SMALL_BOOK)
    texts = resolved_texts(root)
    got = [texts[k].replace(NBSP, " ") for k in ("sec-one", "sec-part", "fig-loop", "tbl-t", "lst-l", "sec-app")]
    assert got == expected
    assert texts["sec-summary"] == "Summary"  # an unnumbered section reads as its title


def test_words_can_be_overridden_in_book_toml(tmp_path):
    toml = 'language = "en"\n\n[words]\nchapter = "Chap."\nfigure = "Fig."\nappendix = "App."\non_page = "p."\n'
    root = small_book(tmp_path / "words", toml, SMALL_BOOK)
    texts = resolved_texts(root)
    assert texts["sec-one"] == "Chap.\u00a01"
    assert texts["fig-loop"] == "Fig.\u00a01.1"
    assert texts["tbl-t"] == "Table\u00a01.1 p."
    assert texts["sec-app"] == "App.\u00a0A p."
    diags = Diagnostics(root=root)
    book = prepare_book(root, diags)
    caption = book.chapters[0].body.find(".//figcaption/span")
    assert caption.text == "Fig. 1.1"  # the caption prints the same word as the reference


@pytest.mark.parametrize("depth, part, deep", [(1, "Part", "Deep"), (2, "Section 1.1", "Deep"), (3, "Section 1.1", "Section 1.1.1")])
def test_numbering_depth_decides_which_sections_have_numbers(tmp_path, depth, part, deep):
    root = small_book(tmp_path / f"d{depth}", f'language = "en"\n\n[numbering]\ndepth = {depth}\n', SMALL_BOOK)
    texts = resolved_texts(root)
    assert (texts["sec-part"].replace(NBSP, " "), texts["sec-deep"].replace(NBSP, " ")) == (part, deep)
    assert texts["sec-one"] == "Chapter\u00a01"


# --- errors ---------------------------------------------------------------------------------

ERRORS = """\
01-start.md:5:21: error: unknown reference @fig-lop; did you mean @fig-loop (defined at 01-start.md:3)?
01-start.md:7:17: error: unknown reference @fig-lop; did you mean @fig-loop (defined at 01-start.md:3)?
01-start.md:7:41: error: unknown reference @fig-lop; did you mean @fig-loop (defined at 01-start.md:3)?
01-start.md:9:12: error: unknown reference @sec-trust-repair; did you mean @sec-trust (defined at 05-relationships.md:9)?
01-start.md:9:46: error: unknown reference @tbl-nothing-like-this
01-start.md:13:23: error: @trust names the label #trust (defined at 01-start.md:11), which has no sec-, fig-, tbl-, lst- or eq- prefix
  hint: rename it #sec-trust and write @sec-trust; @key without one of those prefixes is reserved for citations
01-start.md:17:17: error: label #sec-twice is defined twice; first at 01-start.md:15
  hint: labels must be unique in the whole book
01-start.md:23:10: error: unknown reference @sec-relationshps; did you mean @sec-relationships (defined at 05-relationships.md:1)?
01-start.md:27:16: error: label #fig-wrong is on a heading, but fig- labels name figures
  hint: rename it #sec-wrong
01-start.md:29:21: error: link to '07-missing.md', which is not a chapter of this book
  hint: link to a chapter file listed in book.toml
01-start.md:29:57: error: '05-relationships.md' has no '#sec-trusst'
  hint: did you mean #sec-trust?
01-start.md:30:27: error: link to '07-missing.md', which is not a chapter of this book
  hint: link to a chapter file listed in book.toml
01-start.md:30:70: error: this chapter has no '#sec-trust'
  hint: #sec-trust is in 05-relationships.md: link to 05-relationships.md#sec-trust, or write @sec-trust
01-start.md:32:29: error: unknown reference @sec-trst; did you mean @sec-trust (defined at 05-relationships.md:9)?
05-relationships.md:13:12: error: label #sec-start is defined twice; first at 01-start.md:1
  hint: labels must be unique in the whole book
05-relationships.md:14:32: error: unknown reference @sec-trst; did you mean @sec-trust (defined at 05-relationships.md:9)?"""


def reference_diagnostics(diags) -> str:
    # `@trust` is also a citation without a bibliography: the citations' own report, not ours.
    return "\n".join(d.format() for d in diags.sorted() if not d.message.startswith("citation @"))


def test_every_reference_problem_is_reported_at_its_source_in_one_run(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "broken-references.epub").write_bytes(b"the previous build")
    result = build_book("xref-errors", out)
    assert reference_diagnostics(result.diagnostics) == ERRORS
    assert result.outputs == []
    assert [p.name for p in out.iterdir()] == ["broken-references.epub"]
    assert (out / "broken-references.epub").read_bytes() == b"the previous build"


def test_the_command_exits_1_and_prints_the_diagnostics(tmp_path, capsys):
    status = cli_main(["build", str(BOOKS / "xref-errors"), "--out", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert status == 1
    assert ("05-relationships.md:14:32: error: unknown reference @sec-trst; did you mean @sec-trust "
            "(defined at 05-relationships.md:9)?") in err.splitlines()
    assert re.search(r"\n1[67] error\(s\), 0 warning\(s\)$", err.rstrip())
    assert not (tmp_path / "dist").exists()


def check(root: Path) -> str:
    diags = Diagnostics(root=root)
    with pytest.raises(BookError):
        prepare_book(root, diags)
    return reference_diagnostics(diags)


def test_misplaced_and_reserved_labels(tmp_path):
    root = small_book(tmp_path / "labels", 'language = "en"\n', {
        "01-a.md": "# A\n\nA paragraph.\n{: #sec-para }\n\nAn ![inline](x.svg){#fig-inline} image.\n\n"
                   "## Equation {#eq-one}\n\n## Loop {#loop}\n\nSee @loop, but not `@loop` or a\\@loop or me@loop.\n",
    })
    (root / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    assert check(root) == """\
01-a.md:4:4: error: label #sec-para is on a paragraph, but sec- labels name headings
  hint: labels go on headings, figures, tables, listings and display equations
01-a.md:6:21: error: label #fig-inline is on an image inside a paragraph, but fig- labels name figures
  hint: a figure is an image alone in its paragraph, with its caption as the image text
01-a.md:8:14: error: label #eq-one is on a heading, but eq- labels name equations
  hint: rename it #sec-one
01-a.md:12:5: error: @loop names the label #loop (defined at 01-a.md:10), which has no sec-, fig-, tbl-, lst- or eq- prefix
  hint: rename it #sec-loop and write @sec-loop; @key without one of those prefixes is reserved for citations"""


def test_an_at_key_without_a_matching_id_is_left_for_citations(tmp_path):
    root = small_book(tmp_path / "cite", 'language = "en"\n', {"01-a.md": "# A\n\n## Trust\n\nAs @trust argued.\n"})
    # "## Trust" has the id "trust", but the author never wrote {#trust}: @trust is a citation.
    diags = Diagnostics(root=root)
    try:
        prepare_book(root, diags)
    except BookError:
        pass
    assert reference_diagnostics(diags) == ""


def test_words_and_lists_options_are_checked_with_their_lines(tmp_path):
    toml = ('language = "en"\n\n[words]\nfigure = "Fig."\nchapter = " "\ntabel = "Tab."\nsection = 3\n\n'
            '[lists]\nfigures = "yes"\ntables = true\n\n[list]\nfigures = true\n')
    root = small_book(tmp_path / "config", toml, {"01-a.md": "# A\n"})
    lines = check(root).splitlines()
    assert [line for line in lines if not line.startswith("  hint:")] == [
        "book.toml:8:1: error: [words] chapter is empty",
        "book.toml:9:1: error: unknown key 'tabel' in [words]",
        "book.toml:10:1: error: 'words.section' must be a string, not int",
        "book.toml:13:1: error: 'lists.figures' must be true or false, not str",
        "book.toml:16:1: error: unknown table or key 'list'",
    ]
    assert lines[1] == "  hint: leave the key out to use the book language's word"
    assert lines[3].startswith("  hint: known keys: chapter, section, figure, table, listing,")
    assert "[words], [lists]" in lines[-1]


# --- the sample book ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_build, sample_outputs):
    return sample_build.book, Epub(sample_outputs["epub"]), Pdf(sample_outputs["pdf"])


def test_sample_book_builds_without_warnings(sample_build):
    assert sample_build.diagnostics.items == [], diagnostics_text(sample_build)


def test_sample_references_print_the_same_in_both_editions(sample):
    book, epub, pdf = sample
    text = " ".join(pdf.texts)
    kinds = set()
    for _, doc in chapter_docs(epub):
        for a in xrefs(doc):
            printed = re.escape(squash(a.text)).replace(r"\ ", r"\s")
            assert re.search(printed, text), f"the PDF never prints {a.text!r}"
            kinds.add((a.get("data-ref").split("-")[0], a.get("data-form"), bool(a.get("data-prefixed"))))
    # The sample uses every kind and form: sections, figures, tables, listings, equations
    # (issue 7's Little's law); the number alone, a custom prefix and page references.
    assert {k for k, _, _ in kinds} == {"sec", "fig", "tbl", "lst", "eq"}
    assert {f for _, f, _ in kinds} == {"full", "number", "page"}
    assert any(prefix for _, _, prefix in kinds)


def test_sample_page_references_print_their_targets_pages(sample):
    book, epub, pdf = sample
    text = " ".join(pdf.texts)
    count = 0
    for _, doc in chapter_docs(epub):
        for a in xrefs(doc):
            if not a.get("data-page-words"):
                continue
            label = a.get("href").partition("#")[2]
            page, _ = pdf.dests[f"{book.targets[label].chapter}--{label}"]
            printed = re.escape(squash(a.text)).replace(r"\ ", r"\s") + r"\son\spage\s(\w+)"
            folios = re.findall(printed, text)
            assert folios and set(folios) == {pdf.folios[page]}, (a.text, folios, pdf.folios[page])
            count += 1
    assert count >= 3


def test_sample_links_land_on_their_targets(sample):
    book, epub, pdf = sample
    assert assert_every_href_opens_its_target(epub) > 100
    landed = assert_every_link_lands_on_its_target(pdf, book)
    assert referenced(book) <= landed
    assert {"list-of-figures", "list-of-tables"} <= landed
    entries = [squash(a.text) for a in epub.documents["EPUB/lists.xhtml"].iter(f"{XHTML}a")]
    # A caption's full stop is not repeated in its list, where leader dots follow it in print.
    assert entries[0] == ("1.1 The trust loop: a small promise is kept, the keeping is noticed, "
                          "and the noticing earns room for a slightly larger promise")
    assert len(entries) == 5
