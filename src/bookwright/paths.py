"""Keeping every read inside the book folder and the theme."""

from __future__ import annotations

from pathlib import Path


# The output folder's hidden cache: what a later build may reuse (parsed chapters, layouts,
# the gate's verdicts, the no-op manifest). `bookwright clean` removes it with the outputs.
CACHE_FOLDER = ".bookwright-cache"


def is_inside(path: Path, *roots: Path) -> bool:
    """True when `path`, with every symbolic link followed, lies inside one of `roots`."""
    try:
        real = path.resolve(strict=False)
    except (OSError, RuntimeError):
        return False
    for root in roots:
        try:
            real.relative_to(root.resolve())
            return True
        except ValueError:
            continue
    return False


def theme_dir() -> Path:
    """The default theme: installed beside the package, or `styles/` in a source checkout."""
    installed = Path(__file__).parent / "styles"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "styles"


def checkout_tools_dir() -> Path:
    """Where `build.py` installs the tools a source checkout runs (`.tools/` beside `src/`):
    Ace by DAISY for the EPUB's gate. An installed bookwright finds them on PATH instead."""
    return Path(__file__).resolve().parents[2] / ".tools"
