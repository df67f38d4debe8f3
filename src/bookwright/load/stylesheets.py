"""The author's CSS files (`[style] css`): read once, and held to the rules every file of
the book is: inside the book folder, nothing from the network.

Every `url()` must name a file inside the book folder (or be a `data:` address): the
editions package those files with the stylesheet. An `@import` of another file of the book
makes that file a stylesheet of its own, placed before the one importing it (which is
where CSS puts its rules); the `@import` rule itself is blanked out, space for character, so
that every line and column WeasyPrint reports is still the author's.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2

from bookwright.diagnostics import Diagnostics
from bookwright.model import AuthorStylesheet, SourceLocation
from bookwright.paths import is_inside


class StylesheetReader:
    """Reads the author's stylesheets of one book, each file once."""

    def __init__(self, root: Path, diags: Diagnostics):
        self.root = root
        self.diags = diags
        self.read: dict[Path, list[AuthorStylesheet]] = {}  # a file → it and what it imports, in order

    def sheets(self, name: str, where: SourceLocation) -> list[AuthorStylesheet]:
        """The file book.toml names, and the files it imports before it."""
        path = self.root / name
        if Path(name).is_absolute() or urlsplit(name).scheme or not is_inside(path, self.root):
            self.diags.error_at(where, f"[style] css: '{name}' is not a file inside the book folder",
                                hint="keep your stylesheets in the book folder, e.g. css/extra.css")
            return []
        if not path.is_file():
            self.diags.error_at(where, f"[style] css: '{name}' does not exist")
            return []
        return self._load(path.resolve(), where, ())

    def _load(self, path: Path, where: SourceLocation, importing: tuple[Path, ...]) -> list[AuthorStylesheet]:
        if path in self.read:
            return self.read[path]
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.diags.error_at(where, f"'{path.relative_to(self.root)}' is not UTF-8 (byte {exc.start})",
                                hint="save the stylesheet as UTF-8")
            return []
        blanked = list(text)
        imported: list[AuthorStylesheet] = []
        resources: list[Path] = []
        lines = _line_starts(text)
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            if rule.type == "at-rule" and rule.lower_at_keyword == "import":
                target = _import_target(rule.prelude)
                place = SourceLocation(path, rule.source_line, rule.source_column)
                file = self._inside(target or "", path, place, "@import") if target is not None else None
                if target is None:
                    self.diags.error_at(place, "@import must name a stylesheet: @import \"other.css\";")
                elif file is not None:
                    if file in importing or file == path:
                        self.diags.error_at(place, f"'{target}' imports itself (through @import)")
                    else:
                        imported.extend(self._load(file, place, importing + (path,)))
                _blank(blanked, lines, rule, text)
                continue
            for token, url in _urls(rule):
                if url.startswith("data:"):
                    continue
                place = SourceLocation(path, token.source_line, token.source_column)
                file = self._inside(url, path, place, "url()")
                if file is not None and file not in resources:
                    resources.append(file)
        sheets = imported + [AuthorStylesheet(path, "".join(blanked), tuple(resources))]
        self.read[path] = sheets
        return sheets

    def _inside(self, url: str, sheet: Path, place: SourceLocation, what: str) -> Path | None:
        """The book's file `url` names, relative to the stylesheet; None (and an error) otherwise."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("/"):
            self.diags.error_at(place, f"{what} '{url}' is not a file of the book: a build reads nothing from the "
                                       "network or outside the book folder",
                                hint="copy the file into the book folder and name it relative to the stylesheet")
            return None
        file = (sheet.parent / unquote(parts.path)).resolve()
        if not is_inside(file, self.root):
            self.diags.error_at(place, f"{what} '{url}' is outside the book folder")
        elif not file.is_file():
            self.diags.error_at(place, f"{what} '{url}' does not exist")
        else:
            return file
        return None


def _import_target(prelude) -> str | None:
    for token in prelude:
        if token.type in ("string", "url"):
            return token.value
        if token.type == "function" and token.lower_name == "url":
            strings = [t.value for t in token.arguments if t.type == "string"]
            return strings[0] if strings else None
        if token.type not in ("whitespace", "comment"):
            return None
    return None


def _urls(node):
    """(token, address) of every url() in a rule, at any depth."""
    for token in list(getattr(node, "prelude", None) or []) + list(getattr(node, "content", None) or []):
        if token.type == "url":
            yield token, token.value
        elif token.type == "function" and token.lower_name == "url":
            strings = [t.value for t in token.arguments if t.type == "string"]
            if strings:
                yield token, strings[0]
        if token.type == "function":
            yield from _urls(_Holder(token.arguments))
        elif hasattr(token, "content") and token.content is not None:
            yield from _urls(_Holder(token.content))


class _Holder:
    """Tokens inside a block or function, walked as a rule's content is."""

    def __init__(self, content):
        self.prelude = None
        self.content = content


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, ch in enumerate(text):
        if ch == "\n":
            starts.append(index + 1)
    return starts


def _blank(chars: list[str], lines: list[int], rule, text: str) -> None:
    """Replaces an @import rule (through its semicolon) with spaces, keeping line breaks."""
    start = lines[rule.source_line - 1] + rule.source_column - 1
    end = text.find(";", start)
    end = len(text) if end < 0 else end + 1
    for index in range(start, end):
        if chars[index] != "\n":
            chars[index] = " "
