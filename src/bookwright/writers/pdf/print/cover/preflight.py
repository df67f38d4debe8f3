"""Reading a built cover back the way KDP's and IngramSpark's cover checks do.

`cover_preflight(path, plan)` opens the finished file, not the book: its size against
the full wrap the interior's page count and the paper call for, every run of text against
the safe zones (and the spine's, and KDP's barcode area when it is left for KDP), the
pictures' resolution, the barcode decoded from the rendered page, and for IngramSpark
PDF/X with CMYK or grey only. The writer runs it on every cover it makes;
`bookwright check BOOK --profile kdp-cover|ingram-cover` runs it on the built file.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import zxingcpp

from bookwright.editions import EDITIONS
from bookwright.model import ResolvedBook
from bookwright.writers.pdf.image_resolution import MIN_PPI
from bookwright.writers.pdf.print.cover.geometry import CoverGeometry
from bookwright.writers.pdf.print.cover.page_count import counted
from bookwright.writers.pdf.print.cover.plan import CoverPlan, plan_cover
from bookwright.writers.pdf.print.cover.specs import INCH, SPECS
from bookwright.writers.pdf.print.preflight import (PreflightFinding, colour_findings, pdfx_findings,
                                                    report_findings, unembedded_fonts)

SIZE_TOLERANCE = 0.5  # points: rounding in the file's boxes, far below the services' 1/16 in
TEXT_TOLERANCE = 1.5  # points: a glyph's overhang past its line
SCAN_DPI = 400  # the barcode is read from the page rendered at a scanner's resolution


def cover_preflight(path: Path, plan: CoverPlan) -> list[PreflightFinding]:
    """Every problem the service would find with the cover at `path`."""
    geometry = plan.geometry
    findings: list[PreflightFinding] = []
    with pikepdf.open(path) as pdf:
        findings += unembedded_fonts(pdf)
        if len(pdf.pages) != 1:
            findings.append(PreflightFinding("error", f"the cover has {len(pdf.pages)} pages; it must be one sheet"))
        findings += _size(pdf.pages[0], geometry)
        if geometry.spec.pdfx:
            findings += pdfx_findings(pdf)
            findings += colour_findings(pdf)
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[0]
        findings += _drawn(page, plan)
        findings += _barcode(page, plan)
    finally:
        document.close()
    return findings


def _inches(points: float) -> str:
    return f"{points / INCH:.3f} in"


def _size(page: pikepdf.Page, geometry: CoverGeometry) -> list[PreflightFinding]:
    media = [float(v) for v in page.obj.MediaBox]
    trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
    width, height = media[2] - media[0], media[3] - media[1]
    spec = geometry.spec
    wanted = (f"{_inches(geometry.width)} x {_inches(geometry.height)} (a spine of {_inches(geometry.spine_width)} "
              f"for {geometry.pages} pages on {spec.paper_names[geometry.paper]}, {spec.bleed:g} in of bleed)")
    findings = []
    if abs(width - geometry.width) > SIZE_TOLERANCE or abs(height - geometry.height) > SIZE_TOLERANCE:
        findings.append(PreflightFinding(
            "error", f"the cover is {_inches(width)} x {_inches(height)}; it must be {wanted}",
            hint="rebuild the cover after the interior, so that its spine follows the page count"))
    trimmed = geometry.trimmed
    if any(abs(a - b) > SIZE_TOLERANCE for a, b in zip(
            trim, (trimmed.left, geometry.height - trimmed.bottom, trimmed.right, geometry.height - trimmed.top))):
        findings.append(PreflightFinding("error", "the TrimBox is not the trimmed cover inside its bleed",
                                         hint="printers find the fold lines from the TrimBox"))
    return findings


def _sheet_box(obj, height: float) -> tuple[float, float, float, float]:
    """An object's bounds from the sheet's top left corner (PDFium measures from the bottom)."""
    left, bottom, right, top = obj.get_bounds()
    return left, height - top, right, height - bottom


def _drawn(page, plan: CoverPlan) -> list[PreflightFinding]:
    geometry = plan.geometry
    spec = geometry.spec
    zones = [geometry.back_safe, geometry.front_safe] + ([geometry.spine_safe] if plan.spine_text else [])
    outside, in_barcode_area, on_spine = [], False, False
    low_ppi = None
    for obj in page.get_objects(max_depth=2):
        left, top, right, bottom = _sheet_box(obj, geometry.height)
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_TEXT:
            if not any(zone.holds(left, top, right, bottom, TEXT_TOLERANCE) for zone in zones):
                if not plan.spine_text and geometry.spine.overlaps(left, top, right, bottom):
                    on_spine = True
                else:
                    outside.append((left, top))
            if plan.clear_barcode_area and geometry.barcode.overlaps(left, top, right, bottom):
                in_barcode_area = True
        elif obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE and right > left and bottom > top:
            pixels = obj.get_px_size()
            ppi = min(pixels[0] / ((right - left) / INCH), pixels[1] / ((bottom - top) / INCH))
            low_ppi = ppi if low_ppi is None else min(low_ppi, ppi)
    findings = []
    if outside:
        left, top = outside[0]
        findings.append(PreflightFinding(
            "error", f"{len(outside)} run(s) of text outside the safe zones, the first {_inches(left)} from the "
                     f"left and {_inches(top)} from the top of the sheet",
            hint=f"{spec.service} keeps text {spec.safe_margin:g} in inside the trim and spine text "
                 f"{spec.spine_margin:g} in from each fold"))
    if on_spine:
        findings.append(PreflightFinding(
            "error", f"the spine carries text, but {spec.service} allows spine text only from "
                     f"{spec.spine_text_pages} pages",
            hint="leave the spine without words on a book this thin"))
    if in_barcode_area:
        findings.append(PreflightFinding("error", "text lies in the barcode's area, which is left for KDP's barcode",
                                         hint="keep the lower right corner of the back cover clear"))
    if low_ppi is not None and low_ppi < MIN_PPI:
        findings.append(PreflightFinding("error", f"a picture prints at {low_ppi:.0f} ppi; {spec.service} asks for "
                                                  f"{MIN_PPI} ppi", hint="use a larger picture"))
    return findings


def _barcode(page, plan: CoverPlan) -> list[PreflightFinding]:
    """The barcode read from the rendered back cover, as a till's scanner would read it."""
    if plan.barcode is None:
        return []
    geometry = plan.geometry
    area = geometry.back
    # PDFium crops from each edge of the sheet: left, bottom, right, top.
    crop = (area.left, geometry.height - area.bottom, geometry.width - area.right, area.top)
    image = page.render(scale=SCAN_DPI / INCH, crop=crop, grayscale=True).to_pil()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.EAN13,
                                   ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read)
    wanted = f"{plan.barcode.ean} {plan.barcode.add_on}"
    if not found:
        return [PreflightFinding("error", f"no barcode can be read on the back cover (it should read {wanted})",
                                 hint="the ISBN's barcode must be black bars on a white box, at its full size")]
    scans = {scanned_text(result) for result in found}
    # A scanner that reads the add-on also reads the main symbol alone: keep the fuller reading.
    read = sorted(text for text in scans if not any(other != text and other.startswith(text) for other in scans))
    if wanted not in read:
        return [PreflightFinding("error", f"the barcode reads {' and '.join(read)}, not the ISBN {wanted}",
                                 hint="rebuild the cover from the book, whose [print] isbn is the print edition's")]
    return []


def scanned_text(result) -> str:
    """What a scan of an EAN-13 with its add-on says: the 13 digits, a space, the add-on."""
    text = result.text.replace(" ", "")
    return f"{text[:13]} {text[13:]}".strip()


# --- `bookwright check --profile kdp-cover|ingram-cover` ---------------------------------------


def check_built_cover(book: ResolvedBook, profile: str, pdf: Path | None, out: Path, diags) -> Path:
    """Reports every finding of `cover_preflight` on the built cover (`profile` is
    "kdp-cover" or "ingram-cover") into `diags`; returns the file checked."""
    cover = EDITIONS[f"print-{profile}"]
    path = pdf or cover.output_path(out, book.metadata.slug)
    if not path.is_file():
        diags.error(path, 0, 0, "no such file to check",
                    hint=f"build it first: bookwright build {book.root} --format {cover.wraps},{cover.name}")
        return path
    interior = EDITIONS[cover.wraps].output_path(out, book.metadata.slug)
    pages = counted(interior) if interior.is_file() else None
    if pages is None:
        diags.error(interior, 0, 0, "the interior is needed to know how wide the spine must be",
                    hint=f"build it first: bookwright build {book.root} --format {cover.wraps}")
        return path
    plan = plan_cover(book, cover.profile, pages)
    if plan.barcode is None and SPECS[cover.profile].pdfx:
        diags.error(path, 0, 0, f"{SPECS[cover.profile].service} prints only covers with the ISBN's barcode",
                    hint="set [print] isbn to the print edition's ISBN and rebuild the cover")
    report_findings(path, lambda: cover_preflight(path, plan), diags)
    return path
