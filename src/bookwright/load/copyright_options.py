"""[copyright]: the lines of the copyright page only the author can write — the edition
statement, the credits, and free lines such as CIP data — each kept as written, and an
empty one reported at its line."""

from __future__ import annotations

from bookwright.diagnostics import Diagnostics
from bookwright.load.toml import KeyLocator
from bookwright.model import CopyrightOptions
from bookwright.options import with_defaults


def read_copyright(table: dict, at: KeyLocator, diags: Diagnostics) -> CopyrightOptions:
    edition = table.get("edition")
    if edition is not None and not edition.strip():
        diags.error_at(at.key("copyright", "edition"), "[copyright] edition is empty",
                       hint="leave the key out to print no edition statement")
        edition = None
    return with_defaults(CopyrightOptions, edition=edition.strip() if edition else None,
                         credits=_lines("credits", table.get("credits"), at, diags),
                         lines=_lines("lines", table.get("lines"), at, diags))


def _lines(key: str, lines: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[str, ...] | None:
    if lines is None:
        return None
    if not all(isinstance(line, str) for line in lines):
        diags.error_at(at.key("copyright", key), f"[copyright] {key} must be a list of lines (strings)")
        return None
    # A line may be empty on purpose: a gap between a credit block and the next.
    return tuple(line.rstrip() for line in lines)
