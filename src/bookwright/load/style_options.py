"""[style]: the book's design — a bundled theme, and what the author changes of it: faces,
type sizes and leading per edition, the chapter opening, the scene-break ornament and
stylesheets of their own — each value checked for what it means and reported at its line.

What book.toml leaves out is the theme's; the editions read the result through
`StyleOptions.body`, `.size(edition)` and the like, never the theme directly.
"""

from __future__ import annotations

import difflib
import re

from bookwright.diagnostics import Diagnostics
from bookwright.load.fonts import read_face
from bookwright.load.print_options import LENGTH, points
from bookwright.load.stylesheets import StylesheetReader
from bookwright.load.themes import DEFAULT_THEME, bundled_themes
from bookwright.load.toml import KeyLocator
from bookwright.model import STYLED_EDITIONS, AuthorStylesheet, StyleOptions
from bookwright.options import with_defaults

OPENINGS = ("plain", "small-caps", "drop-cap")
PAGED = ("pdf", "print")
# Where a size is read by a reading system or a browser, it is relative to the reader's own.
WEB_SIZE = re.compile(r"^(\d+(?:\.\d+)?)(px|%)$")
EPUB_SIZE = re.compile(r"^(\d+(?:\.\d+)?)(%|em)$")
SIZE_RANGES = {"epub": {"%": (75, 150), "em": (0.75, 1.5)}, "web": {"px": (12, 28), "%": (75, 175)}}
ORNAMENT_LENGTH = 12


def read_style(table: dict, at: KeyLocator, diags: Diagnostics) -> StyleOptions:
    theme = _theme(table.get("theme"), at, diags)
    faces = {key.replace("-", "_"): read_face(table[key], "style", key, at, diags) if key in table else None
             for key in ("body-font", "heading-font", "code-font")}
    return with_defaults(StyleOptions, theme=theme, **faces,
                         font_size=_per_edition("font-size", table.get("font-size"), _size, at, diags),
                         line_height=_per_edition("line-height", table.get("line-height"), _leading, at, diags),
                         opening=_opening(table.get("opening"), at, diags),
                         ornament=_ornament(table.get("ornament"), at, diags),
                         css=_stylesheets(table.get("css"), at, diags))


def _theme(name: str | None, at: KeyLocator, diags: Diagnostics):
    themes = bundled_themes()
    if name is None:
        return themes[DEFAULT_THEME]
    if name.strip().lower() in themes:
        return themes[name.strip().lower()]
    close = difflib.get_close_matches(name, list(themes), n=1)
    diags.error_at(at.key("style", "theme"), f"unknown theme '{name}'",
                   hint=(f"did you mean '{close[0]}'? " if close else "") + "bundled themes: " + ", ".join(themes))
    return themes[DEFAULT_THEME]


def _per_edition(key: str, value, check, at: KeyLocator, diags: Diagnostics) -> dict | None:
    """A value for the editions it suits, or a table of values by edition; each checked by
    `check(key, edition, value, where)`, which returns the CSS value or None."""
    if value is None:
        return None
    where = at.key("style", key)
    if isinstance(value, dict):
        found = {}
        for edition, given in value.items():
            if edition not in STYLED_EDITIONS:
                diags.error_at(where, f"[style] {key}: unknown edition '{edition}'",
                               hint="the editions are " + ", ".join(STYLED_EDITIONS))
            elif not isinstance(given, (str, int, float)) or isinstance(given, bool):
                diags.error_at(where, f"[style] {key}.{edition} must be a string or a number")
            else:
                css = check(key, edition, given, where, diags)
                if css is not None:
                    found[edition] = css
        return found
    # One value: a multiple of the size means the same everywhere; a length means paper.
    unitless = isinstance(value, (int, float)) or (isinstance(value, str) and _is_number(value))
    editions = STYLED_EDITIONS if key == "line-height" and unitless else PAGED
    found = {edition: check(key, edition, value, where, diags) for edition in editions}
    return {e: v for e, v in found.items() if v is not None} if all(found.values()) else None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _size(key: str, edition: str, size, where, diags: Diagnostics) -> str | None:
    if edition in PAGED:
        text = f"{size:g}pt" if isinstance(size, (int, float)) else size.strip()
        try:
            value = points(text)
        except ValueError:
            diags.error_at(where, f"[style] font-size must be a size such as 10.5pt for the PDFs, not '{size}'")
            return None
        if not 7 <= value <= 16:
            diags.error_at(where, f"[style] font-size {text} is outside 7pt to 16pt",
                           hint="books are set between 9pt and 12pt")
            return None
        return text
    pattern, example = (EPUB_SIZE, "100% or 1.1em") if edition == "epub" else (WEB_SIZE, "19px or 110%")
    match = pattern.match(str(size).strip())
    if not match:
        diags.error_at(where, f"[style] font-size.{edition} must be a size such as {example}, not '{size}'",
                       hint="the reader's own size setting scales it" if edition == "epub" else "")
        return None
    low, high = SIZE_RANGES[edition][match.group(2)]
    if not low <= float(match.group(1)) <= high:
        diags.error_at(where, f"[style] font-size.{edition} {size} is outside {low:g}{match.group(2)} to "
                              f"{high:g}{match.group(2)}")
        return None
    return str(size).strip()


def _leading(key: str, edition: str, leading, where, diags: Diagnostics) -> str | None:
    if isinstance(leading, (int, float)) or _is_number(str(leading)):
        value = float(leading)
        if 1.0 <= value <= 2.5:
            return f"{value:g}"
        diags.error_at(where, f"[style] line-height {value:g} is outside 1.0 to 2.5",
                       hint="a number is a multiple of the font size: 1.35 is a comfortable book leading")
        return None
    if edition in PAGED and LENGTH.match(leading.strip()):
        return leading.strip()
    diags.error_at(where, "[style] line-height must be a number such as 1.35"
                          + (" or a length such as 14pt" if edition in PAGED else f" for {edition}")
                          + f", not '{leading}'")
    return None


def _opening(opening: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if opening is None or opening in OPENINGS:
        return opening
    diags.error_at(at.key("style", "opening"), f"unknown chapter opening '{opening}'",
                   hint="choose " + ", ".join(OPENINGS))
    return None


def _ornament(ornament: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    if ornament is None:
        return None
    text = ornament.strip()
    if not text or len(text) > ORNAMENT_LENGTH or any(ch in text for ch in "\n\\\""):
        diags.error_at(at.key("style", "ornament"), f"[style] ornament must be a few characters such as \"❦\" "
                                                    f"or \"* * *\", not {ornament!r}")
        return None
    return text


def _stylesheets(css: list | dict | None, at: KeyLocator, diags: Diagnostics) -> dict | None:
    if css is None:
        return None
    where = at.key("style", "css")
    by_group = {"all": css} if isinstance(css, list) else css
    reader = StylesheetReader(at.root, diags)
    chosen: dict[str, list[AuthorStylesheet]] = {edition: [] for edition in STYLED_EDITIONS}
    for group, names in by_group.items():
        if group != "all" and group not in STYLED_EDITIONS:
            diags.error_at(where, f"[style] css: unknown edition '{group}'",
                           hint="name all, " + ", ".join(STYLED_EDITIONS))
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            diags.error_at(where, f"[style] css{'' if group == 'all' else '.' + group} must be a list of CSS files")
            continue
        for name in names:
            sheets = reader.sheets(name, at.string(name))
            for edition in (STYLED_EDITIONS if group == "all" else (group,)):
                chosen[edition].extend(s for s in sheets if s not in chosen[edition])
    return {edition: tuple(sheets) for edition, sheets in chosen.items() if sheets}
