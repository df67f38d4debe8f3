"""Files book.toml names by path (a bibliography, the covers' words and photograph): each
must lie inside the book folder, be of a kind its option takes, and exist; a problem is
reported at the key that names it."""

from __future__ import annotations

from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import SourceLocation
from bookwright.paths import is_inside


def named_file(label: str, written: str, where: SourceLocation, root: Path, suffixes: tuple[str, ...],
               wrong_kind: str, diags: Diagnostics) -> Path | None:
    """The file `written` names, or None (with an error at `where`). `label` names the
    option in messages; `wrong_kind` says what a file of another kind is not."""
    path = root / written
    if Path(written).is_absolute() or not is_inside(path, root):
        diags.error_at(where, f"{label} '{written}' is outside the book folder",
                       hint=f"keep the {label.split()[-1]} file inside the folder that holds book.toml")
    elif path.suffix.lower() not in suffixes:
        diags.error_at(where, f"{label} '{written}' is {wrong_kind}")
    elif not path.is_file():
        diags.error_at(where, f"{label} file '{written}' does not exist")
    else:
        return path
    return None
