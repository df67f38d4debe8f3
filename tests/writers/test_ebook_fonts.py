"""Light, correct ebooks (issue 15): the EPUB and the web edition of a 2,400-word book a new
user writes carry the book's faces cut to the characters the book uses, read back here
with fontTools and in Chromium; the author can leave the fonts out; MathML is set in a
math font whose radical stretches over a fraction."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from bookwright.load.licences import reserved_names
from bookwright.load.themes import bundled_themes
from bookwright.paths import theme_dir
from bookwright.writers.font_subset import layout_features, printed_strings, subset_family
from support import build_book, copy_book, diagnostics_text, epubcheck, fixed_clock
from support import chromium_browser

BOOK = "new-user-book"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
MAX_EPUB_BYTES = 350 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("new-user")
    with fixed_clock():
        result = build_book(BOOK, out, ("epub", "web"))
    assert diagnostics_text(result) == ""  # not one warning: the book is as a new user writes it
    return out


def epub_path(out: Path) -> Path:
    return next(out.glob("*.epub"))


def packaged(epub: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """The EPUB's files by their path inside the container, and each manifest item's media type."""
    with zipfile.ZipFile(epub) as z:
        files = {name: z.read(name) for name in z.namelist()}
    opf = etree.fromstring(files["EPUB/content.opf"])
    types = {"EPUB/" + item.get("href"): item.get("media-type") for item in opf.iter(f"{OPF}item")}
    return files, types


def documents(files: dict[str, bytes], types: dict[str, str]) -> dict[str, etree._Element]:
    return {name: etree.fromstring(files[name]) for name, kind in types.items() if kind == "application/xhtml+xml"}


def text_of(root: etree._Element, inside_math: bool) -> str:
    """The text a reader sees: inside <math> elements, or outside them."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        in_math = element.tag.startswith(MATHML) or any(a.tag == f"{MATHML}math" for a in element.iterancestors())
        if in_math == inside_math and element.tag not in (f"{XHTML}title", f"{XHTML}style"):
            found.append(element.text or "")
        parent = element.getparent()
        parent_in_math = parent is not None and (parent.tag.startswith(MATHML) if isinstance(parent.tag, str) else False)
        if parent_in_math == inside_math:
            found.append(element.tail or "")
    return "".join(found)


# --- the EPUB -----------------------------------------------------------------------------


def test_the_new_user_s_epub_is_light_and_passes_epubcheck(built):
    epub = epub_path(built)
    assert epub.stat().st_size < MAX_EPUB_BYTES, f"{epub.stat().st_size} bytes"
    assert epubcheck(epub) == []
    files, types = packaged(epub)
    fonts = {name: data for name, data in files.items() if types.get(name, "").startswith("font/")}
    # The book's five Libertine files and the math face, each a fraction of its whole size.
    assert len(fonts) == 6
    assert sum(len(data) for data in fonts.values()) < 400 * 1024
    # Each face's licence travels with it.
    licences = [name for name in files if name.startswith("EPUB/fonts/") and name.endswith("-OFL.txt")]
    assert {"EPUB/fonts/Linux-Libertine-OFL.txt", "EPUB/fonts/STIX-Two-Math-OFL.txt"} <= set(licences)
    assert all(b"SIL OPEN FONT LICENSE" in files[name] for name in licences)


def test_every_character_of_the_book_is_in_the_subset_of_the_face_that_sets_it(built):
    files, types = packaged(epub_path(built))
    roots = documents(files, types)
    text = "".join(text_of(root, inside_math=False) for root in roots.values())
    math = "".join(text_of(root, inside_math=True) for root in roots.values())
    assert "€" in text and "°" in text and "“" in text and "π" in math  # the fixture has what this test is about
    faces = {name: TTFont(io.BytesIO(data)) for name, data in files.items() if types.get(name, "").startswith("font/")}
    math_faces = [f for name, f in faces.items() if name.endswith("STIXTwoMath-Regular.ttf")]
    assert len(math_faces) == 1
    needed = {ch for ch in text if not ch.isspace() or ch == "\u00a0"}
    wholes = {f.path.name: f.path for face in faces_of_classic() for f in face.files}
    for name, face in faces.items():
        if face is math_faces[0]:
            continue
        # Any text face may set any text (a theme's heading face sets table cells): each
        # subset has every character of the book its whole file has.
        whole = TTFont(str(wholes[name.rsplit("/", 1)[-1]])).getBestCmap()
        missing = sorted(ch for ch in needed if ord(ch) in whole and ord(ch) not in face.getBestCmap())
        assert missing == [], f"{name} lacks {missing}"
        assert len([ch for ch in needed if ord(ch) in face.getBestCmap()]) > 60
    cmap = math_faces[0].getBestCmap()
    missing = sorted(ch for ch in math if not ch.isspace() and ord(ch) not in cmap)
    assert missing == [], f"the math face lacks {missing}"
    # A single-letter <mi> is shown in mathematical italic: 𝐿 and 𝑔, and the radical MathML draws.
    for shown in ("\U0001d43f", "\U0001d454", "\u221a"):
        assert ord(shown) in cmap, shown
    # The stretchy radical's larger sizes came along with it (the MATH table's variants).
    variants = math_faces[0]["MATH"].table.MathVariants
    radical = cmap[0x221A]
    vertical = dict(zip(variants.VertGlyphCoverage.glyphs, variants.VertGlyphConstruction))
    assert len(vertical[radical].MathGlyphVariantRecord) > 2
    for record in vertical[radical].MathGlyphVariantRecord:
        assert record.VariantGlyph in math_faces[0].getGlyphOrder()


def test_the_subsets_keep_the_layout_features_the_stylesheet_turns_on(built):
    files, types = packaged(epub_path(built))
    css = files["EPUB/styles/book.css"].decode()
    wanted = set(layout_features(css))
    assert {"smcp", "onum", "kern", "liga"} <= wanted  # classic: small capitals, old-style figures
    regular = TTFont(io.BytesIO(files["EPUB/fonts/LinLibertine_R.otf"]))
    kept = {record.FeatureTag for table in ("GSUB", "GPOS")
            for record in regular[table].table.FeatureList.FeatureRecord}
    assert {"smcp", "onum", "liga", "kern"} <= kept
    # The small capitals and old-style figures of what the book shows are still there.
    gsub = regular["GSUB"].table
    smcp = [gsub.LookupList.Lookup[i] for record in gsub.FeatureList.FeatureRecord if record.FeatureTag == "smcp"
            for i in record.Feature.LookupListIndex]
    swapped = {}
    for lookup in smcp:
        for sub in lookup.SubTable:
            swapped.update(getattr(sub, "mapping", {}) or {})
    cmap = regular.getBestCmap()
    assert all(cmap[ord(ch)] in swapped for ch in "pendulum")
    # And what CSS prints without a document holding it (the scene-break ornament's
    # kind of string) is in the text faces too.
    assert all(ord(ch) in cmap for ch in printed_strings(css) if not ch.isspace())


def test_a_face_whose_licence_reserves_its_name_is_renamed_and_only_that_one(built):
    files, types = packaged(epub_path(built))
    css = files["EPUB/styles/book.css"].decode()
    licence = files["EPUB/fonts/Linux-Libertine-OFL.txt"].decode()
    assert reserved_names(licence) == ("Linux Libertine",)
    for name in ("LinLibertine_R.otf", "LinLibertine_RI.otf", "LinLibertine_M.otf"):
        font = TTFont(io.BytesIO(files[f"EPUB/fonts/{name}"]))
        shown = {str(r.toUnicode()) for r in font["name"].names if r.nameID in (1, 3, 4, 6, 16, 18)}
        assert not any("libertine" in n.lower() for n in shown), shown
        assert "libertine" not in font["CFF "].cff.fontNames[0].lower()
        # The copyright notice stays as the authors wrote it.
        assert "Poll" in str(font["name"].getDebugName(0))
    assert '"Linux Libertine"' not in css and '"Book Subset"' in css and '"Book Subset Mono"' in css
    math = TTFont(io.BytesIO(files["EPUB/fonts/STIXTwoMath-Regular.ttf"]))
    assert str(math["name"].getDebugName(1)) == "STIX Two Math"  # "TM Math" is reserved, not its name
    assert 'math { font-family: "STIX Two Math", math; }' in css


def test_the_same_book_gives_the_same_bytes_twice(built, tmp_path):
    with fixed_clock():
        again = build_book(BOOK, tmp_path / "again", ("epub", "web"))
    assert diagnostics_text(again) == ""
    assert epub_path(tmp_path / "again").read_bytes() == epub_path(built).read_bytes()
    first = {p.relative_to(built / "site"): p.read_bytes() for p in (built / "site" / "fonts").iterdir()}
    second = {p.relative_to(tmp_path / "again" / "site"): p.read_bytes()
              for p in (tmp_path / "again" / "site" / "fonts").iterdir()}
    assert first == second and len(first) == 9  # six WOFF2 subsets, three licences


def test_a_kept_subset_gives_the_cold_bytes_and_a_damaged_one_is_made_again(built, tmp_path):
    out = tmp_path / "out"
    with fixed_clock():
        build_book(BOOK, out, ("epub",))
    kept = sorted((out / ".bookwright-cache" / "font-subsets").glob("*.font"))
    assert len(kept) == 6  # one per embedded file
    kept[0].write_bytes(kept[0].read_bytes()[:100])  # truncated
    flipped = bytearray(kept[1].read_bytes())
    flipped[-10] ^= 0xFF  # one byte changed
    kept[1].write_bytes(bytes(flipped))
    epub_path(out).unlink()
    with fixed_clock():
        result = build_book(BOOK, out, ("epub",))
    assert diagnostics_text(result) == ""
    assert epub_path(out).read_bytes() == epub_path(built).read_bytes()  # as the cold build of `built`
    with zipfile.ZipFile(epub_path(out)) as epub:
        for name in epub.namelist():
            if name.startswith("EPUB/fonts/") and not name.endswith(".txt"):
                TTFont(io.BytesIO(epub.read(name))).getBestCmap()  # each reads as a font


def test_with_embed_fonts_false_the_ebooks_carry_no_font(tmp_path):
    book = copy_book(BOOK, tmp_path, "[epub]\nembed-fonts = false\n\n[web]\nembed-fonts = false")
    with fixed_clock():
        result = build_book(book, tmp_path / "out", ("epub", "web"))
    assert diagnostics_text(result) == ""
    epub = epub_path(tmp_path / "out")
    files, types = packaged(epub)
    assert [name for name, kind in types.items() if kind.startswith("font/")] == []
    assert not any(name.startswith("EPUB/fonts/") for name in files)
    css = files["EPUB/styles/book.css"].decode()
    assert "@font-face {" not in css
    # The reader's own fonts: the faces by name where the reader has them, else the generic families.
    assert 'font-family: "Linux Libertine", serif' in css and 'font-family: "STIX Two Math", math' in css
    assert epubcheck(epub) == []
    site = tmp_path / "out" / "site"
    assert not (site / "fonts").exists()
    assert "@font-face {" not in (site / "assets" / "book.css").read_text(encoding="utf-8")


def test_an_author_s_face_whose_licence_reserves_its_name_is_renamed_in_the_epub(tmp_path):
    book = copy_book("minimal", tmp_path, '[style]\nbody-font = "fonts/EBGaramond-Regular.ttf"')
    (book / "fonts").mkdir()
    garamond = theme_dir() / "fonts" / "eb-garamond"
    shutil.copyfile(garamond / "EBGaramond-Regular.ttf", book / "fonts" / "EBGaramond-Regular.ttf")
    (book / "fonts" / "OFL.txt").write_text('Copyright 2017 Someone, with Reserved Font Name "EB Garamond".\n\n'
                                            + (garamond / "OFL.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with fixed_clock():
        result = build_book(book, tmp_path / "out", ("epub",))
    assert diagnostics_text(result) == ""
    epub = epub_path(tmp_path / "out")
    files, _ = packaged(epub)
    font = TTFont(io.BytesIO(files["EPUB/fonts/EBGaramond-Regular.ttf"]))
    shown = {str(r.toUnicode()) for r in font["name"].names if r.nameID in (1, 3, 4, 6, 16, 18)}
    assert not any("garamond" in n.lower() for n in shown), shown
    assert str(font["name"].getDebugName(1)) == "Book Subset"
    css = files["EPUB/styles/book.css"].decode()
    assert 'body { font-family: "Book Subset", serif;' in css and '"EB Garamond"' not in css
    assert b"Reserved Font Name" in files["EPUB/fonts/EB-Garamond-OFL.txt"]
    assert epubcheck(epub) == []


def test_subset_family_replaces_only_a_reserved_name():
    from bookwright.model import Face

    assert subset_family(Face("Linux Libertine Mono", "monospace", (), reserved_names=("Linux Libertine",))) \
        == "Book Subset Mono"
    assert subset_family(Face("STIX Two Math", "math", (), reserved_names=("TM Math",))) == "STIX Two Math"
    assert subset_family(Face("EB Garamond", "serif", ())) == "EB Garamond"


# --- in Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


def radical_ink(msqrt) -> float:
    """The height, in CSS pixels, of the radical sign's ink: the dark rows of the band of
    the <msqrt> left of its radicand, less that band's right edge, where a sign that does
    not stretch is joined to the overbar by a hairline."""
    msqrt.scroll_into_view_if_needed()
    box = msqrt.bounding_box()
    offset = msqrt.evaluate("e => e.firstElementChild.getBoundingClientRect().left - e.getBoundingClientRect().left")
    image = Image.open(io.BytesIO(msqrt.screenshot())).convert("L")
    scale = image.width / box["width"]
    band = image.crop((0, 0, max(1, round(0.7 * offset * scale)), image.height))
    rows = [y for y in range(band.height) if min(band.getpixel((x, y)) for x in range(band.width)) < 110]
    return (rows[-1] - rows[0] + 1) / scale if rows else 0.0


def radical_heights(tab) -> tuple[float, float]:
    """(the radical's ink over the fraction, the single-line radical's ink)."""
    over_fraction = tab.locator("math[display=block] msqrt").first
    single_line = tab.locator("math:not([display=block]) msqrt").first
    assert over_fraction.locator("mfrac").count() == 1
    return radical_ink(over_fraction), radical_ink(single_line)


@pytest.mark.parametrize("edition", ["web", "epub"])
def test_a_radical_over_a_fraction_stretches_in_chromium(built, browser, edition, tmp_path):
    if edition == "web":
        page = built / "site" / "03-regulating.html"
    else:
        with zipfile.ZipFile(epub_path(built)) as z:
            z.extractall(tmp_path)
        page = tmp_path / "EPUB" / "03-regulating.xhtml"
    context = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(page.as_uri())
    tab.evaluate("document.fonts.ready")
    tall, single = radical_heights(tab)
    assert single > 5
    assert tall > 1.6 * single, (tall, single)  # the sign grew to cover the fraction
    # The same formula in a face without a MATH table keeps a one-line sign: what the math
    # font is for, and proof that the measure above can fail.
    tab.add_style_tag(content='math { font-family: "DejaVu Serif", serif !important; }')
    tab.evaluate("document.fonts.ready")
    plain_tall, plain_single = radical_heights(tab)
    assert plain_tall < 1.2 * plain_single, (plain_tall, plain_single)
    context.close()


@pytest.mark.parametrize("edition", ["web", "epub"])
def test_chromium_sets_every_text_node_in_the_embedded_subsets(built, browser, edition, tmp_path):
    """No character falls back to a font of the machine: the browser's own account of the
    fonts each element's text was set in (DevTools' CSS.getPlatformFontsForNode). What
    the whole faces lack too (the notes' back-link arrow ↩) is taken out of the pages
    first: a subset cannot have it, and the PDF's layout warns of it."""
    lacking = "".join(sorted(characters_no_whole_face_has(built)))
    assert "\u21a9" in lacking
    if edition == "web":
        pages = sorted((built / "site").glob("*.html"))
    else:
        with zipfile.ZipFile(epub_path(built)) as z:
            z.extractall(tmp_path)
        pages = sorted((tmp_path / "EPUB").glob("*.xhtml"))
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    fallbacks: dict[str, set[str]] = {}
    custom: set[str] = set()
    for page in pages:
        tab.goto(page.as_uri())
        tab.evaluate(STRIP_TEXT, lacking)
        tab.evaluate("document.fonts.ready")
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": False})["root"]
        for node in _elements(root):
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            for font in used:
                if font["isCustomFont"]:
                    custom.add(font["familyName"])
                else:
                    fallbacks.setdefault(f'{page.name} <{node["localName"]}>', set()).add(font["familyName"])
    context.close()
    assert fallbacks == {}
    assert {"Book Subset O", "STIX Two Math"} <= custom, custom


# Removes the given characters from every text node of the page.
STRIP_TEXT = """lacking => {
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    node.data = [...node.data].filter(ch => !lacking.includes(ch)).join("");
}"""


def faces_of_classic():
    theme = bundled_themes()["classic"]
    return (theme.body, theme.code)


def characters_no_whole_face_has(built: Path) -> set[str]:
    """The characters of the EPUB's documents (outside formulas) that none of the book's
    whole text font files has."""
    cmaps = [set(TTFont(str(f.path)).getBestCmap()) for face in faces_of_classic() for f in face.files]
    files, types = packaged(epub_path(built))
    text = "".join(text_of(root, False) for root in documents(files, types).values())
    return {ch for ch in text if not ch.isspace() and not any(ord(ch) in cmap for cmap in cmaps)}


def _elements(node):
    if node.get("nodeType") == 1:
        yield node
    for child in node.get("children", []):
        yield from _elements(child)
