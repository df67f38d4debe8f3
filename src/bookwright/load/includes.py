"""Quarto's `{{< include file.md >}}` and `{{< meta key >}}`, read with the chapter file.

An include is a line of its own that the named file's text replaces, its path relative
to the file that includes it; the file must be inside the book folder (a build reads
nothing else), and may include others in turn (a loop is an error). `{{< meta title >}}`
is the book's title from book.toml, anywhere in the text; the keys are book.toml's
[book] keys (`author` for the authors, `lang` for the language, as Quarto names them).
Code keeps both as written.

Each line of the text that results remembers the file and line it came from, so that a
problem inside an included file is reported at its own place.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import Metadata
from bookwright.paths import is_inside

INCLUDE = re.compile(r"^[ \t]*\{\{<[ \t]*include[ \t]+(\"[^\"]+\"|'[^']+'|\S+)[ \t]*>\}\}[ \t]*$")
META = re.compile(r"\{\{<[ \t]*meta[ \t]+([\w.-]+)[ \t]*>\}\}")
FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
MAX_DEPTH = 16


def meta_values(metadata: Metadata) -> dict[str, str]:
    authors = ", ".join(metadata.authors)
    values = {"title": metadata.title, "subtitle": metadata.subtitle, "author": authors, "authors": authors,
              "date": metadata.date, "publisher": metadata.publisher, "description": metadata.description,
              "rights": metadata.rights, "language": metadata.language, "lang": metadata.language,
              "identifier": metadata.identifier}
    return values


class Expansion:
    """A chapter's text with its includes and meta values in place, and each line's origin."""

    def __init__(self, root: Path, metadata: Metadata | None, diags: Diagnostics):
        self.root = root
        self.values = meta_values(metadata) if metadata is not None else {}
        self.diags = diags
        self.included: set[Path] = set()  # every file an include read

    def expand(self, text: str, path: Path) -> tuple[str, list[tuple[Path, int]] | None]:
        """The text and, when an include changed its lines, each line's (file, line)."""
        if "{{<" not in text:
            return text, None
        lines, origins = self._lines(text, path, [path.resolve()])
        changed = any(origin[0] != path for origin in origins)
        return "\n".join(lines), origins if changed else None

    def _lines(self, text: str, path: Path, chain: list[Path]) -> tuple[list[str], list[tuple[Path, int]]]:
        lines: list[str] = []
        origins: list[tuple[Path, int]] = []
        fence = None
        for number, line in enumerate(text.split("\n"), 1):
            m = FENCE.match(line)
            if m is not None and (fence is None or (m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence))):
                fence = m.group(1) if fence is None else None
            include = INCLUDE.match(line) if fence is None else None
            if include is not None:
                inner = self._include(include.group(1).strip("\"'"), path, number, line, chain)
                if inner is not None:
                    lines.extend(inner[0])
                    origins.extend(inner[1])
                    continue
                line = ""  # reported; nothing of it is printed
            elif fence is None and "{{<" in line:
                line = self._meta(line, path, number)
            lines.append(line)
            origins.append((path, number))
        return lines, origins

    def _include(self, written: str, path: Path, number: int, line: str, chain: list[Path]):
        column = line.index("{{<") + 1
        target = (path.parent / written)
        if written.startswith("/") or not is_inside(target, self.root):
            self.diags.error(path, number, column, f"the include '{written}' is outside the book folder",
                             hint="include files from inside the folder that holds book.toml")
            return None
        if not target.is_file():
            self.diags.error(path, number, column, f"the included file '{written}' does not exist")
            return None
        real = target.resolve()
        if real in chain:
            self.diags.error(path, number, column, f"'{written}' includes itself, through "
                             + " → ".join(p.name for p in chain[chain.index(real):]))
            return None
        if len(chain) > MAX_DEPTH:
            self.diags.error(path, number, column, f"includes nest more than {MAX_DEPTH} files deep")
            return None
        try:
            text = target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            self.diags.error(path, number, column, f"the included file '{written}' is not UTF-8",
                             hint="save it as UTF-8 in your editor")
            return None
        self.included.add(real)
        front = FRONT_MATTER.match(text)
        if front is not None:  # an included file's front matter is its own, not the chapter's
            text = "\n" * front.group(0).count("\n") + text[front.end():]
        return self._lines(text.rstrip("\n"), target, chain + [real])

    def _meta(self, line: str, path: Path, number: int) -> str:
        code = [(m.start(), m.end()) for m in INLINE_CODE.finditer(line)]

        def value(m: re.Match) -> str:
            if any(a <= m.start() < b for a, b in code):
                return m.group(0)
            key = m.group(1).removeprefix("book.")
            if key in self.values and self.values[key]:
                return self.values[key]
            self.diags.error(path, number, m.start() + 1, f"{{{{< meta {m.group(1)} >}}}}: book.toml has no value "
                             f"'{key}'", hint="meta reads [book] values: " + ", ".join(sorted(self.values)))
            return ""

        return META.sub(value, line)
