"""The book.toml keys that shape what the EPUB declares about its accessibility.

`[epub] accessibility-summary` replaces the generated summary, `[epub] certified-by`
names who vouches for the conformance claim (the publisher by default), and
`[print] isbn` is the print edition's ISBN, which the EPUB's page list names as its
source. `config.py` checks the types; this module checks what the values mean.
"""

from __future__ import annotations

import re

from bookwright.diagnostics import Diagnostics


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


def read_accessibility_options(config, data: dict, loc, diags: Diagnostics) -> None:
    epub = data.get("epub") if isinstance(data.get("epub"), dict) else {}
    printed = data.get("print") if isinstance(data.get("print"), dict) else {}
    options = config.accessibility
    for key, attr in (("accessibility-summary", "summary"), ("certified-by", "certified_by")):
        value = epub.get(key)
        if not isinstance(value, str):
            continue
        if not value.strip():
            where = loc.key("epub", key)
            diags.error_at(where, f"[epub] {key} is empty",
                           hint="leave the key out to use the generated text")
            continue
        setattr(options, attr, " ".join(value.split()))
    isbn = printed.get("isbn")
    if isinstance(isbn, str):
        digits = isbn_digits(isbn)
        if digits is None:
            where = loc.key("print", "isbn")
            diags.error_at(where, f"[print] isbn '{isbn}' is not a valid ISBN",
                           hint="give the print edition's ISBN-13 as printed on its back cover, e.g. 978-1-4028-9462-6")
        else:
            options.print_isbn = "urn:isbn:" + digits
