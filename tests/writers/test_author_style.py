"""An author's own font files and stylesheet, read back from each edition: the PDF embeds
the author's face and shows the styled property, the EPUB and the site carry the files and
a browser computes the property; a rule the PDFs drop is a warning at its line in the
author's CSS; a body face without the italic the chapters use is an error."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from bookwright.paths import theme_dir
from support import build_book, chromium_browser, diagnostics_text, epubcheck
from support import copy_book

GARAMOND = theme_dir() / "fonts" / "eb-garamond"
CSS = """\
/* The author's own rules, after the theme's. */
h1 { text-transform: uppercase; color: #1f4e79; }
p { colr: red; }
ul { list-style-image: url("../images/paper.png"); }
"""


def author_book(folder: Path, styles=("Regular", "Italic", "Bold"), css: str = CSS) -> Path:
    book = copy_book("themed", folder, '[style]\nbody-font = "fonts/EBGaramond-Regular.ttf"\ncss = ["css/extra.css"]\n')
    (book / "fonts").mkdir()
    for style in styles:
        shutil.copyfile(GARAMOND / f"EBGaramond-{style}.ttf", book / "fonts" / f"EBGaramond-{style}.ttf")
    (book / "css").mkdir()
    (book / "css" / "extra.css").write_text(css, encoding="utf-8")
    Image.new("RGB", (8, 8), (250, 246, 236)).save(book / "images" / "paper.png")
    return book


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    book = author_book(tmp_path_factory.mktemp("author"))
    before = {path: path.read_bytes() for path in book.rglob("*") if path.is_file()}
    out = tmp_path_factory.mktemp("author-out")
    result = build_book(book, out, ("epub", "pdf", "web"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    # Nothing in the book folder is written, the files the stylesheet names included.
    assert {path: path.read_bytes() for path in book.rglob("*") if path.is_file()} == before
    return result, {o.format: o.path for o in result.outputs}, book


def test_a_rule_the_pdf_drops_is_a_warning_at_its_line_in_the_author_s_css(built):
    result, _, _ = built
    assert [d.format().splitlines()[0] for d in result.diagnostics.sorted()] == [
        "css/extra.css:3:5: warning: the PDF drops this CSS: Ignored `colr: red`, unknown property"]


def test_the_pdf_is_set_in_the_author_s_face_and_style(built):
    _, outputs, book = built
    families = set()
    with pikepdf.open(outputs["pdf"]) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                stream = obj.get("/FontFile2") or obj.get("/FontFile3")
                families.add(str(TTFont(io.BytesIO(stream.read_bytes()))["name"].getDebugName(1)))
    assert "EB Garamond" in families  # the author's files, not the theme's Libertine text face
    with pdfplumber.open(outputs["pdf"]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    body = [c for c in chars if c["text"].isalpha() and "EB-Garamond" in c["fontname"]]
    assert len(body) > 200
    title = [c for c in chars if c["size"] > 18]
    assert "".join(c["text"] for c in title).startswith("LAMPS")  # text-transform: uppercase
    red, green, blue = title[0]["non_stroking_color"]
    assert (round(red * 255), round(green * 255), round(blue * 255)) == (0x1F, 0x4E, 0x79)


def test_the_epub_and_the_site_carry_the_author_s_files(built):
    _, outputs, book = built
    with zipfile.ZipFile(outputs["epub"]) as epub:
        for style in ("Regular", "Italic", "Bold"):
            # The author's files, each cut to the book's characters (their own names: no name reserved).
            packaged = TTFont(io.BytesIO(epub.read(f"EPUB/fonts/EBGaramond-{style}.ttf")))
            own = TTFont(str(book / "fonts" / f"EBGaramond-{style}.ttf"))
            assert set(packaged.getBestCmap()) < set(own.getBestCmap())
            assert packaged["name"].getDebugName(4) == own["name"].getDebugName(4)
        assert epub.read("EPUB/styles/author/images/paper.png") == (book / "images" / "paper.png").read_bytes()
        css = epub.read("EPUB/styles/book.css").decode()
    assert 'body { font-family: "EB Garamond", serif;' in css  # the headings keep the theme's Libertine
    assert "url(author/images/paper.png)" in css
    assert epubcheck(outputs["epub"]) == []
    site = outputs["web"]
    assert {p.name for p in (site / "fonts").glob("EBGaramond-*.woff2")} == {
        "EBGaramond-Regular.woff2", "EBGaramond-Italic.woff2", "EBGaramond-Bold.woff2"}
    assert (site / "assets" / "author" / "images" / "paper.png").is_file()


@pytest.fixture(scope="module")
def chromium():
    yield from chromium_browser()


COMPUTED = """() => { const h = document.querySelector('h1'), s = getComputedStyle(h),
  p = getComputedStyle(document.querySelector('p.opening'));
  return [s.textTransform, s.color, p.fontFamily.split(',')[0].replace(/"/g, ''),
          document.fonts.check('16px "EB Garamond"')]; }"""


def test_a_browser_and_a_reading_system_compute_the_author_s_style(built, chromium, tmp_path):
    _, outputs, _ = built
    tab = chromium.new_page()
    tab.goto((outputs["web"] / "01-lamps.html").as_uri())
    tab.wait_for_load_state("load")
    tab.evaluate("document.fonts.ready.then(() => true)")
    assert tab.evaluate(COMPUTED) == ["uppercase", "rgb(31, 78, 121)", "EB Garamond", True]
    # The EPUB's chapter as a reading system lays it out: its own stylesheet and fonts,
    # the author's text-transform, and no colour (the reading system's is the reader's).
    with zipfile.ZipFile(outputs["epub"]) as epub:
        epub.extractall(tmp_path / "epub")
    tab.goto((tmp_path / "epub" / "EPUB" / "01-lamps.xhtml").as_uri())
    tab.wait_for_load_state("load")
    tab.evaluate("document.fonts.ready.then(() => true)")
    transform, colour, family, loaded = tab.evaluate(COMPUTED)
    assert (transform, family, loaded) == ("uppercase", "EB Garamond", True)
    assert colour != "rgb(31, 78, 121)"


def test_a_body_face_without_the_italic_the_chapters_use_is_an_error(tmp_path):
    book = author_book(tmp_path, styles=("Regular", "Bold"), css="")
    result = build_book(book, tmp_path / "out", ("epub",))
    assert [d.format().splitlines()[0] for d in result.diagnostics.errors] == [
        "book.toml:11:1: error: [style] body-font 'EB Garamond' has no italic style, and 01-lamps.md sets text in italic"]
    assert result.outputs == []
