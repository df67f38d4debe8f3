"""The accessible EPUB (issue 6): what a reader with assistive technology gets, read back
from the files: package metadata, roles, languages, the print page list, and the gate.

Builds: the `a11y-book` fixture once with its print (KDP) interior, so its page list
follows the printed pages; the sample book once through the full gate (EPUBCheck and
Ace by DAISY), which is skipped where Java, Node or Chromium is missing.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from bookwright.writers.epub import gate as a11y_gate
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.build.pipeline import build, prepare_book
from support import BOOKS, SAMPLE, build_book, copy_book, epubcheck
from support.readback import EPUB_TYPE, OPF, X, XHTML, XML_LANG, Epub, text_of


def bottom_words(pdf_page) -> list[str]:
    """The words in the bottom tenth of a PDF page: where the folio is printed."""
    return [w["text"] for w in pdf_page.extract_words() if w["top"] > pdf_page.height * 0.9]


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


# --- builds shared by the module -----------------------------------------------------------


@pytest.fixture(scope="module")
def book_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y-book")
    result = build_book("a11y-book", out, formats=("epub", "print-kdp"))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    outputs = {o.format: o.path for o in result.outputs}
    return Epub(outputs["epub"]), outputs["print-kdp"], result


@pytest.fixture(scope="module")
def epub(book_build) -> Epub:
    return book_build[0]


@pytest.fixture(scope="module")
def gated_sample(tmp_path_factory):
    """The sample book with its PDF, through the whole gate: the 'done when' of the issue."""
    tools = a11y_gate.find_tools()
    if not tools.complete:
        pytest.skip(f"the gate's tools are missing here: {', '.join(tools.missing())}")
    out = tmp_path_factory.mktemp("gated-sample")
    result = build(SAMPLE, out, ("epub", "pdf"), gate=True)
    return result, {o.format: o for o in result.outputs}


# --- author input --------------------------------------------------------------------------


def test_author_problems_are_reported_at_their_source_lines():
    diags = Diagnostics(root=(BOOKS / "a11y-errors").resolve())
    with pytest.raises(BookError):
        prepare_book(BOOKS / "a11y-errors", diags)
    text = "\n".join(d.format() for d in diags.sorted())
    assert "01-only.md:5:5: error: image 'lamp.svg' has no alt text" in text
    assert "{.decorative}" in text  # the hint shows the way out
    assert "01-only.md:7:1: warning: heading 'A jump from one to three' jumps from # to ###" in text
    assert "01-only.md:9:25: error: 'german' is not a language tag" in text
    assert "01-only.md:13:1: warning: table has no caption" in text
    # The decorative image on line 11 is not reported, though it has no alt text either.
    assert len(diags.errors) == 2


def test_summary_and_certifier_come_from_book_toml(tmp_path):
    book = copy_book("a11y-book", tmp_path)
    toml = book / "book.toml"
    toml.write_text(toml.read_text() + '\n[epub]\naccessibility-summary = "Read aloud well."\ncertified-by = "Ada Audit"\n')
    result = build(book, tmp_path / "out", ("epub",))
    doc = Epub(result.outputs[0].path)
    assert doc.meta("schema:accessibilitySummary") == ["Read aloud well."]
    assert result.book.config.accessibility.certified_by == "Ada Audit"


def test_a_wrong_print_isbn_is_an_error_at_its_line(tmp_path):
    book = copy_book("a11y-book", tmp_path)
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace("978-0-306-40615-7", "978-0-306-40615-8"))
    diags = Diagnostics(root=book)
    with pytest.raises(BookError):
        prepare_book(book, diags)
    line = next(n for n, l in enumerate(toml.read_text().splitlines(), 1) if l.startswith("isbn"))
    assert any(d.line == line and "not a valid ISBN" in d.message for d in diags.errors)


# --- documents -----------------------------------------------------------------------------


def test_fixture_epub_passes_epubcheck(epub):
    assert epubcheck(epub.path) == []


def test_every_document_has_a_language_and_a_title(epub):
    for name, doc in epub.documents.items():
        assert doc.get("lang") == "en" and doc.get(XML_LANG) == "en", name
        assert text_of(doc.find(f"{XHTML}head/{XHTML}title")), name
    assert epub.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert epub.opf.get("dir") == "ltr"


def test_sections_carry_epub_type_and_the_matching_role(epub):
    def section(name):
        return epub.documents[f"EPUB/{name}"].find(f".//{XHTML}section")

    assert (section("00-preface.xhtml").get(EPUB_TYPE), section("00-preface.xhtml").get("role")) == ("preface", "doc-preface")
    assert (section("part-1.xhtml").get(EPUB_TYPE), section("part-1.xhtml").get("role")) == ("part", "doc-part")
    assert (section("01-wicks.xhtml").get(EPUB_TYPE), section("01-wicks.xhtml").get("role")) == ("chapter", "doc-chapter")
    assert (section("90-appendix.xhtml").get(EPUB_TYPE), section("90-appendix.xhtml").get("role")) == ("appendix", "doc-appendix")
    wicks = epub.documents["EPUB/01-wicks.xhtml"]
    note = wicks.find(f".//{XHTML}aside")
    assert (note.get(EPUB_TYPE), note.get("role")) == ("footnote", "doc-footnote")
    call = wicks.xpath("//x:a[@role='doc-noteref']", namespaces=X)[0]
    assert call.get(EPUB_TYPE) == "noteref" and call.get("href") == f"#{note.get('id')}"
    assert note.xpath(".//x:a[@role='doc-backlink']/@href", namespaces=X) == [f"#{call.get('id')}"]
    nav = epub.documents["EPUB/nav.xhtml"]
    assert nav.xpath("//x:nav[@epub:type='toc']/@role", namespaces=X) == ["doc-toc"]
    assert nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=X)


def test_headings_step_down_one_level_at_a_time(epub):
    for name, doc in epub.documents.items():
        levels = [int(etree.QName(h).localname[1]) for h in doc.iter() if isinstance(h.tag, str)
                  and re.fullmatch(r"h[1-6]", etree.QName(h).localname)]
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (name, levels)


def test_images_are_described_or_presentational(epub):
    images = [img for doc in epub.documents.values() for img in doc.iter(f"{XHTML}img")]
    decorative = [img for img in images if "decorative" in (img.get("class") or "")]
    assert len(decorative) == 1
    assert decorative[0].get("alt") == "" and decorative[0].get("role") == "presentation"
    for img in images:
        if img not in decorative:
            assert img.get("alt", "").strip(), etree.tostring(img)
    figure = epub.documents["EPUB/01-wicks.xhtml"].find(f".//{XHTML}figure")
    assert "Figure 1.1" in text_of(figure.find(f"{XHTML}figcaption"))
    assert figure.find(f"{XHTML}img").get("alt").startswith("A flame above a dark oil reservoir")


def test_tables_have_scoped_header_cells_and_a_caption(epub):
    table = epub.documents["EPUB/02-glass.xhtml"].find(f".//{XHTML}table")
    assert text_of(table.find(f"{XHTML}caption")).endswith("How long one filling lasts")
    headers = table.findall(f".//{XHTML}thead//{XHTML}th")
    assert [text_of(th) for th in headers] == ["Lamp", "Fuel", "Hours of light"]
    assert {th.get("scope") for th in headers} == {"col"}


def test_a_language_change_is_marked_for_text_to_speech(epub):
    spans = epub.documents["EPUB/01-wicks.xhtml"].xpath("//x:span[@lang='de']", namespaces=X)
    assert [text_of(s) for s in spans] == ["Lampenkunde"]
    assert spans[0].get(XML_LANG) == "de"


def test_stylesheet_leaves_colours_and_text_size_to_the_reader(epub):
    import tinycss2

    css = epub.files["EPUB/styles/book.css"].decode("utf-8")
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
            if d.type != "declaration":
                continue
            value = tinycss2.serialize(d.value).strip().lower()
            if d.lower_name in ("color", "background", "background-color"):
                assert value in ("inherit", "transparent", "currentcolor", "none"), (selector, d.name, value)
            if re.fullmatch(r"(html|body)", selector):
                assert d.lower_name != "font-size", selector


def test_every_file_is_in_the_manifest(epub):
    hrefs = {"EPUB/" + item.get("href") for item in epub.opf.iter(f"{OPF}item")}
    files = {n for n in epub.files if n.startswith("EPUB/") and not n.endswith("content.opf")}
    assert files == hrefs


def test_manifest_properties_follow_what_a_document_holds():
    from bookwright.writers.epub.a11y import EpubAccessibility

    book = prepare_book(BOOKS / "a11y-book", Diagnostics())
    doc = (b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head><title>t</title></head>'
           b'<body><p>x</p><svg xmlns="http://www.w3.org/2000/svg"><title>mark</title></svg></body></html>')
    _, properties = EpubAccessibility(book, None, False).finish("c-x", doc)
    assert properties == ["svg"]
    _, properties = EpubAccessibility(book, None, False).finish("c-x", doc.replace(b"<svg", b"<div").replace(b"</svg>", b"</div>"))
    assert properties == []


# --- package metadata ----------------------------------------------------------------------


def test_accessibility_metadata_describes_what_the_book_holds(epub):
    assert epub.meta("schema:accessMode") == ["textual", "visual"]
    assert epub.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert epub.meta("schema:accessibilityFeature") == [
        "structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
        "printPageNumbers", "pageBreakMarkers", "pageNavigation", "displayTransformability"]
    assert epub.meta("schema:accessibilityHazard") == ["none"]
    summary = epub.meta("schema:accessibilitySummary")[0]
    for fact in ("1 figure", "1 table with header cells and captions", "2 notes", "(de)",
                 "print edition (ISBN 9780306406157)", "Every image has a text description"):
        assert fact in summary, (fact, summary)
    # Built without the gate: no one checked it, so it claims nothing.
    assert epub.meta("dcterms:conformsTo") == [] and epub.meta("a11y:certifiedBy") == []
    creators = epub.dc("creator")
    assert len({c.get("id") for c in creators}) == len(creators) == 2


def test_page_source_is_the_print_isbn(epub):
    sources = epub.dc("source")
    assert [s.text for s in sources] == ["urn:isbn:9780306406157"]
    refines = [m for m in epub.opf.iter(f"{OPF}meta") if m.get("refines") == f"#{sources[0].get('id')}"]
    assert [(m.get("property"), m.text) for m in refines] == [("source-of", "pagination")]


# --- the page list -------------------------------------------------------------------------


def test_page_list_has_every_page_of_the_print_pdf_with_its_folio(book_build):
    epub, pdf_path, _ = book_build
    import pdfplumber

    pages = epub.page_list()
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pages) == len(pdf.pages)
        printed = 0
        for (label, href), page in zip(pages, pdf.pages):
            marker = epub.element_at(href)
            assert marker is not None and marker.get(EPUB_TYPE) == "pagebreak", href
            assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == label
            folio = [w for w in bottom_words(page) if re.fullmatch(r"\d+|[ivxlc]+", w)]
            if folio:
                printed += 1
                assert folio == [label], (href, folio)
    assert printed >= len(pages) // 2  # most pages print their folio; blank and opening pages do not
    labels = [label for label, _ in pages]
    assert labels[:3] == ["i", "ii", "iii"] and "1" in labels
    assert len(set(labels)) == len(labels)
    assert len(epub.page_breaks()) == len(pages)


def test_page_markers_sit_where_the_pages_begin(book_build):
    """The words that follow a page marker in the EPUB are printed on that page of the PDF."""
    epub, pdf_path, _ = book_build
    import pdfplumber

    checked = 0
    with pdfplumber.open(pdf_path) as pdf:
        for (label, href), page in zip(epub.page_list(), pdf.pages):
            if href.split("#")[0] in ("EPUB/nav.xhtml", "EPUB/title.xhtml", "EPUB/copyright.xhtml"):
                continue  # generated pages: their markers stand at the top of the document
            marker = epub.element_at(href)
            following = "".join(marker.tail or "") if marker.tail and marker.tail.strip() else ""
            if not following:
                nxt = marker.getnext()
                following = text_of(nxt) if nxt is not None and not (nxt.get(EPUB_TYPE) == "pagebreak") else ""
            words = letters(following)[:24]
            if len(words) < 12:
                continue  # a blank page, or the end of a document
            assert words in letters(page.extract_text() or ""), (label, following[:60])
            checked += 1
    assert checked >= 8


def test_no_page_list_without_a_pdf_in_the_same_build(tmp_path):
    result = build_book("a11y-book", tmp_path, formats=("epub",))
    epub = Epub(result.outputs[0].path)
    assert epub.page_list() == [] and epub.page_breaks() == []
    assert "printPageNumbers" not in epub.meta("schema:accessibilityFeature")
    assert "pageNavigation" not in epub.meta("schema:accessibilityFeature")
    assert epub.dc("source") == []


def test_reading_the_layout_leaves_the_pdf_unchanged(tmp_path):
    from bookwright.editions import EDITIONS
    from bookwright.writers import BuildContext

    book = prepare_book(BOOKS / "a11y-book", Diagnostics())
    EDITIONS["pdf"].write(book, tmp_path / "plain.pdf", BuildContext(Diagnostics()))
    probed = BuildContext(Diagnostics(), layouts={})
    EDITIONS["pdf"].write(book, tmp_path / "probed.pdf", probed)
    assert (tmp_path / "plain.pdf").read_bytes() == (tmp_path / "probed.pdf").read_bytes()
    layout = probed.page_layout()
    assert layout is not None and len(layout.pages) > 10


# --- the gate ------------------------------------------------------------------------------


def test_gate_findings_point_at_the_chapter_and_line():
    book = prepare_book(BOOKS / "a11y-book", Diagnostics())
    from bookwright.writers.epub.package import EpubPackage

    files = EpubPackage(book).files
    result = a11y_gate.GateResult(
        findings=[a11y_gate.GateFinding("Ace", "error", "01-wicks.xhtml", "image-alt (critical): no alt",
                                    '<img xmlns="http://www.w3.org/1999/xhtml" src="media/images/lamp.svg"/>'),
                  a11y_gate.GateFinding("Ace", "warning", "02-glass.xhtml", "heading-order (moderate): order",
                                    "<p>A glass chimney steadies the flame by drawing air up past it.</p>"),
                  a11y_gate.GateFinding("EPUBCheck", "error", "content.opf", "OPF-096: not reachable")],
        ran=["EPUBCheck", "Ace"])
    diags = Diagnostics(root=(BOOKS / "a11y-book").resolve())
    a11y_gate.report_findings(result, book, files, diags)
    text = "\n".join(d.format() for d in diags.sorted())
    wicks = (BOOKS / "a11y-book" / "01-wicks.md").read_text().splitlines()
    line = next(n for n, l in enumerate(wicks, 1) if "(images/lamp.svg)" in l)
    assert f"01-wicks.md:{line}:" in text and "Ace: image-alt (critical)" in text
    assert "02-glass.md:3:1: warning: Ace: heading-order" in text
    assert "book.toml: error: EPUBCheck: OPF-096" in text


def _fake_gate(monkeypatch, findings):
    monkeypatch.setattr(a11y_gate, "find_tools", lambda: a11y_gate.GateTools("java", ["ace"], "chromium"))
    monkeypatch.setattr(a11y_gate, "run_gate",
                        lambda path, tools, *cache: a11y_gate.GateResult(findings=findings, ran=["EPUBCheck", "Ace"]))


def test_a_failing_gate_keeps_the_previous_epub(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "lamps-for-reading.epub"
    previous.write_bytes(b"the edition published yesterday")
    _fake_gate(monkeypatch, [a11y_gate.GateFinding("Ace", "error", "01-wicks.xhtml", "color-contrast (serious): low")])
    result = build(BOOKS / "a11y-book", out, ("epub",), gate=True)
    assert [d.message for d in result.diagnostics.errors] == ["Ace: color-contrast (serious): low"]
    assert result.outputs == []
    assert previous.read_bytes() == b"the edition published yesterday"


def test_claim_is_made_only_when_every_check_passes(tmp_path, monkeypatch):
    _fake_gate(monkeypatch, [])
    clean = build(BOOKS / "a11y-book", tmp_path / "clean", ("epub",), gate=True)
    epub = Epub(clean.outputs[0].path)
    assert epub.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert epub.meta("a11y:certifiedBy") == ["Quiet Margin Books"]
    _fake_gate(monkeypatch, [a11y_gate.GateFinding("Ace", "warning", "02-glass.xhtml", "region (moderate): x")])
    flagged = build(BOOKS / "a11y-book", tmp_path / "flagged", ("epub",), gate=True)
    assert [d.severity for d in flagged.diagnostics.items] == ["warning"]
    epub = Epub(flagged.outputs[0].path)
    assert epub.meta("dcterms:conformsTo") == [] and epub.meta("a11y:certifiedBy") == []
    assert "no conformance claim" in flagged.outputs[0].note


def test_sample_book_passes_epubcheck_and_ace_and_claims_conformance(gated_sample):
    result, outputs = gated_sample
    assert [d.format() for d in result.diagnostics.items] == []
    note = outputs["epub"].note
    assert "EPUBCheck and Ace: no problems" in note and "conformance claimed" in note
    epub = Epub(outputs["epub"].path)
    assert epub.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert epub.meta("a11y:certifiedBy") == ["Lantern Yard Press"]
    assert epub.meta("schema:accessibilitySummary")[0].startswith("This publication meets EPUB Accessibility 1.1")
    from pypdf import PdfReader

    assert len(epub.page_list()) == len(PdfReader(str(outputs["pdf"].path)).pages)
    french = epub.documents["EPUB/03-conflict.xhtml"].xpath("//x:span[@lang='fr']", namespaces=X)
    assert [text_of(s) for s in french] == ["la paresse du boulanger"] and french[0].get(XML_LANG) == "fr"


def test_the_page_list_waits_only_for_the_edition_it_follows():
    """The EPUB follows the KDP interior's pages as soon as they are known, while the screen
    PDF is still being laid out (build/concurrent_writes.py gives the KDP interior's units
    the workers first); it waits for a worse source only when the better one has no pages,
    and is abandoned when the one it would follow failed."""
    import threading

    from bookwright.writers import BuildContext, EditionAbandoned
    from bookwright.writers.pagelist import PageLayout, PageStart

    def context(kdp_pages: int) -> BuildContext:
        built = BuildContext(Diagnostics(), layouts={})
        built.awaited = {"pdf": threading.Event(), "print-kdp": threading.Event()}
        for source in ("pdf", "print-kdp"):
            built.layout_probe(source)
        built.layouts["print-kdp"].layout = PageLayout("print-kdp", [PageStart(n, str(n), None)
                                                                     for n in range(1, kdp_pages + 1)])
        return built

    ready = context(3)
    assert ready.page_source() == "print-kdp" and ready.page_layout_pending()
    ready.layout_known("print-kdp")
    assert not ready.page_layout_pending()
    assert ready.page_layout().source == "print-kdp"  # the screen PDF's event is still unset

    empty = context(0)
    empty.layout_known("print-kdp")
    waiting = threading.Thread(target=empty.page_layout)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()  # no KDP pages: it waits for the screen PDF
    empty.layout_known("pdf")
    waiting.join(5)
    assert not waiting.is_alive()

    failed = context(3)
    failed.failed.add("print-kdp")
    failed.layout_known("print-kdp")
    with pytest.raises(EditionAbandoned):
        failed.page_layout()
