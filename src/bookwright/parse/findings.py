"""What the syntax extensions notice in a chapter for the author, located in its source.

Python-Markdown keeps no source positions, so an extension that notices something (a
class it does not know, markup it could not read) records a `Finding`: what to say, and
a pattern that finds the place in the chapter's Markdown. `parse_chapter` gives each
finding its location (sourcemap.locate: the n-th match of the pattern outside code, n
being its `occurrence`) and reports it. One `Findings` list per chapter, handed to the extensions
when the chapter's Markdown instance is made.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    message: str
    pattern: str  # a regular expression that finds it in the source
    occurrence: int = 0  # which match of the pattern it is
    hint: str = ""


class Findings(list):
    """The findings of one chapter, and how many of each pattern were recorded so far."""

    def __init__(self):
        super().__init__()
        self._counts: dict[str, int] = {}

    def add(self, severity: str, message: str, pattern: str, hint: str = "", occurrence: int | None = None) -> None:
        """Records the next occurrence of `pattern`: the first call for a pattern is its first
        match in the source, the second call its second match, and so on (unless the caller
        knows which match it is)."""
        if occurrence is None:
            occurrence = self._counts.get(pattern, 0)
            self._counts[pattern] = occurrence + 1
        self.append(Finding(severity, message, pattern, occurrence, hint))
