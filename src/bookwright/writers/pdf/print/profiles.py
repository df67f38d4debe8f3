"""What each print-on-demand service asks of a book's interior PDF, and the CSS that meets it.

A profile is a set of rules: page boxes and bleed, margins, the page count's padding,
whether links and bookmarks stay, and which PDF/X flavour the file declares. The
numbers here are the services' published file requirements; print/preflight.py checks a
built file against the same numbers, so the writer and the checker cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bookwright.model import PageOptions, PrintOptions
from bookwright.load.print_options import points

INCH = 72.0
POD_BLEED = 0.125 * INCH  # KDP and IngramSpark: on the top, bottom and outside edge only

# The inside (gutter) margin a perfect-bound book needs for its page count: the thicker
# the book, the more of the page disappears into the binding. (up to N pages, inches)
GUTTERS = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (math.inf, 0.875))

# The print design's other margins, in inches. Running heads and folios sit inside them,
# at least half an inch from every trimmed edge (IngramSpark's safety margin).
TOP, BOTTOM, OUTSIDE = 0.875, 0.875, 0.65


@dataclass(frozen=True)
class Profile:
    name: str  # "kdp", "ingram", "press"
    service: str  # who gets the file, in the author's words
    safe_margin: float  # inches from a trimmed edge no text may come closer than (without bleed)
    safe_margin_bleed: float  # the same when the file has bleed
    min_inside: float  # inches: the gutter never falls below this, whatever the page count
    last_page_blank: bool
    pdfx: bool  # declares PDF/X and writes every colour in CMYK or grey
    pod_bleed: bool  # bleed on three sides (print-on-demand) rather than all four with marks
    min_pages: int
    max_pages: int | None

    def page_multiple(self, width_pt: float, height_pt: float) -> int:
        """The page count must be a multiple of this."""
        if self.name == "ingram":
            # Signatures of 6 leaves on the small-format presses, 4 on the large ones.
            small = width_pt <= 6.14 * INCH + 0.01 and height_pt <= 9.21 * INCH + 0.01
            return 6 if small else 4
        return 2

    def padded_count(self, pages: int, width_pt: float, height_pt: float) -> int:
        """The page count once blank pages pad the end to what the printer binds."""
        multiple = self.page_multiple(width_pt, height_pt)
        least = pages + (1 if self.last_page_blank else 0)
        return max(multiple, math.ceil(least / multiple) * multiple)

    def inside_margin(self, pages: int) -> float:
        return max(gutter_for(pages), self.min_inside)


# One entry per name in editions.PRINT_PROFILES (a test checks they agree).
PROFILES = {
    "kdp": Profile("kdp", "Amazon KDP paperback", 0.25, 0.375, 0.0, False, False, True, 24, 828),
    "ingram": Profile("ingram", "IngramSpark", 0.5, 0.5, 0.5, True, True, True, 18, 1200),
    "press": Profile("press", "a printer that asks for crop marks", 0.25, 0.25, 0.0, False, False, False, 1, None),
}


def gutter_for(pages: int) -> float:
    for most, inches in GUTTERS:
        if pages <= most:
            return inches
    return GUTTERS[-1][1]


def trim_points(page: PageOptions) -> tuple[float, float]:
    return points(page.width), points(page.height)


def bleed_points(profile: Profile, options: PrintOptions) -> float:
    if profile.pod_bleed:
        return POD_BLEED if options.bleed else 0.0
    return points(options.bleed_size)


def profile_css(profile: Profile, options: PrintOptions, inside: float) -> str:
    """The rules that turn the screen design into this profile's print interior."""
    rules = [
        # Mirrored margins: the gutter is on the right of a left-hand page and the left of a right-hand one.
        f"@page {{ margin: {TOP}in {OUTSIDE}in {BOTTOM}in {inside}in; }}",
        f"@page :right {{ margin-left: {inside}in; margin-right: {OUTSIDE}in; }}",
        f"@page :left {{ margin-left: {OUTSIDE}in; margin-right: {inside}in; }}",
        # Heads hang from the top margin's foot, folios from the bottom margin's head:
        # both stay well clear of the trimmed edges.
        "@page :left { @top-left { vertical-align: bottom; padding-bottom: 14pt; }"
        " @bottom-left { vertical-align: top; padding-top: 14pt; } }",
        "@page :right { @top-right { vertical-align: bottom; padding-bottom: 14pt; }"
        " @bottom-right { vertical-align: top; padding-top: 14pt; } }",
        # Paper has no bookmarks, and a link is only its words (and its address, see below).
        "* { bookmark-level: none !important; }",
        "a { text-decoration: none; }",
        'a.printed-url::after { content: " (" attr(href) ")"; hyphens: manual; overflow-wrap: anywhere; }',
        # A dedication's or epigraph's title is kept, unseen, for a screen's bookmarks and screen
        # readers (base.css); paper has neither, and PDF/X-1a allows nothing see-through.
        ".dedication > h1, section.epigraph > h1 { display: none; }",
    ]
    bleed = bleed_points(profile, options)
    if profile.pod_bleed and bleed:
        b = f"{bleed / INCH:g}in"
        rules.append(f"@page :right {{ bleed: {b} {b} {b} 0; }}")
        rules.append(f"@page :left {{ bleed: {b} 0 {b} {b}; }}")
    elif not profile.pod_bleed:
        marks = "none" if options.marks == "none" else options.marks
        rules.append(f"@page {{ bleed: {options.bleed_size}; marks: {marks}; }}")
    return "\n".join(rules)
