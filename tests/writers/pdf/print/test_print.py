"""Print interiors (issue 5): each profile built from a fixture book and read back the way
a print-on-demand service's file check and a reader's tools read it."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import textwrap
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pikepdf import Dictionary, Name

from support import build_book, copy_book, diagnostics_text

from bookwright.build import pipeline
from bookwright.editions import Edition
from bookwright.cli import main
from bookwright.load.config import load_config
from bookwright.diagnostics import Diagnostics
from bookwright.writers.pdf.print.preflight import preflight
from bookwright.writers.pdf.print.profiles import PROFILES, gutter_for

BOOK = "print-book"
PT = 72.0


def set_toml(book: Path, replace: dict[str, str]) -> None:
    toml = book / "book.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture book as a screen PDF and both print-on-demand interiors (colour)."""
    out = tmp_path_factory.mktemp("print-dist")
    result = build_book(BOOK, out, formats=("pdf", "print-kdp", "print-ingram"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    files = {o.format: o.path for o in result.outputs}
    return result, files


def write_cmyk_profile(path: Path, description: str) -> bytes:
    """An ICC header and 'desc' tag: enough for the output intent's plumbing, not for colour."""
    desc = description.encode("ascii")
    tag = b"desc" + b"\0" * 4 + struct.pack(">I", len(desc) + 1) + desc + b"\0"
    header = bytearray(128)
    header[0:4] = struct.pack(">I", 128 + 4 + 12 + len(tag))
    header[12:24] = b"prtrCMYKLab "
    header[36:40] = b"acsp"
    data = bytes(header) + struct.pack(">I", 1) + b"desc" + struct.pack(">II", 144, len(tag)) + tag
    path.write_bytes(data)
    return data


@pytest.fixture(scope="module")
def bleed_built(tmp_path_factory):
    """The same book with bleed, a black-and-white PDF/X-4 interior with the printer's
    profile, and a crop-marked press file."""
    root = copy_book(BOOK, tmp_path_factory.mktemp("bleed-book"))
    write_cmyk_profile(root / "press-cmyk.icc", "Fixture Press CMYK")
    set_toml(root, {'interior = "color"': 'bleed = true\nmarks = "crop"\nbleed-size = "3mm"\n'
                                          'pdfx = "x-4"\nicc = "press-cmyk.icc"'})
    result = build_book(root, root / "dist", formats=("print-kdp", "print-ingram", "print-press"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    return result, {o.format: o.path for o in result.outputs}


def content_operators(pdf: pikepdf.Pdf):
    """(page number, operator, operands, resources) for every instruction of every page,
    form XObject and tiling pattern, each object read once."""
    seen = set()

    def walk(stream, resources, number):
        for instruction in pikepdf.parse_content_stream(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                yield number, "BI", [], resources
                continue
            op = str(instruction.operator)
            yield number, op, list(instruction.operands), resources
            if op == "Do":
                xobject = resources.XObject[instruction.operands[0]]
                if xobject.objgen not in seen and xobject.get("/Subtype") == Name.Form:
                    seen.add(xobject.objgen)
                    yield from walk(xobject, xobject.get("/Resources", resources), number)

    for number, page in enumerate(pdf.pages, 1):
        yield from walk(page.obj, page.obj.Resources, number)
        for pattern in (page.obj.Resources.get("/Pattern") or Dictionary()).values():
            if pattern.get("/PatternType") == 1 and pattern.objgen not in seen:
                seen.add(pattern.objgen)
                yield from walk(pattern, pattern.get("/Resources"), number)


def images(pdf: pikepdf.Pdf) -> list:
    found = {}
    for _, op, operands, resources in content_operators(pdf):
        if op == "Do":
            xobject = resources.XObject[operands[0]]
            if xobject.get("/Subtype") == Name.Image:
                found[xobject.objgen] = xobject
    return list(found.values())


def boxes(page) -> dict[str, list[float]]:
    return {key: [round(float(v), 2) for v in page.obj[key]] for key in ("/MediaBox", "/TrimBox", "/BleedBox")}


def page_is_blank(plumber_page) -> bool:
    return not (plumber_page.chars or plumber_page.images or plumber_page.rects or plumber_page.lines
                or plumber_page.curves)


# --- the screen PDF -----------------------------------------------------------------------------


def test_screen_pdf_is_tagged_pdf_ua_with_language_and_title(built):
    _, files = built
    with pikepdf.open(files["pdf"]) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title) == "Ink and Paper"
        xmp = pdf.Root.Metadata.read_bytes().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert "Ink and Paper</rdf:li>" in xmp  # dc:title
    assert preflight(files["pdf"], "screen") == []
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(files["pdf"])], capture_output=True, text=True, check=True).stdout
        assert "Tagged:          yes" in info


def test_screen_running_heads_and_folios_are_pagination_artifacts_and_headers_have_scope(built):
    _, files = built
    with pikepdf.open(files["pdf"]) as pdf:
        root = pdf.Root.StructTreeRoot
        reachable, pending, header_scopes = set(), [root.K], []
        while pending:
            node = pending.pop()
            if isinstance(node, pikepdf.Array):
                pending.extend(node)
            elif isinstance(node, Dictionary):
                if node.objgen in reachable:
                    continue
                reachable.add(node.objgen)
                if node.get("/S") == Name.TH:
                    header_scopes.append(node.A.get("/Scope"))
                pending.append(node.get("/K"))
        # The table's header cells head their columns, for a screen reader reading a cell.
        assert header_scopes and set(header_scopes) == {Name.Column}
        nums = root.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        pagination = 0
        for page in pdf.pages:
            elements = parents[int(page.obj.StructParents)]
            for instruction in pikepdf.parse_content_stream(page.obj):
                if str(instruction.operator) != "BDC":
                    continue
                tag, properties = instruction.operands
                if tag == Name.Artifact:
                    pagination += properties.get("/Type") == Name.Pagination
                elif "/MCID" in properties:
                    # Every piece of tagged content belongs to the structure a screen reader walks.
                    assert elements[int(properties.MCID)].objgen in reachable
    # A folio on (nearly) every page, a running head on most: never fewer than the pages with text.
    with pdfplumber.open(files["pdf"]) as plumber:
        with_text = sum(1 for p in plumber.pages if p.chars)
    assert pagination >= with_text - 4


def test_screen_pdf_keeps_links_and_bookmarks(built):
    _, files = built
    with pikepdf.open(files["pdf"]) as pdf:
        assert "/Outlines" in pdf.Root
        assert any("/Annots" in page.obj for page in pdf.pages)


# --- what every print interior has --------------------------------------------------------------------


def test_print_files_are_named_for_their_service(built):
    _, files = built
    assert files["print-kdp"].name == "ink-and-paper-kdp.pdf"
    assert files["print-ingram"].name == "ink-and-paper-ingram.pdf"
    assert files["pdf"].parent == files["print-kdp"].parent


@pytest.mark.parametrize("fmt", ["print-kdp", "print-ingram"])
def test_print_interiors_have_no_links_bookmarks_or_destinations(built, fmt):
    _, files = built
    with pikepdf.open(files[fmt]) as pdf:
        assert "/Outlines" not in pdf.Root
        assert all("/Annots" not in page.obj for page in pdf.pages)
        assert "/Dests" not in pdf.Root.get("/Names", Dictionary())
    with pdfplumber.open(files[fmt]) as plumber:
        text = "\n".join(page.extract_text() or "" for page in plumber.pages)
    # References still read as references, and a web address prints after its words.
    assert "See Figure 1.1 and Figure 1.2" in " ".join(text.split())
    assert "(https://example.org/colour)" in text.replace("\n", "")


@pytest.mark.parametrize("fmt", ["pdf", "print-kdp", "print-ingram"])
def test_every_font_is_embedded(built, fmt):
    _, files = built
    if shutil.which("pdffonts"):
        lines = subprocess.run(["pdffonts", str(files[fmt])], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert lines, "no fonts listed"
        for line in lines:
            emb, _sub, _uni = re.search(r"(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line).groups()
            assert emb == "yes", line
    with pikepdf.open(files[fmt]) as pdf:
        for font in pdf.pages[0].obj.Resources.Font.values():
            descendant = font.DescendantFonts[0] if font.Subtype == Name.Type0 else font
            assert any(k in descendant.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_print_interior_without_bleed_is_the_trim_size(built):
    _, files = built
    with pikepdf.open(files["print-kdp"]) as pdf:
        for page in pdf.pages:
            assert boxes(page) == {"/MediaBox": [0, 0, 432, 648], "/TrimBox": [0, 0, 432, 648],
                                   "/BleedBox": [0, 0, 432, 648]}


def test_kdp_page_count_is_even(built):
    _, files = built
    with pdfplumber.open(files["print-kdp"]) as plumber:
        assert len(plumber.pages) % 2 == 0


def test_ingram_pads_to_a_multiple_of_six_and_ends_on_a_blank_page(built):
    _, files = built
    with pdfplumber.open(files["print-ingram"]) as plumber:
        count = len(plumber.pages)
        assert count % 6 == 0  # a 6 x 9 in trim
        assert page_is_blank(plumber.pages[-1])
        content_pages = [i for i, p in enumerate(plumber.pages) if not page_is_blank(p)]
    assert count >= content_pages[-1] + 2
    if shutil.which("pdftoppm"):
        png = subprocess.run(["pdftoppm", "-f", str(count), "-l", str(count), "-r", "20", "-gray", "-png",
                              str(files["print-ingram"])], capture_output=True, check=True).stdout
        from io import BytesIO

        from PIL import Image

        assert Image.open(BytesIO(png)).convert("L").getextrema() == (255, 255)  # not a dot of ink


def test_ingram_is_pdf_x1a_with_an_output_intent(built):
    _, files = built
    with pikepdf.open(files["print-ingram"]) as pdf:
        assert pdf.pdf_version == "1.4"
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-1a:2003"
        assert str(pdf.docinfo.Title) == "Ink and Paper"
        assert str(pdf.Root.Lang) == "en"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == Name.GTS_PDFX and str(intent.OutputConditionIdentifier)
        xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-1a:2003</pdfxid:GTS_PDFXVersion>" in xmp
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(files["print-ingram"])], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def rgb_uses(pdf: pikepdf.Pdf) -> list:
    uses = []
    for number, op, operands, resources in content_operators(pdf):
        if op in ("rg", "RG"):
            uses.append((number, op, operands))
        if op in ("cs", "CS") and operands[0] == Name.DeviceRGB:
            uses.append((number, op, operands))
    for image in images(pdf):
        if image.get("/ColorSpace") == Name.DeviceRGB:
            uses.append(("image", image.get("/Width")))
    return uses


def test_ingram_colour_interior_is_cmyk_without_transparency(built):
    _, files = built
    with pikepdf.open(files["print-ingram"]) as pdf:
        assert rgb_uses(pdf) == []
        operators = {op for _, op, _, _ in content_operators(pdf)}
        assert {"k"} <= operators  # the colours are still colours, in ink
        pictures = images(pdf)
        assert pictures and all(p.ColorSpace == Name.DeviceCMYK and "/SMask" not in p for p in pictures)
        for page in pdf.pages:
            for state in (page.obj.Resources.get("/ExtGState") or Dictionary()).values():
                assert float(state.get("/ca", 1)) == 1 and float(state.get("/CA", 1)) == 1
                assert state.get("/SMask", Name.None_) == Name.None_
        # Black text is black ink alone, never four inks.
        blacks = [operands for _, op, operands, _ in content_operators(pdf) if op == "k" and float(operands[3]) == 1]
        assert blacks and all(float(c) == 0 for operands in blacks for c in operands[:3])


def test_kdp_keeps_the_colours_the_book_has(built):
    # The same check that finds nothing in the IngramSpark file finds RGB here.
    _, files = built
    with pikepdf.open(files["print-kdp"]) as pdf:
        uses = rgb_uses(pdf)
    assert any(u[0] == "image" for u in uses)
    assert any(u[1] == "rg" and len({round(float(v), 2) for v in u[2]}) > 1 for u in uses if u[0] != "image")


def test_ingram_black_and_white_interior_is_grey(bleed_built):
    _, files = bleed_built
    with pikepdf.open(files["print-ingram"]) as pdf:
        operators = {op for _, op, _, _ in content_operators(pdf)}
        assert not operators & {"rg", "RG", "k", "K"}
        assert "g" in operators
        assert all(p.ColorSpace == Name.DeviceGray for p in images(pdf))


def test_ingram_pdf_x4_embeds_the_printers_profile(bleed_built):
    result, files = bleed_built
    profile = (result.book.root / "press-cmyk.icc").read_bytes()
    with pikepdf.open(files["print-ingram"]) as pdf:
        assert pdf.pdf_version == "1.6"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == Name.GTS_PDFX
        assert str(intent.OutputCondition) == "Fixture Press CMYK"
        assert intent.DestOutputProfile.N == 4
        assert intent.DestOutputProfile.read_bytes() == profile
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp


def test_bleed_is_on_the_top_bottom_and_outside_edge_only(bleed_built):
    _, files = bleed_built
    for fmt in ("print-kdp", "print-ingram"):
        with pikepdf.open(files[fmt]) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                b = boxes(page)
                assert b["/MediaBox"] == [0, 0, 441, 666]  # 6.125 x 9.25 in
                assert b["/BleedBox"] == b["/MediaBox"]
                if number % 2:  # right-hand page: the spine is on the left
                    assert b["/TrimBox"] == [0, 9, 432, 657]
                else:
                    assert b["/TrimBox"] == [9, 9, 441, 657]


def test_press_file_has_crop_marks_and_its_own_bleed(bleed_built):
    _, files = bleed_built
    bleed = 3 / 25.4 * PT
    with pikepdf.open(files["print-press"]) as pdf:
        b = boxes(pdf.pages[0])
    assert b["/MediaBox"] == [0, 0, round(432 + 2 * bleed, 2), round(648 + 2 * bleed, 2)]
    assert b["/TrimBox"] == [round(bleed, 2), round(bleed, 2), round(432 + bleed, 2), round(648 + bleed, 2)]
    with pdfplumber.open(files["print-press"]) as plumber:
        page = plumber.pages[0]  # the half-title: nothing else is drawn outside the trim
        trim_top = page.height - b["/TrimBox"][3]
        marks = [c for c in page.lines + page.curves if c["top"] < trim_top - 1 or c["x0"] < b["/TrimBox"][0] - 1]
    assert len(marks) >= 4


# --- the gutter -------------------------------------------------------------------------------------------


def text_edges(path: Path, first_body_page: int, last: int | None = None):
    """The body text's left edge on right-hand pages and right edge on left-hand pages,
    from `first_body_page` to `last`."""
    recto, verso = [], []
    with pdfplumber.open(path) as plumber:
        for number in range(first_body_page, min(last or len(plumber.pages), len(plumber.pages)) + 1):
            page = plumber.pages[number - 1]
            # Body text only: leave out running heads and folios in the top and bottom margins.
            chars = [c for c in page.chars if 0.9 * PT < c["top"] < page.height - 0.9 * PT and c["size"] < 14]
            if not chars:
                continue
            if number % 2:
                recto.append(min(c["x0"] for c in chars))
            else:
                verso.append(page.width - max(c["x1"] for c in chars))
    return recto, verso


def test_small_book_gets_the_narrowest_gutter(built):
    _, files = built
    recto, verso = text_edges(files["print-kdp"], 9)
    assert recto and verso
    assert abs(min(recto) - 0.375 * PT) < 1.5
    assert abs(min(verso) - 0.375 * PT) < 1.5
    # IngramSpark never goes below half an inch, whatever the page count.
    recto, _ = text_edges(files["print-ingram"], 9)
    assert abs(min(recto) - 0.5 * PT) < 1.5


def test_gutter_table():
    assert [gutter_for(n) for n in (24, 150, 151, 300, 301, 500, 501, 700, 701, 900)] == [
        0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875, 0.875]
    assert PROFILES["ingram"].inside_margin(40) == 0.5
    assert PROFILES["ingram"].padded_count(84, 6 * PT, 9 * PT) == 90  # one blank page at least
    assert PROFILES["ingram"].padded_count(83, 7 * PT, 10 * PT) == 84
    assert PROFILES["kdp"].padded_count(83, 6 * PT, 9 * PT) == 84


WORDS = ("quiet paper holds every line of ink the press lays down while the reader turns pages "
         "slowly and the binding keeps them in order from the first signature to the last").split()


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """A synthetic book past 150 pages: the first layout's page count must widen the gutter."""
    root = tmp_path_factory.mktemp("long-book")
    (root / "book.toml").write_text(textwrap.dedent("""\
        [book]
        title = "A Long Proof"
        authors = ["Page Count"]
        language = "en"

        [toc]
        depth = 1

        [pdf]
        trim = "5x8"

        [style]
        font-size = "14pt"
        """), encoding="utf-8")
    for n in range(1, 79):
        # Every chapter opens on a right-hand page; every third runs over to the left-hand one.
        words = [WORDS[(n * 7 + i) % len(WORDS)] for i in range(175 if n % 3 == 0 else 40)]
        body = " ".join(words).capitalize() + "."
        (root / f"{n:02d}-chapter.md").write_text(f"# Chapter {n}\n\n{body}\n", encoding="utf-8")
    result = build_book(root, root / "dist", formats=("print-kdp",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    return result, result.outputs[0].path


def test_gutter_follows_the_page_count_table(long_book):
    _, path = long_book
    with pdfplumber.open(path) as plumber:
        count = len(plumber.pages)
    assert 151 <= count <= 300 and count % 2 == 0
    recto, verso = text_edges(path, 5, last=80)
    assert len(recto) > 30 and len(verso) > 8
    assert abs(min(recto) - 0.5 * PT) < 1.5  # 151-300 pages: half an inch at the spine
    assert abs(min(verso) - 0.5 * PT) < 1.5
    # The outside margin stays the design's: the text block moved away from the spine.
    assert max(recto) < 0.5 * PT + 2


def test_check_profile_passes_a_good_file_and_explains_a_bad_one(long_book, built, capsys):
    result, path = long_book
    book = result.book.root
    assert main(["check", str(book), "--no-gate", "--profile", "kdp", "--out", str(path.parent)]) == 0
    capsys.readouterr()
    _, files = built
    assert main(["check", str(book), "--no-gate", "--profile", "kdp", "--pdf", str(files["pdf"])]) == 1
    err = capsys.readouterr().err
    assert "links or comments (annotations)" in err
    assert "bookmarks" in err
    assert main(["check", str(book), "--no-gate", "--profile", "ingram", "--out", str(path.parent)]) == 1
    assert "no such file to check" in capsys.readouterr().err


# --- the preflight finds what a service rejects ------------------------------------------------------------


def test_preflight_finds_rgb_blank_runs_and_a_printed_last_page(built, tmp_path):
    _, files = built
    assert preflight(files["print-ingram"], "ingram", trim=(432, 648), skip=("ppi",)) == []
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(files["print-ingram"]) as pdf:
        page = pdf.pages[10]
        page.contents_add(pdf.make_stream(b"q 1 0 0 rg 100 100 20 20 re f Q"))
        for _ in range(3):
            blank = Dictionary(Type=Name.Page, MediaBox=[0, 0, 432, 648], TrimBox=[0, 0, 432, 648],
                               Resources=Dictionary(), Contents=pdf.make_stream(b""))
            pdf.pages.insert(12, pikepdf.Page(pdf.make_indirect(blank)))
        pdf.pages[-1].contents_add(pdf.make_stream(b"q 0 g 100 100 20 20 re f Q"))
        pdf.save(broken)
    texts = [f.text() for f in preflight(broken, "ingram", trim=(432, 648))]
    assert any("page 11: text or drawing colour is in RGB" in t for t in texts)
    assert any("more than two blank pages in a row" in t for t in texts)
    assert any("the last page is not blank" in t for t in texts)
    assert any("needs a multiple of 6" in t for t in texts)


def test_preflight_finds_text_in_the_gutter(built, tmp_path):
    _, files = built
    moved = tmp_path / "moved.pdf"
    with pikepdf.open(files["print-kdp"]) as pdf:
        page = pdf.pages[10]  # a right-hand page: the spine is on the left
        page.contents_add(pdf.make_stream(b"q 1 0 0 1 -20 0 cm"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q"))
        pdf.save(moved)
    texts = [f.text() for f in preflight(moved, "kdp", trim=(432, 648))]
    assert any(t.startswith("page 11: text comes within") and "of the spine" in t for t in texts)


# --- book typography --------------------------------------------------------------------------------------


def test_low_resolution_pictures_are_named_with_their_ppi(built):
    result, _ = built
    warnings = [d.format() for d in result.diagnostics.warnings]
    assert any(w.startswith("01-colour.md:31:") and "images/thumbnail.png" in w and "96 ppi" in w for w in warnings)
    assert not any("swatches.png" in w for w in warnings)  # 1600 px over the measure: above 300 ppi


def test_print_typography(built):
    _, files = built
    with pdfplumber.open(files["print-kdp"]) as plumber:
        pages = plumber.pages
        body = [c for p in pages for c in p.chars if c["text"].isalpha()]
        sizes = {}
        for c in body:
            sizes[round(c["size"], 1)] = sizes.get(round(c["size"], 1), 0) + 1
        assert max(sizes, key=sizes.get) == 10.5  # [style] font-size
        # A drop cap: the first letter of each chapter, more than three times the text size.
        caps = [c for c in body if c["size"] > 3 * 10.5]
        assert {c["text"] for c in caps} >= {"R", "A"}
        # A section break is a centred ornament.
        marks = [(p, c) for p in pages for c in p.chars if c["text"] == "\u2042"]
        assert len(marks) == 1
        page, mark = marks[0]
        lines = [c for c in page.chars if c["size"] == 10.5]
        centre = (min(c["x0"] for c in lines) + max(c["x1"] for c in lines)) / 2
        assert abs((mark["x0"] + mark["x1"]) / 2 - centre) < 2
        # The long table repeats its header row on every page it runs over.
        row = re.compile(r"\b(Cyan|Magenta|Yellow|Black|Red|Green|Blue|Orange|Violet|Brown) proof \d")
        table_pages = [p for p in pages if row.search(p.extract_text() or "")]
        assert len(table_pages) >= 2
        for p in table_pages:
            assert "Proof Name Coverage Paper" in " ".join((p.extract_text() or "").split())


# --- book.toml ---------------------------------------------------------------------------------------------


def read_config(tmp_path, text: str):
    (tmp_path / "book.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    return load_config(tmp_path, diags), [d.format().splitlines()[0] for d in diags.sorted()]


def test_print_options_are_read(tmp_path):
    (tmp_path / "cmyk.icc").write_bytes(b"\0" * 16 + b"CMYK" + b"\0" * 16 + b"acsp" + b"\0" * 100)
    (config, _), messages = read_config(tmp_path, """\
        [book]
        title = "T"
        authors = ["A"]
        language = "en"

        [style]
        font-size = 10
        line-height = "14pt"
        opening = "small-caps"

        [print]
        profiles = ["kdp", "ingram"]
        bleed = true
        pdfx = "x-4"
        icc = "cmyk.icc"
        interior = "colour"
        """)
    assert messages == []
    style = config.style
    assert (style.size("print"), style.leading("print"), style.chapter_opening) == ("10pt", "14pt", "small-caps")
    p = config.print
    assert (p.profiles, p.bleed, p.pdfx, p.interior, p.icc.name) == (("kdp", "ingram"), True, "x-4", "color", "cmyk.icc")


def test_print_option_mistakes_name_their_line(tmp_path):
    (tmp_path / "rgb.icc").write_bytes(b"\0" * 16 + b"RGB " + b"\0" * 16 + b"acsp" + b"\0" * 100)
    _, messages = read_config(tmp_path, """\
        [book]
        title = "T"
        authors = ["A"]
        language = "en"

        [style]
        font-size = "huge"
        opening = "fancy"

        [print]
        profiles = ["kdp", "lulu"]
        bleed = "yes"
        pdfx = "x-3"
        marks = "stars"
        icc = "rgb.icc"
        """)
    assert messages == [
        "book.toml:7:1: error: [style] font-size must be a size such as 10.5pt for the PDFs, not 'huge'",
        "book.toml:8:1: error: unknown chapter opening 'fancy'",
        "book.toml:11:1: error: unknown print profile 'lulu'",
        "book.toml:12:1: error: 'print.bleed' must be true or false, not str",
        "book.toml:13:1: error: [print] pdfx = 'x-3' is not known",
        "book.toml:14:1: error: [print] marks = 'stars' is not known",
        "book.toml:15:1: error: 'rgb.icc' is a RGB profile, not a CMYK one",
    ]


def test_pdf_x4_needs_the_printers_profile(tmp_path):
    _, messages = read_config(tmp_path, """\
        [book]
        title = "T"
        authors = ["A"]
        language = "en"

        [print]
        pdfx = "x-4"
        """)
    assert messages == ["book.toml:7:1: error: PDF/X-4 needs the printer's CMYK profile embedded"]


def test_print_formats_are_built_only_when_asked(tmp_path, monkeypatch):
    asked = []

    def write(edition, book, target, context):
        asked.append(edition.name)
        if not edition.folder:
            target.write_bytes(b"x")
        return ""

    monkeypatch.setattr(Edition, "write", write)
    root = copy_book(BOOK, tmp_path)
    pipeline.build(root, tmp_path / "dist")
    assert not any(f.startswith("print-") for f in asked)
    asked.clear()
    set_toml(root, {"[print]\n": '[print]\nprofiles = ["ingram"]\n'})
    result = pipeline.build(root, tmp_path / "dist")
    # (A cover starts beside its interior, and waits for its file: either may be asked first.)
    assert sorted(f for f in asked if f.startswith("print-")) == ["print-ingram", "print-ingram-cover"]
    assert result.outputs[-1].path.name == "ink-and-paper-ingram.pdf" or any(
        o.path.name == "ink-and-paper-ingram.pdf" for o in result.outputs)


def test_colour_conversion_keeps_black_text_in_black_ink_and_limits_ink():
    from bookwright.writers.pdf.print.colour import rgb_to_cmyk, rgb_to_grey

    assert rgb_to_cmyk(0, 0, 0) == (0, 0, 0, 1)
    c, m, y, k = rgb_to_cmyk(0.5, 0.5, 0.5)
    assert (c, m, y) == (0, 0, 0) and abs(k - 0.5) < 1e-9  # greys are black ink alone
    assert rgb_to_cmyk(1, 0, 0) == (0, 1, 1, 0)
    for rgb in ((0.02, 0, 0.05), (0.1, 0.3, 0.05), (0, 0, 0.01)):
        assert sum(rgb_to_cmyk(*rgb)) <= 2.4 + 1e-9  # total ink 240 %
    assert rgb_to_grey(1, 1, 1) == pytest.approx(1) and rgb_to_grey(0, 0, 0) == 0
