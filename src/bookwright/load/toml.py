"""book.toml as TOML: the file read, where each key is written, and every table and key
checked against the declared options before any reader gives a value its meaning.

tomllib keeps no positions, so `KeyLocator` finds them in the text, once; the text and
what it finds travel on the Config (`TomlSource`), so no later stage reads book.toml again.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import Config, SourceLocation, TomlSource
from bookwright.options import EVERY_WORD, TABLES, Option, declared_options
from bookwright.words import WORD_KEYS

TYPE_WORDS = {str: "a string", list: "a list", int: "an integer", dict: "a table", bool: "true or false",
              float: "a number", datetime.date: "a date"}
HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
# Keys that moved to another table: an old book.toml is told where they went.
MOVED = {("pdf", "font-size"): "style", ("pdf", "line-height"): "style", ("pdf", "opening"): "style"}
# `key =` or `"key" =` at the start of a line: how an option is written.
KEY_LINE = re.compile(r'^\s*(?:"([^"]*)"|([A-Za-z0-9_-]+))\s*=')


def read_book_toml(root: Path, diags: Diagnostics) -> tuple[dict, KeyLocator] | None:
    """book.toml's tables, and where each key is; None when the file cannot be read as TOML."""
    path = root / "book.toml"
    if not path.is_file():
        diags.error(path, 0, 0, "no book.toml in the book folder",
                    hint="run `bookwright new DIR` to scaffold a book, or point at the folder that holds book.toml")
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diags.error(path, line, 1, f"book.toml is not UTF-8 (byte {exc.start} is 0x{raw[exc.start]:02x})")
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        diags.error(path, line, col, f"TOML syntax error: {message}")
        return None
    return data, KeyLocator(path, text)


class KeyLocator:
    """Where keys and strings sit in book.toml, for messages at their line; the readers'
    `at`. Keys are found in one pass; `source` is what the Config keeps of them."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        keys: dict[tuple[str, str], SourceLocation] = {}
        headers: dict[str, SourceLocation] = {}
        current = ""
        for number, line in enumerate(self.lines, 1):
            header = HEADER.match(line)
            if header:
                current = header.group(1)
                headers.setdefault(current, SourceLocation(path, number, 1))
                continue
            written = KEY_LINE.match(line)
            if written:
                key = written.group(1) if written.group(1) is not None else written.group(2)
                col = line.index(key.split(".")[0]) + 1
                keys.setdefault((current, key), SourceLocation(path, number, col))
        self.source = TomlSource(path, text, keys, headers)

    @property
    def root(self) -> Path:
        """The book folder: paths in book.toml are relative to it."""
        return self.path.parent

    def key(self, table: str, key: str) -> SourceLocation:
        return self.source.key(table, key)

    def string(self, value: str, occurrence: int = 0) -> SourceLocation:
        """Where the `occurrence`-th quoted `value` is written."""
        seen = 0
        for number, line in enumerate(self.lines, 1):
            # Every occurrence on the line counts: `["a.md", "a.md"]` names the second one.
            cols = sorted(m.start() for quote in ('"', "'")
                          for m in re.finditer(re.escape(quote + value + quote), line))
            for col in cols:
                if seen == occurrence:
                    return SourceLocation(self.path, number, col + 1)
                seen += 1
        return SourceLocation(self.path, 1, 1)


def schema() -> dict[str, dict[str, Option]]:
    """Table → key → Option: what book.toml may say, from the declarations on Config."""
    options = declared_options(Config)
    tables: dict[str, dict[str, Option]] = {table.name: {} for table in TABLES}
    for option in options:
        # [words] is declared once; each word the editions print is a key of its own.
        for key in (WORD_KEYS if option.key == EVERY_WORD else (option.key,)):
            tables[option.table][key] = option
    return tables


def check_tables(data: dict, at: KeyLocator, diags: Diagnostics) -> dict[str, dict]:
    """Every declared table's keys that are known and of a type the option accepts, by
    table; each problem is reported at its line, and unusable values are left out."""
    known = schema()
    for table, value in data.items():
        if table not in known:
            diags.error_at(at.key("", table), f"unknown table or key '{table}'",
                           hint="book.toml knows the tables " + ", ".join(f"[{t}]" for t in known))
        elif not isinstance(value, dict):
            diags.error_at(at.key("", table), f"'{table}' must be a table ([{table}])")
        else:
            for key in value:
                if (table, key) in MOVED:
                    diags.error_at(at.key(table, key), f"'{key}' is no longer in [{table}]",
                                   hint=f"it moved to [{MOVED[table, key]}], where it sets every edition's type")
                elif key not in known[table]:
                    diags.error_at(at.key(table, key), f"unknown key '{key}' in [{table}]",
                                   hint=f"known keys: {', '.join(known[table])}")
    if "book" not in data:
        diags.error_at(SourceLocation(at.path, 1, 1), "book.toml has no [book] table",
                       hint='add [book] with title, authors and language')
    checked: dict[str, dict] = {}
    for table, options in known.items():
        values = data.get(table) if isinstance(data.get(table), dict) else {}
        checked[table] = {}
        for key, option in options.items():
            if key not in values:
                if option.required and table in data:
                    diags.error_at(at.key(table, key), f"[{table}] needs '{key}'")
            elif _has_type(values[key], option, key, at, diags):
                checked[table][key] = values[key]
    return checked


def _has_type(value, option: Option, key: str, at: KeyLocator, diags: Diagnostics) -> bool:
    # TOML booleans are ints to Python; only a key that wants true/false accepts them.
    if (isinstance(value, bool) and bool not in option.accepts) or not isinstance(value, option.accepts):
        want = " or ".join(TYPE_WORDS[kind] for kind in option.accepts)
        diags.error_at(at.key(option.table, key), f"'{option.table}.{key}' must be {want}, not {type(value).__name__}")
        return False
    return True
