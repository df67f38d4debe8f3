"""Where things are in a chapter's Markdown source.

Python-Markdown keeps no source positions, so diagnostics find them here: the raw text
is scanned with the same token patterns the extensions use, skipping code, and the
n-th token maps to the n-th element the parser produced.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import ChapterSource, SourceLocation
from bookwright.parse.findings import Finding
from bookwright.parse.syntax.attributes import code_spans
from bookwright.parse.syntax.listings import note_fences

FENCE_LINE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^[ ]{0,3}(#{1,6})(?:[ \t]+|$)", re.M)
SETEXT_UNDERLINE = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")


class SourceMap:
    def __init__(self, path: Path, text: str, origins: list[tuple[Path, int]] | None = None):
        self.path = path
        self.text = text
        self.origins = origins  # each line's (file, line) when includes brought lines in
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.code = self._code_ranges()

    def _code_ranges(self) -> list[tuple[int, int]]:
        ranges: list[tuple[int, int]] = []
        openings: list[tuple[int, int]] = []
        fence = None
        start = 0
        for number, offset in enumerate(self.line_starts):
            end = self.line_starts[number + 1] if number + 1 < len(self.line_starts) else len(self.text)
            line = self.text[offset:end]
            m = FENCE_LINE.match(line)
            if fence is None and m:
                # The opening line stays searchable: it carries the listing's {#lst-x}.
                fence, start = m.group(1), end
                openings.append((offset, end))
            elif fence is not None and m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                ranges.append((start, end))
                fence = None
        if fence is not None:
            ranges.append((start, len(self.text)))
        # Fenced code inside a footnote, indented with the note (syntax/listings.py).
        ranges.extend((m.start("code"), m.end()) for m in note_fences(self.text))
        spans = []
        # A fence's backticks, or a backtick inside fenced code, never open an inline code
        # span: inline code is read in the text between the blocks.
        position = 0
        for start, end in sorted(ranges + openings) + [(len(self.text), len(self.text))]:
            if start > position:
                spans.extend(code_spans(self.text, position, start))
            position = max(position, end)
        return sorted(ranges + spans)

    @staticmethod
    def _inside(offset: int, ranges: list[tuple[int, int]]) -> bool:
        index = bisect.bisect_right(ranges, (offset, float("inf"))) - 1
        return index >= 0 and ranges[index][0] <= offset < ranges[index][1]

    def in_code(self, offset: int) -> bool:
        return self._inside(offset, self.code)

    @classmethod
    def of(cls, source: ChapterSource) -> SourceMap:
        return cls(source.path, source.text, source.origins)

    def location(self, offset: int) -> SourceLocation:
        line = bisect.bisect_right(self.line_starts, offset)
        col = offset - self.line_starts[line - 1] + 1
        if self.origins is not None and line <= len(self.origins):
            path, written = self.origins[line - 1]  # a line an include brought in: its own file's
            return SourceLocation(path, written, col)
        return SourceLocation(self.path, line, col)

    def find_all(self, pattern: re.Pattern | str, group: int = 0) -> list[SourceLocation]:
        """Every match outside code, as locations of the given group."""
        if isinstance(pattern, str):
            pattern = re.compile(re.escape(pattern))
        return [
            self.location(m.start(group))
            for m in pattern.finditer(self.text)
            if not self.in_code(m.start())
        ]

    def headings(self) -> list[SourceLocation]:
        found = [(m.start(1), self.location(m.start(1))) for m in ATX_HEADING.finditer(self.text)]
        lines = self.text.split("\n")
        for number in range(1, len(lines)):
            if SETEXT_UNDERLINE.match(lines[number]) and lines[number - 1].strip() and not lines[number - 1].startswith(("#", "|", "-", "*", ">")):
                offset = self.line_starts[number - 1]
                found.append((offset, self.location(offset)))
        return [loc for offset, loc in sorted(found, key=lambda item: item[0]) if not self.in_code(offset)]

    def first(self, pattern: re.Pattern | str, default_line: int = 1) -> SourceLocation:
        found = self.find_all(pattern)
        return found[0] if found else SourceLocation(self.path, default_line, 1)


# --- what the extensions noticed, at its place ------------------------------------------


def locate(finding: Finding, sources: SourceMap, flags: int = 0) -> SourceLocation:
    matches = sources.find_all(re.compile(finding.pattern, re.M | flags))
    if not matches:
        return SourceLocation(sources.path, 1, 1)
    return matches[min(finding.occurrence, len(matches) - 1)]


def report_findings(findings: list[Finding], sources: SourceMap, diags: Diagnostics) -> None:
    for finding in findings:
        where = locate(finding, sources)
        if finding.severity == "error":
            diags.error_at(where, finding.message, hint=finding.hint)
        else:
            diags.warning_at(where, finding.message, hint=finding.hint)
