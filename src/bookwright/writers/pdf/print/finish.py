"""Finishing the PDF WeasyPrint wrote, where CSS layout has no say.

A print interior: links, bookmarks and named destinations removed (paper has none, and
printers reject annotations); the page boxes moved to the origin with an exact TrimBox
and BleedBox; blank pages padding the end to the count the printer binds; colours
rewritten in CMYK or grey (colour.py); and for PDF/X the output intent that names
the printing condition.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from bookwright.writers.pdf.print.colour import convert_colours

# A registered characterisation (ICC registry) PDF/X-1a may name without embedding a
# profile: SWOP coated, what US print-on-demand presses are characterised against.
REGISTERED_CONDITION = ("CGATS TR 001", "http://www.color.org", "SWOP (Publication) Grade 1 Paper, CGATS TR 001")


# --- print interiors ---------------------------------------------------------------------------


@dataclass
class PrintFinish:
    pages: int  # the page count after padding
    bleed: bool  # the file has bleed: BleedBox = MediaBox, larger than the TrimBox
    colour: str | None = None  # "cmyk" or "grey": rewrite every colour; None keeps them
    flatten: bool = False  # no transparency (PDF/X-1a)
    pdfx: str | None = None  # "x-1a" or "x-4"
    icc: Path | None = None  # the printer's CMYK profile for the output intent
    right_to_left: bool = False  # the book reads right to left: its rectos are left-hand pages


def finish_print_pdf(data: bytes, target: Path, finish: PrintFinish) -> tuple[list[str], int]:
    """Writes the finished interior to `target`. Returns what could not be made printable,
    and how many transparencies were flattened against white paper."""
    problems, flattened = [], 0
    with pikepdf.open(io.BytesIO(data)) as pdf:
        strip_interactive(pdf)
        if finish.colour:
            conversion = convert_colours(pdf, finish.colour, finish.flatten)
            problems, flattened = conversion.problems, conversion.flattened
        place_page_boxes(pdf, finish.bleed)
        pad_with_blank_pages(pdf, finish.pages)
        if finish.right_to_left:
            # Which way the pages turn: viewers show the spreads in order, and the
            # preflight finds the spine of each page from it (print/preflight.py).
            pdf.Root.ViewerPreferences = Dictionary(Direction=Name.R2L)
        if finish.pdfx:
            add_output_intent(pdf, finish.icc)
        options = {"deterministic_id": True, "object_stream_mode": pikepdf.ObjectStreamMode.disable}
        if finish.pdfx == "x-1a":
            options["force_version"] = "1.4"  # PDF/X-1a:2003 is PDF 1.4
        pdf.save(target, **options)
    return problems, flattened


def strip_interactive(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    for key in ("/Outlines", "/PageMode", "/OpenAction"):
        if key in pdf.Root:
            del pdf.Root[key]
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        del names["/Dests"]
        if not names.keys():
            del pdf.Root["/Names"]


def _box(page: pikepdf.Page, key: str) -> list[float]:
    box = page.obj.get(key, page.obj.MediaBox)
    return [float(v) for v in box]


def place_page_boxes(pdf: pikepdf.Pdf, bleed: bool) -> None:
    """Every MediaBox starts at 0 0 (some preflight tools assume it); the TrimBox is the
    page as the reader holds it, the BleedBox everything beyond it the printer trims off."""
    for page in pdf.pages:
        media, trim = _box(page, "/MediaBox"), _box(page, "/TrimBox")
        dx, dy = -media[0], -media[1]
        if dx or dy:
            page.contents_add(pdf.make_stream(f"q 1 0 0 1 {dx:g} {dy:g} cm\n".encode()), prepend=True)
            page.contents_add(pdf.make_stream(b"\nQ"))
        width, height = media[2] - media[0], media[3] - media[1]
        moved_trim = [trim[0] + dx, trim[1] + dy, trim[2] + dx, trim[3] + dy]
        page.obj.MediaBox = Array([0, 0, _round(width), _round(height)])
        page.obj.TrimBox = Array([_round(v) for v in moved_trim])
        page.obj.BleedBox = page.obj.MediaBox if bleed else page.obj.TrimBox
        for key in ("/CropBox", "/ArtBox"):
            if key in page.obj:
                del page.obj[key]


def _round(value: float):
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def pad_with_blank_pages(pdf: pikepdf.Pdf, count: int) -> None:
    """Appends empty pages, each with the boxes of the page two before it (the same side
    of the spread), until the book has `count` pages."""
    while len(pdf.pages) < count:
        model = pdf.pages[-2] if len(pdf.pages) >= 2 else pdf.pages[-1]
        page = Dictionary(
            Type=Name.Page,
            MediaBox=Array(list(model.obj.MediaBox)),
            TrimBox=Array(list(model.obj.TrimBox)),
            BleedBox=Array(list(model.obj.BleedBox)),
            Resources=Dictionary(),
            Contents=pdf.make_stream(b""),
        )
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(page)))


def icc_description(profile: bytes) -> str:
    """The profile's own name (its 'desc' tag), for the output condition."""
    try:
        (count,) = struct.unpack(">I", profile[128:132])
        for i in range(count):
            signature, offset, size = struct.unpack(">4sII", profile[132 + 12 * i: 144 + 12 * i])
            if signature != b"desc":
                continue
            tag = profile[offset: offset + size]
            if tag[:4] == b"desc":
                (length,) = struct.unpack(">I", tag[8:12])
                return tag[12: 12 + length].split(b"\0")[0].decode("latin-1").strip()
            if tag[:4] == b"mluc":
                length, start = struct.unpack(">II", tag[20:28])  # the first record's text
                return tag[start: start + length].decode("utf-16-be").strip()
    except (struct.error, UnicodeDecodeError):
        pass
    return ""


def add_output_intent(pdf: pikepdf.Pdf, icc: Path | None) -> None:
    """The printing condition the CMYK values were prepared for (required by PDF/X)."""
    if icc is not None:
        profile = icc.read_bytes()
        name = icc_description(profile) or icc.stem
        intent = Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFX,
            OutputConditionIdentifier=pikepdf.String("Custom"),
            OutputCondition=pikepdf.String(name), Info=pikepdf.String(name),
            DestOutputProfile=pdf.make_stream(profile, N=4),
        )
    else:
        identifier, registry, info = REGISTERED_CONDITION
        intent = Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFX,
            OutputConditionIdentifier=pikepdf.String(identifier),
            RegistryName=pikepdf.String(registry), Info=pikepdf.String(info),
        )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])
