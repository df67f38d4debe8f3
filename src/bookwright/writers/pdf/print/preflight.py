"""Reading a built PDF back the way a print-on-demand service's file check does.

`preflight(path, profile)` opens the finished file, not the book, and lists every reason
the service would reject it, in words a self-publisher can act on. The rules' numbers
come from writers/pdf/print/profiles.py, the ones the writer lays the book out with.
pikepdf reads the structure (boxes, fonts, annotations, colour operators, metadata);
PDFium reads what is drawn where (text near an edge, image resolution, blank pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from pikepdf import Array, Dictionary, Name

from bookwright.editions import EDITIONS
from bookwright.load.print_options import points
from bookwright.writers.pdf.image_resolution import MIN_PPI
from bookwright.writers.pdf.print.profiles import INCH, POD_BLEED, PROFILES, Profile, gutter_for

TOLERANCE = 0.75  # points: rounding in the layout is not a margin violation
# A glyph may reach a little past its line's measure (a hyphen, an italic's overhang).
TEXT_TOLERANCE = 1.5


@dataclass(frozen=True)
class PreflightFinding:
    severity: str  # "error": the service rejects the file; "warning": it prints, but not as meant
    message: str
    page: int | None = None  # 1-based
    hint: str = ""

    def text(self) -> str:
        return (f"page {self.page}: " if self.page else "") + self.message


def _inches(points: float) -> str:
    return f"{points / INCH:.3g} in"


def preflight(path: Path, profile: str, trim: tuple[float, float] | None = None,
              skip: tuple[str, ...] = ()) -> list[PreflightFinding]:
    """Every problem `path` has for `profile` ("screen", "kdp", "ingram", "press").
    `trim` is the page size book.toml asks for, in points; `skip` names rules to leave out."""
    findings: list[PreflightFinding] = []
    with pikepdf.open(path) as pdf:
        findings += unembedded_fonts(pdf)
        if profile == "screen":
            findings += _accessibility(pdf)
            return findings
        rules = PROFILES[profile]
        findings += _interactive(pdf, rules)
        # Page 1 is a right-hand page, unless the book reads right to left: then its
        # rectos are left-hand pages and the spine is on their right.
        rectos_right = _direction(pdf) != "/R2L"
        boxes, bleed = _boxes(pdf, rules, trim, findings, rectos_right)
        if rules.pdfx:
            findings += pdfx_findings(pdf)
            findings += colour_findings(pdf)
    document = pdfium.PdfDocument(str(path))
    try:
        findings += _drawing_findings(document, rules, boxes, bleed, skip, rectos_right)
    finally:
        document.close()
    return findings


# --- structure ---------------------------------------------------------------------------------


def unembedded_fonts(pdf: pikepdf.Pdf) -> list[PreflightFinding]:
    missing: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()

    def visit_resources(resources, page_number: int) -> None:
        if not isinstance(resources, Dictionary):
            return
        for font in (resources.get("/Font") or Dictionary()).values():
            if font.is_indirect and font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            subtype = font.get("/Subtype")
            if subtype == Name.Type3:
                visit_resources(font.get("/Resources"), page_number)
                continue
            described = font.DescendantFonts[0] if subtype == Name.Type0 else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded:
                name = str(font.get("/BaseFont", "/unnamed"))[1:]
                missing.setdefault(name.split("+")[-1], page_number)
        for xobject in (resources.get("/XObject") or Dictionary()).values():
            if xobject.get("/Subtype") == Name.Form and not (xobject.is_indirect and xobject.objgen in seen):
                if xobject.is_indirect:
                    seen.add(xobject.objgen)
                visit_resources(xobject.get("/Resources"), page_number)

    for number, page in enumerate(pdf.pages, 1):
        visit_resources(page.obj.get("/Resources"), number)
    return [PreflightFinding("error", f"the font {name} is not embedded", page,
                    hint="printers substitute fonts they do not have; rebuild with bookwright, which embeds every font")
            for name, page in missing.items()]


def _interactive(pdf: pikepdf.Pdf, rules: Profile) -> list[PreflightFinding]:
    findings = []
    annotated = [n for n, page in enumerate(pdf.pages, 1) if len(page.obj.get("/Annots", Array())) > 0]
    if annotated:
        pages = ", ".join(map(str, annotated[:8])) + (" ..." if len(annotated) > 8 else "")
        findings.append(PreflightFinding("error", f"{len(annotated)} page(s) carry links or comments (annotations): {pages}",
                                hint=f"{rules.service} rejects interiors with annotations; print references as text"))
    if "/Outlines" in pdf.Root and len(pdf.Root.Outlines.get("/First", Dictionary()).keys()) > 0:
        findings.append(PreflightFinding("error", "the file has bookmarks (an outline)",
                                hint="a print interior has no bookmarks; build it with --format print-..."))
    return findings


def _box(page, key: str) -> list[float]:
    return [float(v) for v in page.obj.get(key, page.obj.MediaBox)]


def _direction(pdf: pikepdf.Pdf) -> str:
    """"/L2R" or "/R2L": the way the pages turn, as the file declares it (ViewerPreferences)."""
    preferences = pdf.Root.get("/ViewerPreferences")
    direction = preferences.get("/Direction") if isinstance(preferences, Dictionary) else None
    return str(direction) if direction is not None else "/L2R"


def _boxes(pdf: pikepdf.Pdf, rules: Profile, trim, findings: list[PreflightFinding], rectos_right: bool = True):
    """The page boxes of every page, checked: one trim size, bleed on the right sides."""
    boxes = []
    sizes = set()
    bleed_seen = False
    for number, page in enumerate(pdf.pages, 1):
        media, trim_box = _box(page, "/MediaBox"), _box(page, "/TrimBox")
        bleed_box = _box(page, "/BleedBox")
        boxes.append((media, trim_box))
        sizes.add((round(trim_box[2] - trim_box[0], 1), round(trim_box[3] - trim_box[1], 1)))
        extra = (trim_box[0] - media[0], media[2] - trim_box[2], trim_box[1] - media[1], media[3] - trim_box[3])
        if any(e > TOLERANCE for e in extra):
            bleed_seen = True
        if "/TrimBox" not in page.obj:
            findings.append(PreflightFinding("error", "the page has no TrimBox", number,
                                    hint="printers find the page's final size from the TrimBox"))
        if any(abs(a - b) > TOLERANCE for a, b in zip(bleed_box, media)) and any(e > TOLERANCE for e in extra):
            findings.append(PreflightFinding("warning", "the BleedBox does not cover the bleed", number))
    if len(sizes) > 1:
        listed = ", ".join(f"{_inches(w)} x {_inches(h)}" for w, h in sorted(sizes))
        findings.append(PreflightFinding("error", f"pages have different sizes: {listed}",
                                hint="every page of a book has the same trim size"))
    if trim and sizes:
        width, height = next(iter(sizes))
        if abs(width - trim[0]) > 1 or abs(height - trim[1]) > 1:
            findings.append(PreflightFinding(
                "error", f"the pages are {_inches(width)} x {_inches(height)}, but book.toml asks for "
                         f"{_inches(trim[0])} x {_inches(trim[1])}", hint="rebuild the file"))
    if rules.pod_bleed and bleed_seen:
        for number, (media, trim_box) in enumerate(boxes, 1):
            right_hand = (number % 2 == 1) == rectos_right
            inside = trim_box[0] - media[0] if right_hand else media[2] - trim_box[2]
            outside = media[2] - trim_box[2] if right_hand else trim_box[0] - media[0]
            top, bottom = media[3] - trim_box[3], trim_box[1] - media[1]
            wrong = [name for name, value, want in (("top", top, POD_BLEED), ("bottom", bottom, POD_BLEED),
                                                    ("outside", outside, POD_BLEED), ("inside", inside, 0.0))
                     if abs(value - want) > TOLERANCE]
            if wrong:
                findings.append(PreflightFinding(
                    "error", f"the bleed is wrong on the {', '.join(wrong)} edge(s)", number,
                    hint=f"{rules.service} wants 0.125 in of bleed on the top, bottom and outside edge and none "
                         "at the spine: a 6 x 9 in page measures 6.125 x 9.25 in"))
                break
    return boxes, bleed_seen


def pdfx_findings(pdf: pikepdf.Pdf) -> list[PreflightFinding]:
    findings = []
    version = str(pdf.docinfo.get("/GTS_PDFXVersion", ""))
    metadata = pdf.Root.get("/Metadata")
    xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
    if not version.startswith("PDF/X") and "pdfxid:GTS_PDFXVersion" not in xmp:
        findings.append(PreflightFinding("error", "the file does not declare PDF/X",
                                hint="IngramSpark asks for PDF/X-1a (or PDF/X-4)"))
    if not version and "PDF/X-4" not in xmp:
        findings.append(PreflightFinding("error", "the PDF/X version is missing from the document information"))
    if "/OutputIntents" not in pdf.Root or not any(
            intent.get("/S") == Name.GTS_PDFX for intent in pdf.Root.OutputIntents):
        findings.append(PreflightFinding("error", "the file names no printing condition (PDF/X output intent)"))
    if str(pdf.docinfo.get("/Title", "")).strip() == "":
        findings.append(PreflightFinding("error", "the file has no title; PDF/X requires one"))
    return findings


# --- colours -------------------------------------------------------------------------------------


RGB_FAMILIES = ("/DeviceRGB", "/CalRGB")


def _is_rgb(space, resources=None) -> bool:
    if isinstance(space, Name):
        if str(space) in RGB_FAMILIES:
            return True
        spaces = resources.get("/ColorSpace") if isinstance(resources, Dictionary) else None
        if spaces is not None and space in spaces:
            return _is_rgb(spaces[space])
        return False
    if isinstance(space, Array) and len(space):
        family = str(space[0])
        if family in RGB_FAMILIES or family == "/Lab":
            return True
        if family == "/ICCBased":
            return int(space[1].get("/N", 0)) == 3
        if family == "/Indexed":
            return _is_rgb(space[1], resources)
    return False


def colour_findings(pdf: pikepdf.Pdf) -> list[PreflightFinding]:
    """RGB anywhere (operators, spaces, pictures, gradients) and transparency (PDF/X-1a)."""
    rgb_pages: dict[str, int] = {}
    transparent: dict[str, int] = {}
    x1a = str(pdf.docinfo.get("/GTS_PDFXVersion", "")).startswith("PDF/X-1")
    seen: set[tuple[int, int]] = set()

    def once(obj) -> bool:
        if not obj.is_indirect:
            return True
        if obj.objgen in seen:
            return False
        seen.add(obj.objgen)
        return True

    def scan(stream, resources, number: int) -> None:
        for instruction in pikepdf.parse_content_stream(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                rgb_pages.setdefault("an inline image", number)
                continue
            op = str(instruction.operator)
            if op in ("rg", "RG"):
                rgb_pages.setdefault("text or drawing colour", number)
            elif op in ("cs", "CS") and _is_rgb(instruction.operands[0], resources):
                rgb_pages.setdefault("an RGB colour space", number)
            elif op == "Do":
                xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
                name = instruction.operands[0]
                if xobjects is not None and name in xobjects:
                    visit_xobject(xobjects[name], number)
            elif op == "sh":
                shadings = resources.get("/Shading") if isinstance(resources, Dictionary) else None
                if shadings is not None and instruction.operands[0] in shadings:
                    if _is_rgb(shadings[instruction.operands[0]].get("/ColorSpace")):
                        rgb_pages.setdefault("a gradient", number)
            elif op == "gs" and x1a:
                states = resources.get("/ExtGState") if isinstance(resources, Dictionary) else None
                gs = states.get(instruction.operands[0]) if states is not None else None
                if gs is not None:
                    if float(gs.get("/ca", 1)) < 1 or float(gs.get("/CA", 1)) < 1:
                        transparent.setdefault("see-through colour (opacity)", number)
                    if gs.get("/SMask", Name.None_) != Name.None_:
                        transparent.setdefault("a soft mask", number)

    def visit_xobject(xobject, number: int) -> None:
        if not once(xobject):
            return
        if xobject.get("/Subtype") == Name.Image:
            if _is_rgb(xobject.get("/ColorSpace")):
                rgb_pages.setdefault("a picture", number)
            if x1a and "/SMask" in xobject:
                transparent.setdefault("a picture with an alpha channel", number)
        elif xobject.get("/Subtype") == Name.Form:
            if x1a and "/Group" in xobject and xobject.Group.get("/S") == Name.Transparency:
                transparent.setdefault("a transparency group", number)
            scan(xobject, xobject.get("/Resources"), number)

    for number, page in enumerate(pdf.pages, 1):
        scan(page.obj, page.obj.get("/Resources"), number)
    findings = [PreflightFinding("error", f"{what} is in RGB", page,
                        hint="IngramSpark wants CMYK or grey only; bookwright converts when it builds print-ingram")
                for what, page in rgb_pages.items()]
    findings += [PreflightFinding("error", f"{what} uses transparency, which PDF/X-1a does not allow", page)
                 for what, page in transparent.items()]
    return findings


# --- what is drawn --------------------------------------------------------------------------------


def _drawing_findings(document, rules: Profile, boxes, bleed: bool, skip, rectos_right: bool = True) -> list[PreflightFinding]:
    findings: list[PreflightFinding] = []
    count = len(document)
    safe = (rules.safe_margin_bleed if bleed else rules.safe_margin) * INCH
    gutter = max(gutter_for(count), rules.min_inside) * INCH
    blank = []
    for index in range(count):
        number = index + 1
        page = document[index]
        media, trim = boxes[index]
        right_hand = (number % 2 == 1) == rectos_right
        objects = list(page.get_objects(max_depth=1))
        blank.append(not objects)
        # PDFium's coordinates start at the MediaBox's lower left corner.
        left, bottom = trim[0] - media[0], trim[1] - media[1]
        right, top = left + trim[2] - trim[0], bottom + trim[3] - trim[1]
        closest = {}
        past_edge = False
        low_ppi = None
        for obj in objects:
            x0, y0, x1, y1 = obj.get_bounds()
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_TEXT:
                inside = x0 - left if right_hand else right - x1
                outside = right - x1 if right_hand else x0 - left
                for edge, distance in (("top", top - y1), ("bottom", y0 - bottom),
                                       ("outside", outside), ("inside", inside)):
                    closest[edge] = min(closest.get(edge, distance), distance)
            elif x0 < left - TOLERANCE or x1 > right + TOLERANCE or y0 < bottom - TOLERANCE or y1 > top + TOLERANCE:
                past_edge = True
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE and x1 > x0:
                pixels = obj.get_px_size()
                ppi = min(pixels[0] / ((x1 - x0) / INCH), pixels[1] / ((y1 - y0) / INCH))
                low_ppi = ppi if low_ppi is None else min(low_ppi, ppi)
        for edge, distance in closest.items():
            need = gutter if edge == "inside" else safe
            if distance < need - TEXT_TOLERANCE:
                where = "the spine" if edge == "inside" else f"the {edge} edge"
                why = (f"a {count}-page book needs {_inches(gutter)} at the spine" if edge == "inside"
                       else f"{rules.service} needs {_inches(safe)}")
                findings.append(PreflightFinding("error", f"text comes within {_inches(max(distance, 0))} of {where}; {why}",
                                        number, hint="text that close may be trimmed off or lost in the binding"))
        if past_edge and not bleed:
            findings.append(PreflightFinding("error", "artwork runs past the edge of the page, but the file has no bleed",
                                    number, hint="set bleed = true in [print] so the art reaches the trimmed edge"))
        if "ppi" not in skip and low_ppi is not None and low_ppi < MIN_PPI:
            findings.append(PreflightFinding("warning", f"an image prints at {low_ppi:.0f} ppi; {rules.service} asks for "
                                               f"{MIN_PPI} ppi", number,
                                    hint="low-resolution pictures print blurred; use a larger picture or print it smaller"))
        page.close()

    multiple = rules.page_multiple(*(boxes[0][1][2] - boxes[0][1][0], boxes[0][1][3] - boxes[0][1][1])) if boxes else 2
    if count % multiple:
        findings.append(PreflightFinding("error", f"the book has {count} pages; {rules.service} needs a multiple of {multiple}",
                                hint="pad the end with blank pages"))
    if count < rules.min_pages:
        findings.append(PreflightFinding("error", f"the book has {count} pages; {rules.service} prints at least {rules.min_pages}"))
    if rules.max_pages and count > rules.max_pages:
        findings.append(PreflightFinding("error", f"the book has {count} pages; {rules.service} prints at most {rules.max_pages}"))
    if rules.last_page_blank and blank and not blank[-1]:
        findings.append(PreflightFinding("error", "the last page is not blank", count,
                                hint=f"{rules.service} prints its barcode on the last page; it must be empty"))
    trailing = len(blank) - len("".join("b" if b else "x" for b in blank).rstrip("b"))
    run = 0
    for index, is_blank in enumerate(blank[: len(blank) - trailing]):
        run = run + 1 if is_blank else 0
        if run == 3:
            findings.append(PreflightFinding("error", "more than two blank pages in a row", index - 1,
                                    hint=f"{rules.service} rejects books with long runs of blank pages inside"))
    return findings


# --- the screen edition ----------------------------------------------------------------------------


def _accessibility(pdf: pikepdf.Pdf) -> list[PreflightFinding]:
    findings = []
    lang = str(pdf.Root.get("/Lang", "")).strip()
    if not lang:
        findings.append(PreflightFinding("error", "the document language (/Lang) is missing",
                                hint="screen readers pick their voice from it; set language in [book]"))
    if not bool(pdf.Root.get("/MarkInfo", Dictionary()).get("/Marked", False)) or "/StructTreeRoot" not in pdf.Root:
        findings.append(PreflightFinding("error", "the file is not tagged for accessibility"))
    metadata = pdf.Root.get("/Metadata")
    xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
    if 'pdfuaid:part="1"' not in xmp and "<pdfuaid:part>1</pdfuaid:part>" not in xmp:
        findings.append(PreflightFinding("error", "the file does not declare PDF/UA-1"))
    if "<dc:title>" not in xmp or not str(pdf.docinfo.get("/Title", "")).strip():
        findings.append(PreflightFinding("error", "the file has no title"))
    if not bool(pdf.Root.get("/ViewerPreferences", Dictionary()).get("/DisplayDocTitle", False)):
        findings.append(PreflightFinding("error", "viewers are not told to show the title instead of the file name"))
    return findings


# --- `bookwright check --profile` ---------------------------------------------------------------------

def edition_checked(profile: str) -> str:
    """The edition `check --profile` reads: the screen PDF or a print interior."""
    return "pdf" if profile == "screen" else f"print-{profile}"


def check_built_file(book, profile: str, pdf: Path | None, out: Path, diags) -> Path:
    """Reports every finding of `preflight` on the built file into `diags`; returns the file."""
    edition = EDITIONS[edition_checked(profile)]
    path = pdf or edition.output_path(out, book.metadata.slug)
    if not path.is_file():
        diags.error(path, 0, 0, "no such file to check",
                    hint=f"build it first: bookwright build {book.root} --format {edition.name}")
        return path
    page = book.config.page
    report_findings(path, lambda: preflight(path, profile, trim=(points(page.width), points(page.height))), diags)
    return path


def report_findings(path: Path, findings, diags) -> None:
    """Every finding `findings()` makes of the file at `path`, as the author's errors and
    warnings; a file that cannot be read as a PDF is one error."""
    try:
        found = findings()
    except (pikepdf.PdfError, pdfium.PdfiumError) as exc:
        diags.error(path, 0, 0, f"cannot read the PDF: {exc}")
        return
    for finding in found:
        report = diags.error if finding.severity == "error" else diags.warning
        report(path, 0, 0, finding.text(), hint=finding.hint)
