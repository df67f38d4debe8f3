"""What KDP and IngramSpark ask of a paperback's cover, as numbers, each with where it is
published.

The cover (the geometry in geometry.py, the design in design.py) and its check
(preflight.py) both read these, so the file and the checker cannot disagree. Lengths are
in inches, as the services publish them.

Sources, as cited below:
  [KDP-SUB]   Amazon KDP Help, "Paperback Submission Guidelines" (topic G201857950), read in
              2026: spine width = page count x the paper's thickness per page (white
              0.002252 in, cream 0.0025 in, colour 0.002347 in); 300 DPI images; fonts
              embedded; transparency flattened.
  [KDP-COVER] Amazon KDP Help, "Create a Paperback Cover" and its cover templates (topic
              G201953020), read in 2026: full cover = bleed + back + spine + front + bleed,
              0.125 in of bleed on every outside edge; text 0.125 in inside the trim; spine
              text only for books of more than 79 pages, 0.0625 in clear of each fold; the
              barcode area 2 x 1.2 in in the lower right corner of the back cover, 0.25 in from
              the spine and from the bottom edge (the figures KDP inherited from CreateSpace's
              "Submission Specification", which its templates still draw).
  [IS-BARCODE] IngramSpark Help, "Barcode is not Formatted Correctly" (article 209072886):
              barcodes mandatory on every POD cover, 100 % black only, on a white box,
              vector.
  [IS-TIPS]   IngramSpark Help, "Manufacturing and File Setup Tips" (article 5338636202637):
              cover art 0.25 in from the trim for perfect-bound books; 1/16 in (0.0625 in)
              of allowed variance at the spine fold.
  [IS-FCG]    IngramSpark / Lightning Source "File Creation Guide" (v.1.2, 2014, and LSI
              v.13, 11/04/15): 0.125 in bleed on every side of a cover; PDF/X-1a:2001; no
              spine text under 48 pages.
  [IS-SPINE]  IngramSpark publishes its spine widths only through its cover template
              generator, which could not be reached from here. The thickness per page below
              is taken from the widths it gave for a 200-page book as published by Prepare
              to Publish ("What sort of paper should my book have?", 2023): 10.77 mm on
              50 lb white, 11.63 mm on 50 lb creme. Standard colour prints on the same 50 lb
              white. FLAGGED: check a template from the generator before a first print run.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

INCH = 72.0
MM = 1 / 25.4  # inches


@dataclass(frozen=True)
class CoverSpec:
    name: str  # the profile: "kdp", "ingram"
    service: str  # who gets the file, in the author's words
    paper_thickness: Mapping[str, float]  # inches a page adds to the spine, by `[print] paper`
    paper_names: Mapping[str, str]  # what the service calls that paper, for messages
    bleed: float  # on every outside edge of the wrap
    safe_margin: float  # text keeps this far inside every trimmed edge of the front and back
    spine_margin: float  # spine text keeps this far from each fold
    spine_text_pages: int  # the fewest pages a book may have to carry text on its spine
    barcode_box: tuple[float, float]  # width, height of the barcode's white box
    barcode_inset: tuple[float, float]  # the box's distance from the back cover's right edge and its bottom edge
    pdfx: bool  # PDF/X-1a in CMYK (the interior's conversion and output intent)

    def spine_width(self, pages: int, paper: str) -> float:
        """The spine's width in inches for `pages` (the interior's page count) on `paper`."""
        return pages * self.paper_thickness[paper]


SPECS = {
    "kdp": CoverSpec(
        name="kdp",
        service="Amazon KDP paperback",
        # [KDP-SUB]: "white paper: page count x 0.002252", "cream paper: page count x 0.0025",
        # "color paper: page count x 0.002347" (premium colour; standard colour prints on white).
        paper_thickness=MappingProxyType({"white": 0.002252, "cream": 0.0025, "color": 0.002347}),
        paper_names=MappingProxyType({"white": "white paper", "cream": "cream paper",
                                      "color": "premium color paper"}),
        bleed=0.125,  # [KDP-COVER]
        safe_margin=0.125,  # [KDP-COVER]
        spine_margin=0.0625,  # [KDP-COVER]
        spine_text_pages=80,  # [KDP-COVER]: "more than 79 pages"
        barcode_box=(2.0, 1.2),  # [KDP-COVER]
        barcode_inset=(0.25, 0.25),  # [KDP-COVER]
        pdfx=False,
    ),
    "ingram": CoverSpec(
        name="ingram",
        service="IngramSpark",
        # [IS-SPINE], FLAGGED: 10.77 mm / 200 pages and 11.63 mm / 200 pages.
        paper_thickness=MappingProxyType({"white": 10.77 * MM / 200, "cream": 11.63 * MM / 200,
                                          "color": 10.77 * MM / 200}),
        paper_names=MappingProxyType({"white": "50 lb white", "cream": "50 lb creme",
                                      "color": "standard color on 50 lb white"}),
        bleed=0.125,  # [IS-FCG]
        safe_margin=0.25,  # [IS-TIPS]
        spine_margin=0.0625,  # [IS-TIPS]
        spine_text_pages=48,  # [IS-FCG]
        # IngramSpark's template draws its barcode in the lower right corner of the back
        # cover; its size is not published as a number, so KDP's box (which fits the EAN-13
        # and its add-on at 85 % magnification) is used, at the same place. FLAGGED.
        barcode_box=(2.0, 1.2),
        barcode_inset=(0.25, 0.25),
        pdfx=True,  # [IS-FCG]
    ),
}

# Widely documented, not per service: the EAN-13 symbol (GS1 General Specifications,
# section 5.2.1.4): a module (X) of 0.33 mm at 100 % magnification, 80 % to 200 % allowed;
# 11 modules of light margin before the symbol and 7 after; the 5-digit add-on 7 to 12
# modules after the main symbol. Book barcodes are usually printed at 80 % to 92 %.
EAN_MODULE = 0.33 * MM  # inches at 100 %
EAN_MAGNIFICATION = 0.85
EAN_BAR_HEIGHT = 0.7  # inches: shortened from the nominal 0.9 in, as book jackets do, to fit the box

# The barcode's white box must stay white and its bars pure black ink [IS-BARCODE].
BARCODE_BLACK = "#000000"
BARCODE_WHITE = "#ffffff"
