"""The print keys of book.toml: typesetting in `[pdf]`, the print-ready files in `[print]`.

`config.py` checks the types (SCHEMA); this module checks what the values mean and
reports each problem at its key's line.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import PageOptions, PrintOptions
from bookwright.paths import is_inside

# The print profiles `[print] profiles` and `--format print-NAME` know.
PRINT_PROFILES = ("kdp", "ingram", "press")
OPENINGS = ("plain", "small-caps", "drop-cap")
MARKS = {"crop": "crop", "cross": "cross", "crop cross": "crop cross", "cross crop": "crop cross", "none": "none"}
PDFX = {"x-1a": "x-1a", "pdf/x-1a": "x-1a", "x-4": "x-4", "pdf/x-4": "x-4"}
INTERIORS = {"black-and-white": "black-and-white", "color": "color", "colour": "color"}

LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(in|mm|cm|pt|px)$")
POINTS_PER = {"in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1.0, "px": 0.75}


def points(length: str) -> float:
    """A CSS length as written in book.toml ("0.125in", "3mm") in PDF points."""
    match = LENGTH.match(length.strip())
    if not match:
        raise ValueError(length)
    return float(match.group(1)) * POINTS_PER[match.group(2)]


def read_typesetting(pdf: dict, page: PageOptions, loc, diags: Diagnostics) -> None:
    """`[pdf] font-size`, `line-height` and `opening` into `page`."""

    def error(key: str, message: str, hint: str = "") -> None:
        where = loc.key("pdf", key)
        diags.error_at(where, message, hint=hint)

    size = pdf.get("font-size")
    if isinstance(size, (int, float)) and not isinstance(size, bool):
        size = f"{size}pt"
    if isinstance(size, str):
        try:
            value = points(size)
        except ValueError:
            error("font-size", f"[pdf] font-size must be a size such as 10.5pt, not '{size}'")
        else:
            if 7 <= value <= 16:
                page.font_size = size
            else:
                error("font-size", f"[pdf] font-size {size} is outside 7pt to 16pt",
                      hint="books are set between 9pt and 12pt; 11pt is the default")

    leading = pdf.get("line-height")
    if isinstance(leading, (int, float)) and not isinstance(leading, bool):
        if 1.0 <= leading <= 2.5:
            page.line_height = f"{leading:g}"
        else:
            error("line-height", f"[pdf] line-height {leading:g} is outside 1.0 to 2.5",
                  hint="a number is a multiple of the font size: 1.35 is a comfortable book leading")
    elif isinstance(leading, str):
        if LENGTH.match(leading):
            page.line_height = leading
        else:
            error("line-height", f"[pdf] line-height must be a number such as 1.35 or a length such as 14pt, not '{leading}'")

    opening = pdf.get("opening")
    if isinstance(opening, str):
        if opening in OPENINGS:
            page.opening = opening
        else:
            error("opening", f"unknown chapter opening '{opening}'", hint="choose " + ", ".join(OPENINGS))


def read_print_options(table: dict, root: Path, loc, diags: Diagnostics) -> PrintOptions:
    options = PrintOptions()

    def error(key: str, message: str, hint: str = "") -> None:
        where = loc.key("print", key)
        diags.error_at(where, message, hint=hint)

    profiles = table.get("profiles")
    if isinstance(profiles, list):
        chosen = []
        for name in profiles:
            if name in PRINT_PROFILES:
                chosen.append(name)
            else:
                error("profiles", f"unknown print profile {name!r}",
                      hint="choose from " + ", ".join(f'"{p}"' for p in PRINT_PROFILES))
        options.profiles = tuple(dict.fromkeys(chosen))
    if isinstance(table.get("bleed"), bool):
        options.bleed = table["bleed"]
    size = table.get("bleed-size")
    if isinstance(size, str):
        try:
            value = points(size)
        except ValueError:
            error("bleed-size", f"[print] bleed-size must be a length such as 0.125in or 3mm, not '{size}'")
        else:
            if 0 < value <= 36:
                options.bleed_size = size
            else:
                error("bleed-size", f"[print] bleed-size {size} must be more than 0 and at most 0.5in")
    for key, known, attr in (("marks", MARKS, "marks"), ("pdfx", PDFX, "pdfx"), ("interior", INTERIORS, "interior")):
        value = table.get(key)
        if isinstance(value, str):
            normal = known.get(value.strip().lower())
            if normal is None:
                error(key, f"[print] {key} = '{value}' is not known",
                      hint="choose " + ", ".join(f'"{k}"' for k in dict.fromkeys(known.values())))
            else:
                setattr(options, attr, normal)
    icc = table.get("icc")
    if isinstance(icc, str):
        path = root / icc
        if not is_inside(path, root) or icc.startswith("/"):
            error("icc", f"the ICC profile '{icc}' is outside the book folder")
        elif not path.is_file():
            error("icc", f"the ICC profile '{icc}' does not exist",
                  hint="ask your printer for its CMYK profile (an .icc file) and put it in the book folder")
        else:
            header = path.read_bytes()[:40]
            if len(header) < 40 or header[36:40] != b"acsp":
                error("icc", f"'{icc}' is not an ICC colour profile")
            elif header[16:20] != b"CMYK":
                error("icc", f"'{icc}' is a {header[16:20].decode('latin-1').strip()} profile, not a CMYK one",
                      hint="PDF/X needs the printing condition's CMYK profile, such as GRACoL or SWOP")
            else:
                options.icc = path
    if options.pdfx == "x-4" and options.icc is None and "icc" not in table:
        error("pdfx", "PDF/X-4 needs the printer's CMYK profile embedded",
              hint='add icc = "profiles/your-printer.icc", or keep the default pdfx = "x-1a"')
    return options
