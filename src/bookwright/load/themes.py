"""The designs and typefaces bookwright ships, read from the theme folder: what `[style]`
may name besides the author's own files.

A theme is a folder `styles/themes/NAME/` with `theme.toml` (its faces, chapter opening,
scene-break ornament and type sizes per edition) and its stylesheets; the typefaces are
listed once, by family, in `styles/fonts/families.toml`. Both are bookwright's own files:
a mistake in them is a bug, not a problem in the author's book.
"""

from __future__ import annotations

import functools
import tomllib

from bookwright.load.licences import reserved_names
from bookwright.model import STYLED_EDITIONS, Face, FontFile, Theme
from bookwright.paths import theme_dir

DEFAULT_THEME = "classic"


@functools.cache
def bundled_families() -> dict[str, Face]:
    """Every bundled family by name, each file with its weight and slant."""
    fonts = theme_dir() / "fonts"
    families = tomllib.loads((fonts / "families.toml").read_text(encoding="utf-8"))
    return {
        name: Face(name=name, kind=family["kind"], licence=fonts / family["licence"],
                   files=tuple(FontFile(fonts / f["file"], f["weight"], f["style"]) for f in family["files"]),
                   reserved_names=reserved_names((fonts / family["licence"]).read_text(encoding="utf-8")))
        for name, family in families.items()
    }


@functools.cache
def bundled_themes() -> dict[str, Theme]:
    """Every bundled theme by name, in name order."""
    families = bundled_families()
    themes = {}
    for path in sorted((theme_dir() / "themes").glob("*/theme.toml")):
        declared = tomllib.loads(path.read_text(encoding="utf-8"))
        themes[path.parent.name] = Theme(
            name=path.parent.name, folder=path.parent, summary=declared["summary"],
            body=families[declared["body"]], heading=families[declared["heading"]], code=families[declared["code"]],
            math=families[declared["math"]] if "math" in declared else None,
            opening=declared["opening"], ornament=declared["ornament"],
            font_size=_per_edition(declared["font-size"]), line_height=_per_edition(declared["line-height"]))
    return themes


def _per_edition(values: dict) -> dict:
    return {edition: str(values[edition]) for edition in STYLED_EDITIONS}


def family_named(name: str) -> Face | None:
    """A bundled family by its name, however it is capitalised."""
    wanted = name.strip().casefold()
    return next((face for known, face in bundled_families().items() if known.casefold() == wanted), None)
