"""Where everything sits on a full-wrap cover: the sheet, the three panels, the zones text
must keep inside and the barcode's box, from a service's numbers (specs.py), the trim size
and the interior's page count. The design lays the cover out on these boxes and the
preflight checks a built file against the same ones.

Boxes are in PDF points measured from the top left corner of the whole sheet, bleed
included (the way the design's CSS places them).
"""

from __future__ import annotations

from dataclasses import dataclass

from bookwright.writers.pdf.print.cover.specs import INCH, CoverSpec


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def inset(self, horizontal: float, vertical: float | None = None) -> Box:
        vertical = horizontal if vertical is None else vertical
        return Box(self.left + horizontal, self.top + vertical, self.width - 2 * horizontal,
                   self.height - 2 * vertical)

    def holds(self, left: float, top: float, right: float, bottom: float, slack: float = 0.0) -> bool:
        return (left >= self.left - slack and top >= self.top - slack
                and right <= self.right + slack and bottom <= self.bottom + slack)

    def overlaps(self, left: float, top: float, right: float, bottom: float) -> bool:
        return left < self.right and right > self.left and top < self.bottom and bottom > self.top


@dataclass(frozen=True)
class CoverGeometry:
    spec: CoverSpec
    pages: int  # the interior's page count
    paper: str  # `[print] paper`
    trim_width: float  # one panel, points
    trim_height: float
    right_to_left: bool = False  # the book opens the other way: its front is the left panel

    @property
    def bleed(self) -> float:
        return self.spec.bleed * INCH

    @property
    def spine_width(self) -> float:
        return self.spec.spine_width(self.pages, self.paper) * INCH

    @property
    def width(self) -> float:
        """The sheet: bleed + back + spine + front + bleed."""
        return 2 * self.bleed + 2 * self.trim_width + self.spine_width

    @property
    def height(self) -> float:
        return 2 * self.bleed + self.trim_height

    @property
    def trimmed(self) -> Box:
        return Box(self.bleed, self.bleed, 2 * self.trim_width + self.spine_width, self.trim_height)

    def _panel(self, first: bool) -> Box:
        left = self.bleed if first else self.bleed + self.trim_width + self.spine_width
        return Box(left, self.bleed, self.trim_width, self.trim_height)

    @property
    def back(self) -> Box:
        return self._panel(first=not self.right_to_left)

    @property
    def front(self) -> Box:
        return self._panel(first=self.right_to_left)

    @property
    def spine(self) -> Box:
        return Box(self.bleed + self.trim_width, self.bleed, self.spine_width, self.trim_height)

    @property
    def back_safe(self) -> Box:
        return self.back.inset(self.spec.safe_margin * INCH)

    @property
    def front_safe(self) -> Box:
        return self.front.inset(self.spec.safe_margin * INCH)

    @property
    def spine_safe(self) -> Box:
        return self.spine.inset(self.spec.spine_margin * INCH, self.spec.safe_margin * INCH)

    @property
    def spine_allows_text(self) -> bool:
        """The service's rule; whether the words fit legibly is the design's to decide."""
        return self.pages >= self.spec.spine_text_pages

    @property
    def barcode(self) -> Box:
        """The barcode's box, in the lower right corner of the back cover."""
        width, height = (v * INCH for v in self.spec.barcode_box)
        right, bottom = (v * INCH for v in self.spec.barcode_inset)
        return Box(self.back.right - right - width, self.back.bottom - bottom - height, width, height)

    def inches(self) -> tuple[float, float]:
        """The sheet's width and height in inches, as the services' calculators give them."""
        return self.width / INCH, self.height / INCH
