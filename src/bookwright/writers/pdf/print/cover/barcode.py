"""The ISBN as the barcode a bookshop's till reads: an EAN-13 with its 5-digit price add-on.

The symbol is encoded by zxing-cpp, whose writer is zint (a maintained barcode library);
its SVG gives the bars as rectangles in module units, which the cover draws as vectors at
the size the GS1 specification allows, and the places of the human-readable digits, which
the cover sets in the book's face. Nothing here draws a bar by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp
from lxml import etree

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Digits:
    text: str
    x: float  # modules from the symbol's left edge (its light margin included)
    baseline: float  # modules from the top
    anchor: str  # "start", "middle" or "end" of the text at x


@dataclass(frozen=True)
class Barcode:
    ean: str  # the 13 digits the bars carry
    add_on: str  # the 5 digits of the add-on
    bars: str  # SVG path data, in modules
    width: int  # the symbol in modules, light margins included
    height: int
    bar_bottom: float  # where the main bars end (the guard bars run a little lower)
    digits: tuple[Digits, ...]

    # The EAN-13 proper, within the symbol: after 11 modules of light margin, 95 modules wide.
    main_left: int = 11
    main_width: int = 95

    @property
    def isbn_line(self) -> str:
        return f"ISBN {self.ean}"


def isbn13(digits: str) -> str:
    """The ISBN as 13 digits: an ISBN-10 becomes 978 + its first nine and a new check digit."""
    if len(digits) == 13:
        return digits
    body = "978" + digits[:9]
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def isbn_barcode(isbn: str, add_on: str) -> Barcode:
    """The barcode for `isbn` (10 or 13 digits, already checked) with the 5-digit `add_on`."""
    ean = isbn13(isbn)
    symbol = zxingcpp.create_barcode(f"{ean}+{add_on}", zxingcpp.BarcodeFormat.EAN13)
    drawn = etree.fromstring(symbol.to_svg(add_hrt=True).encode("utf-8"))
    paths = drawn.findall(f".//{SVG}path")
    bars = " ".join(path.get("d") for path in paths)
    digits = tuple(Digits("".join(text.itertext()).strip(), float(text.get("x")), float(text.get("y")),
                          text.get("text-anchor", "start")) for text in drawn.findall(f".//{SVG}text"))
    # The main bars are the ones that start at the top; the add-on's start lower, under its digits.
    bottoms = [float(part.split("v")[1].split("h")[0]) for part in bars.split("M")[1:] if " 0h" in part]
    return Barcode(ean=ean, add_on=add_on, bars=bars, width=int(float(drawn.get("width"))),
                   height=max(bottoms), bar_bottom=min(bottoms), digits=digits)
