"""Each bundled theme, read back from the editions a reader gets: the PDF embeds the theme's
faces and nothing else (not even for a figure's generic `serif`), the EPUB and the web
edition carry each of the theme's font files cut to the book's characters, the scene break shows the theme's ornament,
and every EPUB passes EPUBCheck."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import tinycss2
from fontTools.ttLib import TTFont
from lxml import etree

from bookwright.load.themes import bundled_themes
from bookwright.writers.font_subset import subset_family
from support import build_book, diagnostics_text, epubcheck
from support import copy_book

THEMES = sorted(bundled_themes())


def test_there_are_three_themes_that_differ_in_their_faces_and_furniture():
    themes = bundled_themes()
    assert {"classic", "literary", "modern"} <= set(themes)
    assert len({(t.body.name, t.heading.name) for t in themes.values()}) == len(themes)
    assert len({t.ornament for t in themes.values()}) == len(themes)
    assert len({t.opening for t in themes.values()}) == len(themes)
    for theme in themes.values():
        for face in (theme.body, theme.heading, theme.code):
            assert face.licence is not None and "Open Font License" in face.licence.read_text(encoding="utf-8")
            assert all(f.path.is_file() for f in face.files)


@pytest.fixture(scope="module", params=THEMES)
def themed(request, tmp_path_factory):
    theme = bundled_themes()[request.param]
    book = copy_book("themed", tmp_path_factory.mktemp(f"book-{theme.name}"), f'\n[style]\ntheme = "{theme.name}"\n')
    out = tmp_path_factory.mktemp(f"out-{theme.name}")
    result = build_book(book, out, ("epub", "pdf", "web"))
    assert result.diagnostics.items == [], diagnostics_text(result)
    return theme, {o.format: o.path for o in result.outputs}


def family_names(font: TTFont) -> set[str]:
    names = font["name"]
    return {str(names.getDebugName(i)) for i in (1, 16) if names.getDebugName(i)}


def theme_families(theme) -> set[str]:
    found = set()
    for face in (theme.body, theme.heading, theme.code):
        for file in face.files:
            with TTFont(str(file.path), lazy=True) as font:
                found |= family_names(font)
    return found


def embedded_fonts(pdf_path: Path) -> list[tuple[str, TTFont]]:
    """(BaseFont without its subset tag, the embedded font program) for every font the PDF holds."""
    found = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
                continue
            stream = obj.get("/FontFile2") or obj.get("/FontFile3")
            assert stream is not None, f"a font is not embedded: {obj.get('/FontName')}"
            name = str(obj.get("/FontName")).lstrip("/").split("+", 1)[-1]
            found.append((name, TTFont(io.BytesIO(stream.read_bytes()))))
    return found


def test_the_pdf_embeds_the_theme_faces_and_no_other(themed):
    theme, outputs = themed
    fonts = embedded_fonts(outputs["pdf"])
    allowed = theme_families(theme)
    assert fonts
    for name, program in fonts:
        assert family_names(program) & allowed, (name, family_names(program), allowed)
    names = {face.name.replace(" ", "-") for face in (theme.body, theme.heading, theme.code)}
    assert {name for name, _ in fonts if not any(name.startswith(n) for n in names)} == set()
    # Body, italic and code are all used by the fixture: each face of the theme is embedded.
    assert {n.replace(" ", "-") for n in (theme.body.name, theme.code.name)} <= {name for name, _ in fonts}


def test_a_figure_s_generic_families_are_set_in_the_book_faces(themed):
    theme, outputs = themed
    with pdfplumber.open(outputs["pdf"]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if c["text"].strip()]
    # A ligature ("fl") is one glyph of two characters: each character knows its glyph's font.
    text, fonts = "", []
    for c in chars:
        text += c["text"]
        fonts += [c["fontname"].split("+", 1)[-1]] * len(c["text"])
    fonts_of = {}
    for word in ("flame", "air in", "smoke out"):
        start = text.index(word.replace(" ", ""))
        fonts_of[word] = set(fonts[start:start + len(word.replace(" ", ""))])
    body, heading = theme.body.name.replace(" ", "-"), theme.heading.name.replace(" ", "-")
    assert all(f.startswith(body) for f in fonts_of["flame"]), fonts_of  # serif: the body face
    assert all(f.startswith(heading) for f in fonts_of["air in"]), fonts_of  # sans-serif: the headings' face
    assert all(f.startswith(body) for f in fonts_of["smoke out"]), fonts_of  # a family the book lacks: the body face


def test_the_epub_and_the_site_carry_each_theme_font_file_cut_to_the_book(themed):
    theme, outputs = themed
    files = {f.path: face for face in (theme.body, theme.heading, theme.code) for f in face.files}
    with zipfile.ZipFile(outputs["epub"]) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        fonts = {item.get("href").rsplit("/", 1)[-1]: epub.read("EPUB/" + item.get("href"))
                 for item in opf.iter("{http://www.idpf.org/2007/opf}item") if item.get("media-type").startswith("font/")}
        css = epub.read("EPUB/styles/book.css").decode()
    # The book has no math: one subset of each of the theme's files, and nothing else.
    assert sorted(fonts) == sorted(path.name for path in files)
    for path, face in files.items():
        whole, subset = TTFont(str(path)), TTFont(io.BytesIO(fonts[path.name]))
        assert set(subset.getBestCmap()) < set(whole.getBestCmap())
        assert len(subset.getGlyphOrder()) < len(whole.getGlyphOrder()) / 2
        family = str(subset["name"].getDebugName(16) or subset["name"].getDebugName(1))
        if face.reserved_names:  # a Modified Version may not use a Reserved Font Name (OFL 3)
            assert not any(name.lower() in family.lower() for name in face.reserved_names), family
        else:
            assert family == str(whole["name"].getDebugName(16) or whole["name"].getDebugName(1))
    families = set(re.findall(r'font-family: "([^"]+)"', css))
    assert {subset_family(theme.body), subset_family(theme.heading), subset_family(theme.code)} <= families
    assert "Book Body" not in css  # the roles became the faces' own names
    site_fonts = outputs["web"] / "fonts"
    woffs = sorted(site_fonts.glob("*.woff2"))
    assert sorted(w.stem for w in woffs) == sorted(path.stem for path in files)
    for woff in woffs:
        assert TTFont(str(woff)).flavor == "woff2"
    assert all("Open Font License" in licence.read_text() for licence in site_fonts.glob("*-OFL.txt"))
    assert len(list(site_fonts.glob("*-OFL.txt"))) == len({theme.body.name, theme.heading.name, theme.code.name})


def test_a_scene_break_shows_the_theme_ornament_in_every_edition(themed):
    theme, outputs = themed
    with pdfplumber.open(outputs["pdf"]) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert text.count(theme.ornament.replace(" ", "")) >= 2 or text.count(theme.ornament) >= 2, text
    with zipfile.ZipFile(outputs["epub"]) as epub:
        css = epub.read("EPUB/styles/book.css").decode()
    assert scene_break_content(css)[-1] == theme.ornament
    assert scene_break_content((outputs["web"] / "assets" / "book.css").read_text())[-1] == theme.ornament


def scene_break_content(css: str) -> list[str]:
    """The content of every `hr::after` rule, in order (the last one wins)."""
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == "hr::after":
            for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.lower_name == "content":
                    found += [token.value for token in declaration.value if token.type == "string"]
    return found


def test_every_themed_epub_passes_epubcheck(themed):
    _, outputs = themed
    assert epubcheck(outputs["epub"]) == []


def test_the_opening_is_the_theme_s(themed):
    theme, outputs = themed
    with zipfile.ZipFile(outputs["epub"]) as epub:
        chapter = etree.fromstring(epub.read("EPUB/01-lamps.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    (opening,) = chapter.xpath("//x:p[contains(concat(' ', @class, ' '), ' opening ')]", namespaces=ns)
    assert "".join(opening.itertext()).startswith("The first lamp")  # after the epigraph, not in it
    drop = opening.xpath("x:span[@class='drop-cap']", namespaces=ns)
    assert [d.text for d in drop] == (["T"] if theme.opening == "drop-cap" else [])
