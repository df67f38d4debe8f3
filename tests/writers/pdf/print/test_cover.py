"""Print covers (issue 18): the full wrap for KDP and IngramSpark, built from a fixture book
and read back with tools the cover writer does not use to check itself: pikepdf for the
boxes and colours, pdfplumber for where the words are, poppler's pdftoppm for the picture a
scanner sees, zxing-cpp for what the barcode says, pdffonts for the fonts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import zxingcpp
from lxml import etree
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from support import BOOKS, SAMPLE, copy_book, diagnostics_text, epubcheck

from bookwright.build.pipeline import build
from bookwright.cli import main
from bookwright.diagnostics import Diagnostics
from bookwright.load.config import load_config
from bookwright.writers.pdf.print.cover.geometry import CoverGeometry
from bookwright.writers.pdf.print.cover.specs import SPECS

BOOK = "cover-book"
SLUG = "boards-and-spines"
IN = 72.0
TRIM = (5.5, 8.5)  # the fixture's [pdf] trim
BLEED = 0.125  # both services, every outside edge
# Each service's published thickness of a page of its white paper, inches (specs.py cites them).
WHITE = {"kdp": 0.002252, "ingram": 10.77 / 25.4 / 200}
SAFE = {"kdp": 0.125, "ingram": 0.25}
ISBN, PRICE = "9781402894626", "00999"  # book.toml: 978-1-4028-9462-6, GBP 9.99
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture book as a plain `bookwright build` makes it: [print] profiles names both
    services, so both interiors and both covers are made beside the other editions."""
    out = tmp_path_factory.mktemp("cover-dist")
    result = build(BOOKS / BOOK, out)
    assert not result.diagnostics.errors, diagnostics_text(result)
    return result, {o.format: o.path for o in result.outputs}


# --- reading a cover back --------------------------------------------------------------------------


def sheet(path: Path) -> dict[str, list[float]]:
    """The page boxes of the cover's one page, in inches."""
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0].obj
        return {key: [float(v) / IN for v in page[key]] for key in ("/MediaBox", "/TrimBox", "/BleedBox")}


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def rendered(path: Path, dpi: int, tmp: Path, grey: bool = False) -> Image.Image:
    """The cover as poppler draws it."""
    stem = tmp / f"{path.stem}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", *(["-gray"] if grey else []), str(path),
                    str(stem)], check=True)
    return Image.open(f"{stem}.png")


def scanned(path: Path, tmp: Path) -> set[str]:
    """What a till's scanner reads on the cover: "13 digits" or "13 digits 5 digits"."""
    found = zxingcpp.read_barcodes(rendered(path, 300, tmp, grey=True), formats=zxingcpp.BarcodeFormat.EAN13,
                                   ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read)
    return {f"{r.text[:13]} {r.text[13:]}".strip() for r in found}


def panels(path: Path, spine: float) -> dict[str, tuple[float, float, float, float]]:
    """The trimmed back, spine and front (left, top, right, bottom, inches) of a wrap."""
    width, height = TRIM
    return {"back": (BLEED, BLEED, BLEED + width, BLEED + height),
            "spine": (BLEED + width, BLEED, BLEED + width + spine, BLEED + height),
            "front": (BLEED + width + spine, BLEED, BLEED + 2 * width + spine, BLEED + height)}


def words_in(path: Path, box: tuple[float, float, float, float]) -> list[dict]:
    """pdfplumber's characters inside `box` (inches from the sheet's top left), spaces left out."""
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    left, top, right, bottom = (v * IN for v in box)
    return [c for c in chars if c["text"].strip() and c["x0"] >= left - 1 and c["x1"] <= right + 1
            and c["top"] >= top - 1 and c["bottom"] <= bottom + 1]


def fake_interior(out: Path, profile: str, pages: int) -> Path:
    """An interior of `pages` blank pages of the fixture's trim, as if built before (its
    files are newer than the book's, so the cover counts it instead of laying one out)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{SLUG}-{profile}.pdf"
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(TRIM[0] * IN, TRIM[1] * IN))
    pdf.save(path)
    return path


def set_toml(root: Path, replace: dict[str, str]) -> None:
    toml = root / "book.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    toml.write_text(text, encoding="utf-8")


def line_of(root: Path, start: str) -> int:
    """The line of book.toml that starts with `start`."""
    lines = (root / "book.toml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def cover_only(root: Path, out: Path, pages: int, profile: str = "kdp"):
    """The cover alone, sized from an interior of `pages` already in the output folder."""
    fake_interior(out, profile, pages)
    result = build(root, out, (f"print-{profile}-cover",))
    return result, out / f"{SLUG}-{profile}-cover.pdf"


# --- the size: the published numbers ----------------------------------------------------------------

# Full-wrap sizes as the services' calculators and guides publish them (inches): the trim,
# the page count, the paper, and the sheet with its bleed.
PUBLISHED = [
    # KDP's cover calculator for a 6 x 9 in book of 200 pages on white paper: 12.700 x 9.250 in.
    ("kdp", (6, 9), 200, "white", (12.700, 9.250)),
    # 300 pages on cream: a 0.750 in spine, 13.000 in wide.
    ("kdp", (6, 9), 300, "cream", (13.000, 9.250)),
    # 100 pages on (premium) colour paper: a 0.235 in spine.
    ("kdp", (6, 9), 100, "color", (12.485, 9.250)),
    # A 4.25 x 6.875 in pocket book of 158 cream pages: 8.895 in trimmed, 9.145 in with bleed.
    ("kdp", (4.25, 6.875), 158, "cream", (9.145, 7.125)),
    # CreateSpace's (now KDP's) worked example: 7.5 x 9.25 in, 600 white pages.
    ("kdp", (7.5, 9.25), 600, "white", (16.601, 9.500)),
    # IngramSpark's template for 200 pages: an 11.63 mm spine on creme, 10.77 mm on white.
    ("ingram", (6, 9), 200, "cream", (12.708, 9.250)),
    ("ingram", (6, 9), 200, "white", (12.674, 9.250)),
]

# The same rule over the range of page counts each paper takes (24 to 828 at KDP), worked
# out from the published thickness per page: 6 x 9 in, width of the sheet in inches.
KDP_6X9 = {
    "white": {24: 12.304, 80: 12.430, 150: 12.588, 300: 12.926, 500: 13.376, 828: 14.115},
    "cream": {24: 12.310, 80: 12.450, 150: 12.625, 300: 13.000, 500: 13.500, 828: 14.320},
    "color": {24: 12.306, 80: 12.438, 150: 12.602, 300: 12.954, 500: 13.424, 828: 14.193},
}


@pytest.mark.parametrize("profile, trim, pages, paper, size", PUBLISHED)
def test_full_wrap_size_is_the_published_one(profile, trim, pages, paper, size):
    geometry = CoverGeometry(SPECS[profile], pages, paper, trim[0] * IN, trim[1] * IN)
    width, height = geometry.inches()
    assert width == pytest.approx(size[0], abs=0.001) and height == pytest.approx(size[1], abs=0.001)


@pytest.mark.parametrize("paper", sorted(KDP_6X9))
def test_full_wrap_size_over_the_range_of_page_counts(paper):
    for pages, width in KDP_6X9[paper].items():
        geometry = CoverGeometry(SPECS["kdp"], pages, paper, 6 * IN, 9 * IN)
        assert geometry.inches() == pytest.approx((width, 9.25), abs=0.001), (paper, pages)


def test_spine_text_follows_each_services_page_count():
    """KDP allows words on the spine from 80 pages, IngramSpark from 48."""
    for profile, least in (("kdp", 80), ("ingram", 48)):
        allows = {pages: CoverGeometry(SPECS[profile], pages, "cream", 6 * IN, 9 * IN).spine_allows_text
                  for pages in (least - 2, least, least + 100)}
        assert allows == {least - 2: False, least: True, least + 100: True}, profile


# --- the built covers -------------------------------------------------------------------------------


def test_a_plain_build_writes_both_covers_beside_the_interiors(built):
    result, files = built
    for profile in ("kdp", "ingram"):
        cover, interior = files[f"print-{profile}-cover"], files[f"print-{profile}"]
        assert cover.name == f"{SLUG}-{profile}-cover.pdf" and cover.parent == interior.parent
    order = [o.format for o in result.outputs]
    assert order.index("print-kdp-cover") > order.index("print-kdp")
    assert order.index("print-ingram-cover") > order.index("print-ingram")


@pytest.mark.parametrize("profile", ["kdp", "ingram"])
def test_the_cover_is_sized_from_its_interiors_page_count(built, profile):
    _, files = built
    pages = page_count(files[f"print-{profile}"])
    spine = pages * WHITE[profile]
    boxes = sheet(files[f"print-{profile}-cover"])
    width, height = 2 * TRIM[0] + spine + 2 * BLEED, TRIM[1] + 2 * BLEED
    assert boxes["/MediaBox"] == pytest.approx([0, 0, width, height], abs=0.001)
    assert boxes["/TrimBox"] == pytest.approx([BLEED, BLEED, width - BLEED, height - BLEED], abs=0.001)
    assert boxes["/BleedBox"] == boxes["/MediaBox"]


@pytest.mark.parametrize("profile", ["kdp", "ingram"])
def test_the_barcode_scans_as_the_isbn_with_the_price(built, profile, tmp_path):
    _, files = built
    assert f"{ISBN} {PRICE}" in scanned(files[f"print-{profile}-cover"], tmp_path)


def test_ingram_cover_is_pdf_x1a_in_cmyk_or_grey_without_transparency(built):
    _, files = built
    with pikepdf.open(files["print-ingram-cover"]) as pdf:
        assert pdf.pdf_version == "1.4"
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
        assert [str(i.S) for i in pdf.Root.OutputIntents] == ["/GTS_PDFX"]
        operators, images, states = drawing(pdf)
    assert not operators & {"rg", "RG", "sc", "scn", "SC", "SCN"}  # no RGB colour, no other colour space
    assert {"k", "g"} & operators  # CMYK or grey fills
    assert all(str(image.get("/ColorSpace")) in ("/DeviceCMYK", "/DeviceGray") and "/SMask" not in image
               for image in images)
    assert all(float(state.get("/ca", 1)) == 1 and float(state.get("/CA", 1)) == 1 for state in states)


def drawing(pdf: pikepdf.Pdf) -> tuple[set[str], list, list]:
    """Every operator, image and graphics state of the page and the forms it draws."""
    operators, images, states, seen = set(), [], [], set()

    def walk(stream, resources):
        for instruction in pikepdf.parse_content_stream(stream):
            operators.add(str(instruction.operator))
            name = instruction.operands[0] if instruction.operands else None
            if str(instruction.operator) == "Do":
                xobject = resources.XObject[name]
                if xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
                if xobject.Subtype == "/Image":
                    images.append(xobject)
                else:
                    walk(xobject, xobject.get("/Resources", resources))
            elif str(instruction.operator) == "gs":
                states.append(resources.ExtGState[name])

    walk(pdf.pages[0].obj, pdf.pages[0].obj.Resources)
    return operators, images, states


@pytest.mark.parametrize("profile", ["kdp", "ingram"])
def test_every_font_is_embedded(built, profile):
    _, files = built
    lines = subprocess.run(["pdffonts", str(files[f"print-{profile}-cover"])], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines)


@pytest.mark.parametrize("profile", ["kdp", "ingram"])
def test_every_word_is_inside_the_safe_zones_and_the_thin_spine_has_none(built, profile):
    _, files = built
    path = files[f"print-{profile}-cover"]
    spine = page_count(files[f"print-{profile}"]) * WHITE[profile]
    zones = panels(path, spine)
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    margin = SAFE[profile]
    safe = [tuple(v + d for v, d in zip(zones[name], (margin, margin, -margin, -margin))) for name in ("back", "front")]
    outside = [c["text"] for c in chars if not any(
        c["x0"] >= l * IN - 1 and c["x1"] <= r * IN + 1 and c["top"] >= t * IN - 1 and c["bottom"] <= b * IN + 1
        for l, t, r, b in safe)]
    assert len(chars) > 200 and outside == []
    assert words_in(path, zones["spine"]) == []  # 24 or 30 pages: too few for words on the spine


def test_the_back_has_the_blurb_the_note_the_photo_and_the_publisher(built):
    _, files = built
    path = files["print-kdp-cover"]
    spine = page_count(files["print-kdp"]) * WHITE["kdp"]
    back = panels(path, spine)["back"]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0].crop(tuple(v * IN for v in back))
        text = re.sub(r"\s+", " ", page.extract_text())
        photos = [image for image in page.images if image["width"] < 1.5 * IN]
    assert "Every paperback on a bookshop’s shelf began as a stack of loose sheets" in text  # smart quotes
    assert "PRAISE" in text and "“A clear little book about the part of publishing nobody sees.”" in text
    assert "Odile Fairweather ran a small bindery for thirty years" in text
    assert "FIXTURE HOUSE" in text
    assert len(photos) == 1 and photos[0]["width"] == pytest.approx(0.95 * IN, abs=1)
    assert photos[0]["x0"] >= (back[0] + SAFE["kdp"]) * IN


def test_the_front_is_the_design_the_epub_and_the_web_edition_show(built, tmp_path):
    _, files = built
    with zipfile.ZipFile(files["epub"]) as epub:
        opf_name = next(n for n in epub.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(epub.read(opf_name))
        item = opf.find(".//{*}item[@properties='cover-image']")
        epub_cover = epub.read(str(Path(opf_name).parent / item.get("href")).lstrip("./"))
    assert (files["web"] / "cover.png").read_bytes() == epub_cover
    path = files["print-kdp-cover"]
    spine = page_count(files["print-kdp"]) * WHITE["kdp"]
    dpi = 40
    sheet_image = rendered(path, dpi, tmp_path).convert("RGB")

    def panel(name):
        left, top, right, bottom = panels(path, spine)[name]
        return sheet_image.crop(tuple(round(v * dpi) for v in (left, top, right, bottom)))

    front = panel("front")
    ebook = Image.open(io.BytesIO(epub_cover)).convert("RGB").resize(front.size, Image.LANCZOS)
    assert ebook.size[1] / ebook.size[0] == pytest.approx(TRIM[1] / TRIM[0], abs=0.01)

    def difference(image):
        return sum(ImageStat.Stat(ImageChops.difference(image, ebook)).mean) / 3

    assert difference(front) < 4  # the same picture, drawn twice
    assert difference(panel("back")) > 3 * difference(front)  # and the measure can tell a different one


def test_the_web_edition_offers_no_print_file_unless_asked(built):
    """Interiors and covers are files for the printer: [web] downloads offers them only when named."""
    _, files = built
    index = (files["web"] / "index.html").read_text(encoding="utf-8")
    assert f"{SLUG}.epub" in index and f"{SLUG}-kdp.pdf" not in index and "-cover.pdf" not in index
    assert not list(files["web"].glob("*-cover.pdf"))


def test_the_epub_with_the_drawn_cover_passes_epubcheck(built):
    _, files = built
    assert epubcheck(files["epub"]) == []


def test_the_sample_books_covers_carry_its_blurb_and_barcode(tmp_path):
    """manuscript/ names both services: its covers build cleanly, with the back it brings."""
    out = tmp_path / "dist"
    out.mkdir()
    for profile, pages in (("kdp", 82), ("ingram", 84)):
        interior = pikepdf.new()
        for _ in range(pages):
            interior.add_blank_page(page_size=(6 * IN, 9 * IN))
        interior.save(out / f"the-small-table-{profile}.pdf")
    result = build(SAMPLE, out, ("print-kdp-cover", "print-ingram-cover"))
    assert not result.diagnostics.items, diagnostics_text(result)
    for output in result.outputs:
        assert "9780000000002 51699" in scanned(output.path, tmp_path)  # [cover] price = "USD 16.99"
        text = re.sub(r"\s+", " ", "".join(page.extract_text() for page in PdfReader(str(output.path)).pages))
        assert "You were good at the work, so they gave you the team." in text
    assert [o.note.split(",")[0] for o in result.outputs] == ["spine 0.205 in for 82 pages on cream paper",
                                                                "spine 0.192 in for 84 pages on 50 lb creme"]


# --- the spine --------------------------------------------------------------------------------------


def test_adding_a_chapter_widens_the_spine_in_the_next_build(tmp_path):
    root = copy_book(BOOK, tmp_path)
    set_toml(root, {'profiles = ["kdp", "ingram"]': 'profiles = ["kdp"]'})
    out = tmp_path / "dist"
    # A cover alone lays its interior out to count it, and leaves nothing else behind.
    alone = build(root, out, ("print-kdp-cover",))
    assert not alone.diagnostics.errors, diagnostics_text(alone)
    assert "laid out to count them" in alone.outputs[0].note
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [f"{SLUG}-kdp-cover.pdf"]
    first_alone = sheet(out / f"{SLUG}-kdp-cover.pdf")["/MediaBox"][2]

    before = build(root, out)
    files = {o.format: o.path for o in before.outputs}
    pages_before = page_count(files["print-kdp"])
    width_before = sheet(files["print-kdp-cover"])["/MediaBox"][2]
    assert width_before == pytest.approx(first_alone, abs=0.0005)

    (root / "045-more.md").write_text("# A Further Chapter\n\n" + "\n\n".join(
        "The binder squares the block, runs the glue along its spine and wraps the cover round it; "
        "then the knife trims head, foot and fore-edge in one stroke." for _ in range(24)), encoding="utf-8")
    after = build(root, out)
    assert not after.diagnostics.errors, diagnostics_text(after)
    files = {o.format: o.path for o in after.outputs}
    pages_after = page_count(files["print-kdp"])
    width_after = sheet(files["print-kdp-cover"])["/MediaBox"][2]
    assert pages_after > pages_before
    assert width_after - width_before == pytest.approx((pages_after - pages_before) * WHITE["kdp"], abs=0.001)


@pytest.mark.parametrize("language, reading", [("en", "top-down"), ("de", "bottom-up")])
def test_a_thick_book_carries_title_author_and_publisher_along_its_spine(tmp_path, language, reading):
    root = copy_book(BOOK, tmp_path)
    set_toml(root, {'language = "en"': f'language = "{language}"'})
    result, path = cover_only(root, tmp_path / "dist", 300)
    assert not result.diagnostics.errors, diagnostics_text(result)
    spine = 300 * WHITE["kdp"]
    zone = panels(path, spine)["spine"]
    chars = words_in(path, zone)
    ordered = sorted(chars, key=lambda c: c["top"], reverse=reading == "bottom-up")
    text = "".join(c["text"] for c in ordered)
    assert text == "BOARDSANDSPINESODILEFAIRWEATHERFIXTUREHOUSE"
    assert not any(c["upright"] for c in chars)
    fold = SPECS["kdp"].spine_margin
    assert all(c["x0"] >= (zone[0] + fold) * IN - 0.5 and c["x1"] <= (zone[2] - fold) * IN + 0.5 for c in chars)


def test_kdp_counts_a_spine_too_thin_for_words_at_80_pages_on_white_and_writes_it_on_cream(tmp_path):
    """80 white pages: KDP allows spine text, but 0.18 in between two 1/16 in margins is too
    narrow for legible type; the same pages on cream paper take it."""
    root = copy_book(BOOK, tmp_path)
    result, path = cover_only(root, tmp_path / "white", 80)
    assert "no spine text" in result.outputs[0].note
    assert words_in(path, panels(path, 80 * WHITE["kdp"])["spine"]) == []
    set_toml(root, {'paper = "white"': 'paper = "cream"'})
    result, path = cover_only(root, tmp_path / "cream", 80)
    assert not result.diagnostics.errors, diagnostics_text(result)
    assert words_in(path, panels(path, 80 * 0.0025)["spine"])


# --- the barcode ------------------------------------------------------------------------------------


def test_kdp_barcode_area_is_left_clear_when_kdp_prints_its_own(tmp_path):
    root = copy_book(BOOK, tmp_path)
    set_toml(root, {'price = "GBP 9.99"': 'price = "GBP 9.99"\nkdp-barcode = "kdp"'})
    result, path = cover_only(root, tmp_path / "dist", 120)
    assert not result.diagnostics.errors and not result.diagnostics.warnings, diagnostics_text(result)
    assert scanned(path, tmp_path) == set()
    back = panels(path, 120 * WHITE["kdp"])["back"]
    area = (back[2] - 0.25 - 2.0, back[3] - 0.25 - 1.2, back[2] - 0.25, back[3] - 0.25)  # KDP's 2 x 1.2 in box
    dpi = 100
    drawn = rendered(path, dpi, tmp_path).convert("RGB").crop(tuple(round(v * dpi) for v in area))
    assert [low == high for low, high in ImageStat.Stat(drawn).extrema] == [True, True, True]  # one colour
    assert drawn.getpixel((0, 0)) == (0x3B, 0x2F, 0x2A)  # the ground, [cover] background
    # IngramSpark prints no barcode of its own: its cover keeps ours.
    result, ingram = cover_only(root, tmp_path / "ingram", 120, "ingram")
    assert f"{ISBN} {PRICE}" in scanned(ingram, tmp_path)


def test_a_cover_is_the_same_file_when_built_again(tmp_path):
    root = copy_book(BOOK, tmp_path)
    _, first = cover_only(root, tmp_path / "one", 200, "ingram")
    time.sleep(1.1)  # a clock that moved on changes nothing either
    _, second = cover_only(root, tmp_path / "two", 200, "ingram")
    assert first.read_bytes() == second.read_bytes()


# --- a picture for the front ------------------------------------------------------------------------


def picture(path: Path, size: tuple[int, int]) -> None:
    image = Image.new("RGB", size, (30, 90, 120))
    image.paste((200, 160, 60), (size[0] // 4, size[1] // 4, 3 * size[0] // 4, size[1] // 2))
    image.save(path)


def test_the_authors_picture_fills_the_front_and_its_bleed(tmp_path):
    root = copy_book(BOOK, tmp_path)
    picture(root / "front.png", (1688, 2625))  # (5.5 + 0.125) x 8.75 in at 300 ppi
    set_toml(root, {'description = "': 'cover = "front.png"\ndescription = "'})
    result, path = cover_only(root, tmp_path / "dist", 200)
    assert not result.diagnostics.errors, diagnostics_text(result)
    spine = 200 * WHITE["kdp"]
    front = panels(path, spine)["front"]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        [image] = [i for i in page.images if i["width"] > 4 * IN]
        sheet_width = float(page.width)
    assert image["x0"] == pytest.approx(front[0] * IN, abs=0.5)  # from the spine's fold
    assert image["x1"] == pytest.approx(sheet_width, abs=0.5)  # to the outside edge of the bleed
    assert image["top"] == pytest.approx(0, abs=0.5)
    assert image["bottom"] == pytest.approx((TRIM[1] + 0.25) * IN, abs=0.5)
    assert image["srcsize"][0] / (image["width"] / IN) >= 299


@pytest.mark.parametrize("size, words", [
    ((800, 1244), ["the cover image is 800 x 1244 px: 142 ppi on the printed front",
                   "at least 1688 x 2625 px"]),
    ((2700, 2700), ["the cover image is 2700 x 2700 px, 1.000 as wide as it is tall", "0.643"]),
])
def test_a_picture_too_small_or_of_the_wrong_shape_is_an_error_at_its_line(tmp_path, size, words):
    root = copy_book(BOOK, tmp_path)
    picture(root / "front.png", size)
    set_toml(root, {'description = "': 'cover = "front.png"\ndescription = "'})
    result, path = cover_only(root, tmp_path / "dist", 200)
    [error] = result.diagnostics.errors
    line = line_of(root, "cover = ")
    assert error.format().startswith(f"book.toml:{line}:1: error: the Amazon KDP paperback cover: ")
    assert all(w in error.message for w in words) and not path.exists()


# --- the back's words -------------------------------------------------------------------------------


def test_a_blurb_too_long_for_the_back_says_by_how_many_lines(tmp_path):
    root = copy_book(BOOK, tmp_path)
    lines = [f"Line {n} of the blurb." for n in range(60)]

    def overflow(count: int) -> str:
        (root / "cover" / "back.md").write_text("\n\n".join(lines[:count]) + "\n", encoding="utf-8")
        result, path = cover_only(root, tmp_path / f"dist-{count}", 150)
        [error] = result.diagnostics.errors
        assert not path.exists()
        return error.format()

    first = overflow(40)
    match = re.fullmatch(r"cover/back\.md:1:1: error: the back cover's text overflows the back by (\d+) lines\n"
                         r"  hint: .*", first)
    assert match, first
    assert f"by {int(match.group(1)) + 3} lines" in overflow(43)  # three more one-line paragraphs


def test_what_a_cover_cannot_print_is_an_error_at_its_line(tmp_path):
    root = copy_book(BOOK, tmp_path)
    (root / "cover" / "back.md").write_text("A blurb.\n\nSee @sec-x and ![a picture](cover/author.png).\n",
                                            encoding="utf-8")
    result, _ = cover_only(root, tmp_path / "dist", 150)
    assert [d.format().splitlines()[0] for d in result.diagnostics.sorted() if d.severity == "error"] == [
        "cover/back.md:3:5: error: the back cover cannot print a cross-reference",
        "cover/back.md:3:16: error: the back cover cannot print a picture",
    ]


def test_without_an_isbn_ingram_warns_and_kdp_leaves_the_barcode_to_kdp(tmp_path):
    root = copy_book(BOOK, tmp_path)
    set_toml(root, {'isbn = "978-1-4028-9462-6"\n': ""})
    result, _ = cover_only(root, tmp_path / "ingram", 120, "ingram")
    assert [d.format().splitlines()[0] for d in result.diagnostics.warnings] == [
        f"book.toml:{line_of(root, '[print]')}:1: warning: the IngramSpark cover has no barcode: "
        "[print] isbn is not set"]
    result, kdp = cover_only(root, tmp_path / "kdp", 120, "kdp")
    assert not result.diagnostics.items and scanned(kdp, tmp_path) == set()


# --- book.toml ----------------------------------------------------------------------------------------


def read_config(tmp_path: Path, text: str) -> tuple[object, list[str]]:
    (tmp_path / "book.toml").write_text(text, encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    loaded = load_config(tmp_path, diags)
    return loaded and loaded[0], [d.format().splitlines()[0] for d in diags.sorted()]


BASE = '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n'


@pytest.mark.parametrize("written, digits", [
    ("USD 14.99", "51499"), ("$14.99", "51499"), ("14.99 USD", "51499"), ("GBP 9.99", "00999"),
    ("£7.50", "00750"), ("CAD 19.99", "61999"), ("AUD 29.95", "32995"), ("NZD 30", "43000"),
    ("USD 120", "59999"), ("52495", "52495"),
])
def test_the_price_becomes_the_add_ons_five_digits(tmp_path, written, digits):
    config, messages = read_config(tmp_path, BASE + f'[cover]\nprice = "{written}"\n')
    assert messages == [] and config.cover.price == digits


def test_paper_and_colours_are_read_in_the_services_spellings(tmp_path):
    config, messages = read_config(tmp_path, BASE + '[print]\npaper = "Creme"\n[cover]\nbackground = "#fff"\n'
                                                    'text = "#102030"\n')
    assert messages == []
    assert (config.print.paper, config.cover.background, config.cover.text) == ("cream", "#ffffff", "#102030")
    config, _ = read_config(tmp_path, BASE)
    assert (config.print.paper, config.cover.price, config.cover.kdp_barcode) == ("white", "90000", "bookwright")


def test_cover_option_mistakes_name_their_line(tmp_path):
    _, messages = read_config(tmp_path, BASE + """\
[print]
paper = "glossy"
isbn = "978-1-4028-9462-7"

[cover]
back = "missing.md"
author-photo = "../outside.png"
background = "navy"
price = "EUR 12.00"
kdp-barcode = "amazon"
""")
    assert messages == [
        "book.toml:6:1: error: [print] paper = 'glossy' is not known",
        "book.toml:7:1: error: [print] isbn '978-1-4028-9462-7' is not a valid ISBN",
        "book.toml:10:1: error: [cover] back file 'missing.md' does not exist",
        "book.toml:11:1: error: [cover] author-photo '../outside.png' is outside the book folder",
        "book.toml:12:1: error: [cover] background = 'navy' is not a colour",
        "book.toml:13:1: error: [cover] price 'EUR 12.00' is not a price the barcode can carry",
        "book.toml:14:1: error: [cover] kdp-barcode = 'amazon' is not known",
    ]


def test_words_hard_to_read_on_their_ground_are_a_warning(tmp_path):
    _, messages = read_config(tmp_path, BASE + '[cover]\nbackground = "#777777"\ntext = "#888888"\n')
    assert messages == ["book.toml:7:1: warning: the covers' words (#888888) on their ground (#777777) have a "
                        "contrast of 1.3:1, hard to read"]


def test_the_covers_words_are_not_taken_for_chapters(tmp_path):
    (tmp_path / "01-one.md").write_text("# One\n\nText.\n", encoding="utf-8")
    (tmp_path / "back.md").write_text("The blurb.\n", encoding="utf-8")
    config, messages = read_config(tmp_path, BASE + '[cover]\nback = "back.md"\n')
    assert messages == [] and [entry.path for entry in config.book.chapters] == ["01-one.md"]


# --- `bookwright check --profile kdp-cover|ingram-cover` ------------------------------------------


def test_check_passes_the_built_covers(built, capsys):
    _, files = built
    out = files["print-kdp-cover"].parent
    for profile in ("kdp-cover", "ingram-cover"):
        code = main(["check", str(BOOKS / BOOK), "--profile", profile, "--out", str(out), "--no-gate"])
        assert code == 0, capsys.readouterr().err
        assert "no problems found" in capsys.readouterr().out


def test_check_finds_rgb_no_pdfx_and_the_wrong_size_in_a_file_made_for_kdp(built, capsys):
    _, files = built
    out = files["print-kdp-cover"].parent
    code = main(["check", str(BOOKS / BOOK), "--profile", "ingram-cover", "--out", str(out), "--no-gate",
                 "--pdf", str(files["print-kdp-cover"])])
    err = capsys.readouterr().err
    assert code == 1
    assert "the file does not declare PDF/X" in err and "is in RGB" in err
    assert re.search(r"the cover is 11\.304 in x 8\.750 in; it must be 11\.314 in x 8\.750 in \(a spine of "
                     r"0\.064 in for 30 pages on 50 lb white", err), err


def test_check_finds_a_barcode_that_is_not_the_books_isbn(tmp_path, capsys):
    root = copy_book(BOOK, tmp_path)
    out = tmp_path / "dist"
    cover_only(root, out, 100)
    set_toml(root, {'isbn = "978-1-4028-9462-6"': 'isbn = "978-0-306-40615-7"'})
    code = main(["check", str(root), "--profile", "kdp-cover", "--out", str(out), "--no-gate"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: the barcode reads {ISBN} {PRICE}, not the ISBN 9780306406157 {PRICE}" in err


def test_check_asks_for_the_interior_it_needs(tmp_path, capsys):
    code = main(["check", str(BOOKS / BOOK), "--profile", "kdp-cover", "--out", str(tmp_path), "--no-gate"])
    assert code == 1 and "no such file to check" in capsys.readouterr().err
