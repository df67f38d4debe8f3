"""[pdf]: the page size every PDF shares, checked for what the values mean and reported at
their line. (The type — body size, leading, chapter openings — is [style]'s.)"""

from __future__ import annotations

import re

from bookwright.diagnostics import Diagnostics
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
CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(in|mm|cm|pt|px)$")


def read_pdf(table: dict, at: KeyLocator, diags: Diagnostics) -> PageOptions:
    width, height = _trim(table.get("trim"), at, diags)
    return with_defaults(PageOptions, width=_length(table, "width", at, diags) or width,
                         height=_length(table, "height", at, diags) or height)


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
