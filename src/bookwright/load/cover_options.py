"""[cover]: what the print covers print besides the front: the back cover's words and the
author's photograph (files inside the book folder), the colours, and the price the barcode's
add-on carries. Each value is checked for what it means and reported at its line.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.load.named_files import named_file
from bookwright.load.toml import KeyLocator
from bookwright.model import CoverOptions
from bookwright.options import with_defaults

COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
TEXT_FILES = (".md", ".markdown", ".txt")
PHOTO_FILES = (".png", ".jpg", ".jpeg", ".webp")
KDP_BARCODE = ("bookwright", "kdp")

# The first digit of a book's EAN-5 price add-on names the currency of the price that
# follows in four digits (the Bookland convention the ISBN agencies publish: 0 pound
# sterling, 3 Australian, 4 New Zealand, 5 US, 6 Canadian dollars); 90000 means "no
# price given", and a US price of 100 dollars or more is written 59999.
CURRENCY_DIGITS = {"GBP": "0", "£": "0", "AUD": "3", "NZD": "4", "USD": "5", "$": "5", "CAD": "6"}
NO_PRICE = "90000"
PRICE = re.compile(r"^(?P<before>[A-Z]{3}|[$£])?\s*(?P<amount>\d+(?:\.\d{1,2})?)\s*(?P<after>[A-Z]{3})?$")
# Where a cover's words stop being readable on its ground: WCAG's contrast for normal text.
LEAST_CONTRAST = 4.5


def read_cover(table: dict, at: KeyLocator, diags: Diagnostics) -> CoverOptions:
    values = {
        "back": _book_file("back", table.get("back"), TEXT_FILES, at, diags),
        "author_note": _book_file("author-note", table.get("author-note"), TEXT_FILES, at, diags),
        "author_photo": _book_file("author-photo", table.get("author-photo"), PHOTO_FILES, at, diags),
        "price": _price(table.get("price"), at, diags),
        "kdp_barcode": _kdp_barcode(table.get("kdp-barcode"), at, diags),
    }
    for key in ("background", "text", "accent"):
        values[key] = _colour(key, table.get(key), at, diags)
    options = with_defaults(CoverOptions, **values)
    ratio = contrast(options.text, options.background)
    if ratio < LEAST_CONTRAST:
        diags.warning_at(at.key("cover", "text" if "text" in table else "background"),
                         f"the covers' words ({options.text}) on their ground ({options.background}) have a "
                         f"contrast of {ratio:.1f}:1, hard to read",
                         hint=f"choose colours with a contrast of at least {LEAST_CONTRAST:g}:1")
    return options


def _book_file(key: str, written: str | None, suffixes: tuple[str, ...], at: KeyLocator,
               diags: Diagnostics) -> Path | None:
    if written is None:
        return None
    return named_file(f"[cover] {key}", written, at.key("cover", key), at.root, suffixes,
                      f"not a {' or '.join(suffixes)} file", diags)


def _colour(key: str, value: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if value is None:
        return None
    if not COLOUR.match(value.strip()):
        diags.error_at(at.key("cover", key), f"[cover] {key} = '{value}' is not a colour",
                       hint='write it as #rrggbb, such as "#1f3a5f"')
        return None
    digits = value.strip()[1:].lower()
    return "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits))


def _price(value: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    """The add-on's five digits for the price as written."""
    if value is None:
        return None
    text = value.strip().upper()
    if re.fullmatch(r"\d{5}", text):
        return text
    match = PRICE.match(text)
    currency = match and (match.group("before") or match.group("after"))
    if match and match.group("before") and match.group("after"):
        currency = None
    if not match or currency not in CURRENCY_DIGITS:
        diags.error_at(at.key("cover", "price"), f"[cover] price '{value}' is not a price the barcode can carry",
                       hint='write the currency and the amount, such as "USD 14.99", "GBP 9.99" or "CAD 19.99" '
                            "(also AUD, NZD), or the add-on's five digits")
        return None
    cents = round(float(match.group("amount")) * 100)
    if cents > 9999:
        if currency in ("USD", "$"):
            return "59999"
        diags.error_at(at.key("cover", "price"), f"[cover] price '{value}' is more than the add-on can carry (99.99)",
                       hint="leave the price out (the add-on reads 90000) or give its five digits")
        return None
    return CURRENCY_DIGITS[currency] + f"{cents:04d}"


def _kdp_barcode(value: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if value is None:
        return None
    if value.strip().lower() not in KDP_BARCODE:
        diags.error_at(at.key("cover", "kdp-barcode"), f"[cover] kdp-barcode = '{value}' is not known",
                       hint='choose "bookwright" (print it from [print] isbn) or "kdp" (leave its area clear)')
        return None
    return value.strip().lower()


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two #rrggbb colours, 1 to 21."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
