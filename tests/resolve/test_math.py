"""Math: `$...$` and `$$...$$` in LaTeX notation → MathML in the EPUB, SVG in the PDF."""

from __future__ import annotations

import base64

import pytest
from lxml import etree, html

from support import BOOKS, build_book, diagnostics_text, epubcheck
from support.apparatus import built_book, normalise
from support.readback import X, Epub, text_of, web_pages

from bookwright.diagnostics import Diagnostics
from bookwright.resolve.apparatus.formulas import FormulaError, tex_to_mathml
from bookwright.build.pipeline import prepare_book
from bookwright.parse.syntax import make_markdown
from bookwright.writers.pdf.document import PdfDocument

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def maths(markdown: str) -> list[tuple[str, str]]:
    body = html.fragment_fromstring(make_markdown("en").convert(markdown), create_parent="div")
    return [(el.get("data-display"), el.text) for el in body.xpath(".//span[@class='math']")]


@pytest.mark.parametrize("source, found", [
    ("It costs $5 and $10.", []),
    ("From $5 to $x$.", [("inline", "x")]),  # "$5 to $" is no formula: a space before the closing $
    ("Escaped \\$3 and $a$.", [("inline", "a")]),
    ("A $x_1 + y^2$ and $$\\frac{a}{b}$$ here.", [("inline", "x_1 + y^2"), ("block", "\\frac{a}{b}")]),
    ("Not $ x$ nor $x $.", []),
    ("Code `$x$` stays code.", []),
    ("Pay $20 for $2$ items.", [("inline", "2")]),
])
def test_dollar_signs_follow_pandocs_rules(source, found):
    assert maths(source) == found


def test_a_display_paragraph_is_an_equation_block_with_its_label():
    body = html.fragment_fromstring(make_markdown("en").convert("$$ L = \\lambda W $$ {#eq-little}"),
                                    create_parent="div")
    [div] = body.findall("div")
    assert (div.get("class"), div.get("id")) == ("equation", "eq-little")
    assert div.find("span").get("data-display") == "block" and div.find("span").text == "L = \\lambda W"


def test_tex_becomes_mathml_with_its_source_as_alttext():
    root = etree.fromstring(tex_to_mathml("\\frac{L}{\\lambda}", True))
    assert root.tag == MATHML + "math" and root.get("display") == "block"
    assert root.get("alttext") == "\\frac{L}{\\lambda}"
    assert root.find(f".//{MATHML}mfrac") is not None


@pytest.mark.parametrize("tex, problem", [
    ("x^{2", "a '{' is never closed"),
    ("x}", "a '}' closes no '{'"),
    ("\\foo + 1", "unknown command \\foo"),
    ("\\frac{a}", "a fraction needs a numerator and a denominator"),
    ("x^", "missing super script or subscript"),
    ("\\sqrt", "no available tokens"),
])
def test_malformed_formulas_are_explained(tex, problem):
    with pytest.raises(FormulaError) as caught:
        tex_to_mathml(tex, False)
    assert str(caught.value) == problem


@pytest.fixture(scope="module")
def counted(shared_builds):
    yield from built_book("scholarly-math", shared_builds)


def test_epub_shows_mathml_numbered_and_referenced(counted):
    _, epub, _ = counted
    doc = epub.documents["EPUB/02-flow.xhtml"]
    formulas = doc.findall(f".//{MATHML}math")
    assert len(formulas) == 7  # L, λ, W, two labelled, one unlabelled, the note's
    assert all(f.get("alttext") for f in formulas)
    equations = doc.findall(".//x:div[@class='equation']", X)
    assert [e.get("id") for e in equations] == ["eq-little", "eq-wait", None]
    assert [text_of(e.find("x:span[@class='equation-number']", X)) for e in equations[:2]] == ["(2.1)", "(2.2)"]
    assert equations[2].find("x:span[@class='equation-number']", X) is None
    chapter = text_of(doc)
    assert "Equation 2.1 can be turned around, as in Eq. 2.1" in chapter.replace("\u00a0", " ")
    [xref] = [a for a in doc.iterfind(".//x:a[@class='xref']", X) if text_of(a).startswith("Equation")]
    assert xref.get("href") == "#eq-little"
    note = doc.find(".//x:aside", X)
    assert note.find(f".//{MATHML}math") is not None


def test_epub_declares_mathml_only_where_it_is(counted):
    outputs, epub, _ = counted
    properties = epub.manifest_properties()
    assert "mathml" in properties["EPUB/02-flow.xhtml"]
    assert "mathml" not in properties["EPUB/01-words.xhtml"]
    words = text_of(epub.documents["EPUB/01-words.xhtml"])
    assert "costs $5 and a lunch $10, and $3 is" in words and "$x$" in words
    assert epubcheck(outputs["epub"]) == []


def test_pdf_draws_the_same_formulas_as_svg_with_a_text_alternative():
    book = prepare_book(BOOKS / "scholarly-math", Diagnostics())
    document = html.document_fromstring(PdfDocument(book).html_document())
    images = document.xpath("//img[@class='math-image']")
    assert len(images) == 7
    little = next(img for img in images if img.get("alt") == "L = \\lambda W")
    svg = etree.fromstring(base64.b64decode(little.get("src").split(",", 1)[1]))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.findall(".//{http://www.w3.org/2000/svg}path")
    assert "em" in little.get("style") and document.xpath("//math") == []


def test_pdf_prints_equation_numbers_and_the_formulas_ink(counted):
    _, _, pdf = counted
    [flow] = [n for n in range(len(pdf.texts)) if "Flow" in pdf.texts[n] and "(2.1)" in pdf.texts[n]]
    page = normalise(pdf.texts[flow])
    assert "(2.2)" in page and "Equation 2.1 can be turned around" in page.replace("\u00a0", " ")
    [words_page] = [n for n in range(len(pdf.texts)) if "has no formula" in pdf.texts[n]]
    assert pdf.curves(flow) > pdf.curves(words_page) + 20  # glyph outlines of the SVG formulas


def test_malformed_formulas_fail_the_build_at_their_line(tmp_path):
    messages = diagnostics_text(build_book("scholarly-errors", tmp_path, formats=()))
    assert "01-broken.md:8:12: error: malformed formula $x^{2$: a '{' is never closed" in messages
    assert "01-broken.md:8:42: error: malformed formula $\\foo + 1$: unknown command \\foo" in messages


def test_the_sample_book_has_a_labelled_equation(sample_outputs):
    epub = Epub(sample_outputs["epub"])
    equations = [div for doc in epub.documents.values() for div in doc.iterfind(".//x:div[@class='equation']", X)]
    assert any(div.get("id", "").startswith("eq-") for div in equations)
    assert any(text_of(a).startswith("Equation") for doc in epub.documents.values()
               for a in doc.iterfind(".//x:a[@class='xref']", X))


def test_the_sample_web_edition_shows_mathml(sample_outputs):
    pages = web_pages(sample_outputs["web"])
    formulas = [m for page in pages.values() for m in page.xpath("//*[local-name()='math']")]
    assert any(m.get("alttext") == "L = \\lambda W" and m.get("display") == "block" for m in formulas)
