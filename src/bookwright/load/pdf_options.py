"""[pdf]: the page size and the book typography every PDF shares (body size, leading,
chapter openings), checked for what the values mean and reported at their line."""

from __future__ import annotations

import re

from bookwright.diagnostics import Diagnostics
from bookwright.load.print_options import LENGTH, points
from bookwright.load.toml import KeyLocator
from bookwright.model import PageOptions
from bookwright.options import with_defaults

# Trade and international trims an author can name instead of giving a width and height.
TRIM_SIZES = {
    "5x8": ("5in", "8in"),
    "5.25x8": ("5.25in", "8in"),
    "5.5x8.5": ("5.5in", "8.5in"),
    "6x9": ("6in", "9in"),
    "7x10": ("7in", "10in"),
    "8.5x11": ("8.5in", "11in"),
    "a5": ("148mm", "210mm"),
    "a4": ("210mm", "297mm"),
}
OPENINGS = ("plain", "small-caps", "drop-cap")
CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(in|mm|cm|pt|px)$")


def read_pdf(table: dict, at: KeyLocator, diags: Diagnostics) -> PageOptions:
    width, height = _trim(table.get("trim"), at, diags)
    return with_defaults(PageOptions, width=_length(table, "width", at, diags) or width,
                         height=_length(table, "height", at, diags) or height,
                         font_size=_font_size(table.get("font-size"), at, diags),
                         line_height=_line_height(table.get("line-height"), at, diags),
                         opening=_opening(table.get("opening"), at, diags))


def _trim(trim: str | None, at: KeyLocator, diags: Diagnostics) -> tuple[str | None, str | None]:
    if trim is None:
        return None, None
    name = trim.lower().replace(" ", "").removesuffix("in")
    if name not in TRIM_SIZES:
        diags.error_at(at.key("pdf", "trim"), f"unknown trim size '{trim}'",
                       hint="known trims: " + ", ".join(TRIM_SIZES) + "; or give width and height")
        return None, None
    return TRIM_SIZES[name]


def _length(table: dict, key: str, at: KeyLocator, diags: Diagnostics) -> str | None:
    if key not in table:
        return None
    if not CSS_LENGTH.match(table[key]):
        diags.error_at(at.key("pdf", key), f"[pdf] {key} must be a length such as 6in or 148mm")
        return None
    return table[key]


def _font_size(size: str | int | float | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if isinstance(size, (int, float)):
        size = f"{size}pt"
    if size is None:
        return None
    try:
        value = points(size)
    except ValueError:
        diags.error_at(at.key("pdf", "font-size"), f"[pdf] font-size must be a size such as 10.5pt, not '{size}'")
        return None
    if not 7 <= value <= 16:
        diags.error_at(at.key("pdf", "font-size"), f"[pdf] font-size {size} is outside 7pt to 16pt",
                       hint="books are set between 9pt and 12pt; 11pt is the default")
        return None
    return size


def _line_height(leading: str | int | float | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    where = at.key("pdf", "line-height")
    if isinstance(leading, (int, float)):
        if 1.0 <= leading <= 2.5:
            return f"{leading:g}"
        diags.error_at(where, f"[pdf] line-height {leading:g} is outside 1.0 to 2.5",
                       hint="a number is a multiple of the font size: 1.35 is a comfortable book leading")
    elif isinstance(leading, str):
        if LENGTH.match(leading):
            return leading
        diags.error_at(where, "[pdf] line-height must be a number such as 1.35 or a length such as 14pt, "
                              f"not '{leading}'")
    return None


def _opening(opening: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if opening is None or opening in OPENINGS:
        return opening
    diags.error_at(at.key("pdf", "opening"), f"unknown chapter opening '{opening}'",
                   hint="choose " + ", ".join(OPENINGS))
    return None
