"""[print]: the print-ready interiors for print-on-demand services, and the print
edition's ISBN, checked for what the values mean and reported at their line.

`points()` reads a length as written in book.toml; the print writers use it too.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.load.toml import KeyLocator
from bookwright.model import PrintOptions
from bookwright.options import with_defaults
from bookwright.paths import is_inside

# The print profiles `[print] profiles` and `--format print-NAME` know.
PRINT_PROFILES = ("kdp", "ingram", "press")
MARKS = {"crop": "crop", "cross": "cross", "crop cross": "crop cross", "cross crop": "crop cross", "none": "none"}
PDFX = {"x-1a": "x-1a", "pdf/x-1a": "x-1a", "x-4": "x-4", "pdf/x-4": "x-4"}
INTERIORS = {"black-and-white": "black-and-white", "color": "color", "colour": "color"}
# The papers KDP and IngramSpark both offer, in their spellings (IngramSpark's "creme").
PAPERS = {"white": "white", "cream": "cream", "creme": "cream", "color": "color", "colour": "color"}

LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(in|mm|cm|pt|px)$")
POINTS_PER = {"in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1.0, "px": 0.75}


def points(length: str) -> float:
    """A CSS length as written in book.toml ("0.125in", "3mm") in PDF points."""
    match = LENGTH.match(length.strip())
    if not match:
        raise ValueError(length)
    return float(match.group(1)) * POINTS_PER[match.group(2)]


def read_print(table: dict, at: KeyLocator, diags: Diagnostics) -> PrintOptions:
    values = {"profiles": _profiles(table.get("profiles"), at, diags), "bleed": table.get("bleed"),
              "bleed_size": _bleed_size(table.get("bleed-size"), at, diags)}
    for key, known in (("marks", MARKS), ("pdfx", PDFX), ("interior", INTERIORS), ("paper", PAPERS)):
        values[key] = _one_of(key, known, table.get(key), at, diags)
    values["icc"] = _icc(table.get("icc"), at, diags)
    if values["pdfx"] == "x-4" and values["icc"] is None and "icc" not in table:
        diags.error_at(at.key("print", "pdfx"), "PDF/X-4 needs the printer's CMYK profile embedded",
                       hint='add icc = "profiles/your-printer.icc", or keep the default pdfx = "x-1a"')
    values["isbn"] = _isbn(table.get("isbn"), at, diags)
    return with_defaults(PrintOptions, **values)


def isbn_digits(text: str) -> str | None:
    """The ISBN's digits (and a final X) when its check digit is right, else None."""
    digits = re.sub(r"[\s-]", "", text.removeprefix("urn:isbn:").removeprefix("ISBN").strip()).upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
        return digits if total % 10 == 0 else None
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 if d == "X" else int(d)) * (10 - i) for i, d in enumerate(digits))
        return digits if total % 11 == 0 else None
    return None


def _profiles(profiles: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[str, ...] | None:
    if profiles is None:
        return None
    chosen = []
    for name in profiles:
        if name in PRINT_PROFILES:
            chosen.append(name)
        else:
            diags.error_at(at.key("print", "profiles"), f"unknown print profile {name!r}",
                           hint="choose from " + ", ".join(f'"{p}"' for p in PRINT_PROFILES))
    return tuple(dict.fromkeys(chosen))


def _bleed_size(size: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if size is None:
        return None
    try:
        value = points(size)
    except ValueError:
        diags.error_at(at.key("print", "bleed-size"),
                       f"[print] bleed-size must be a length such as 0.125in or 3mm, not '{size}'")
        return None
    if not 0 < value <= 36:
        diags.error_at(at.key("print", "bleed-size"),
                       f"[print] bleed-size {size} must be more than 0 and at most 0.5in")
        return None
    return size


def _one_of(key: str, known: dict[str, str], value: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    """The value's normal spelling, when it is one `known` accepts."""
    if value is None:
        return None
    normal = known.get(value.strip().lower())
    if normal is None:
        diags.error_at(at.key("print", key), f"[print] {key} = '{value}' is not known",
                       hint="choose " + ", ".join(f'"{k}"' for k in dict.fromkeys(known.values())))
    return normal


def _icc(icc: str | None, at: KeyLocator, diags: Diagnostics) -> Path | None:
    if icc is None:
        return None
    where = at.key("print", "icc")
    path = at.root / icc
    if not is_inside(path, at.root) or icc.startswith("/"):
        diags.error_at(where, f"the ICC profile '{icc}' is outside the book folder")
    elif not path.is_file():
        diags.error_at(where, f"the ICC profile '{icc}' does not exist",
                       hint="ask your printer for its CMYK profile (an .icc file) and put it in the book folder")
    else:
        header = path.read_bytes()[:40]
        if len(header) < 40 or header[36:40] != b"acsp":
            diags.error_at(where, f"'{icc}' is not an ICC colour profile")
        elif header[16:20] != b"CMYK":
            diags.error_at(where, f"'{icc}' is a {header[16:20].decode('latin-1').strip()} profile, not a CMYK one",
                           hint="PDF/X needs the printing condition's CMYK profile, such as GRACoL or SWOP")
        else:
            return path
    return None


def _isbn(isbn: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if isbn is None:
        return None
    digits = isbn_digits(isbn)
    if digits is None:
        diags.error_at(at.key("print", "isbn"), f"[print] isbn '{isbn}' is not a valid ISBN",
                       hint="give the print edition's ISBN-13 as printed on its back cover, e.g. 978-1-4028-9462-6")
        return None
    return "urn:isbn:" + digits
