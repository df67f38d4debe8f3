"""Problems in an author's input, reported compiler-style with their source location.

Every stage reports into a `Diagnostics` collector instead of raising, so that one run
shows the author every problem at once. `BookError` is only for aborting a build once
the collected problems make going on pointless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str
    hint: str = ""

    def format(self) -> str:
        location = self.path
        if self.line:
            location += f":{self.line}:{self.col or 1}"
        text = f"{location}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


@dataclass
class Diagnostics:
    """Collects problems for one build; paths are shown relative to the book folder `root`,
    as the author sees them in their manuscript (`05-trust.md:14:32`)."""

    root: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)

    def display_path(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return str(path)

    def error(self, path, line: int, col: int, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.display_path(path), line, col, "error", message, hint))

    def warning(self, path, line: int, col: int, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.display_path(path), line, col, "warning", message, hint))

    def error_at(self, where, message: str, hint: str = "") -> None:
        """An error at a SourceLocation (anything with path, line and col)."""
        self.error(where.path, where.line, where.col, message, hint)

    def warning_at(self, where, message: str, hint: str = "") -> None:
        self.warning(where.path, where.line, where.col, message, hint)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise BookError(self)

    def sorted(self) -> list[Diagnostic]:
        # Stable, deduplicated, in file order: what a compiler shows.
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.col, d.message))


class BookError(Exception):
    """Aborts a build; carries every diagnostic collected so far."""

    def __init__(self, diagnostics: Diagnostics):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics.sorted()))
