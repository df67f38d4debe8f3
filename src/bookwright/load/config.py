"""`book.toml` → `Config`: typed options with errors that name the key and its line."""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bookwright.load.epub_options import read_accessibility_options
from bookwright.load.apparatus_options import read_apparatus_options
from bookwright.diagnostics import Diagnostics
from bookwright.model import Config, Metadata, PageOptions, SourceLocation
from bookwright.load.print_options import read_print_options, read_typesetting
from bookwright.words import WORD_KEYS

# Trade and international trims an author can name instead of giving a width and height.
TRIM_SIZES = {
    "5x8": ("5in", "8in"),
    "5.25x8": ("5.25in", "8in"),
    "5.5x8.5": ("5.5in", "8.5in"),
    "6x9": ("6in", "9in"),
    "7x10": ("7in", "10in"),
    "8.5x11": ("8.5in", "11in"),
    "a5": ("148mm", "210mm"),
    "a4": ("210mm", "297mm"),
}

# The schema: table → key → (expected type, required). One place to read what
# book.toml accepts; the README's author guide follows it.
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    "book": {
        "title": (str, True),
        "subtitle": (str, False),
        "authors": (list, True),
        "language": (str, True),
        "identifier": (str, False),
        "publisher": (str, False),
        "date": ((str, datetime.date), False),
        "rights": (str, False),
        "description": (str, False),
        "cover": (str, False),
        "chapters": (list, False),
        # Issue 16: chapter files that are appendices, after the chapters (Quarto's `appendices`).
        "appendices": (list, False),
        # Opting in turns a remote image from an error into a link to it; never a download.
        "allow-remote-images": (bool, False),
        # Scholarly apparatus (issue 7); see load/apparatus_options.py.
        "bibliography": (str, False),
        "csl": (str, False),
    },
    "toc": {"depth": (int, False)},
    "numbering": {"depth": (int, False)},
    "pdf": {"trim": (str, False), "width": (str, False), "height": (str, False),
            "font-size": ((str, int, float), False), "line-height": ((str, int, float), False), "opening": (str, False)},
    # The print-ready PDFs for print-on-demand services; see load/print_options.py.
    "print": {"profiles": (list, False), "bleed": (bool, False), "bleed-size": (str, False), "marks": (str, False),
              "pdfx": (str, False), "interior": (str, False), "icc": (str, False),
              # The print edition's ISBN: the EPUB's page list names it as its source (load/epub_options.py).
              "isbn": (str, False)},
    # What the EPUB declares about its accessibility (load/epub_options.py).
    "epub": {"accessibility-summary": (str, False), "certified-by": (str, False)},
    # Where the web edition will be published: gives absolute Open Graph addresses and a sitemap.
    "web": {"base-url": (str, False)},
    # The words printed around numbers and on generated pages: chapter = "Chap.", figure = "Fig."
    "words": {key: (str, False) for key in WORD_KEYS},
    "lists": {"figures": (bool, False), "tables": (bool, False)},
    # How notes are numbered and placed (issue 7); see load/apparatus_options.py.
    "notes": {"numbering": (str, False), "placement": (str, False)},
}

TYPE_WORDS = {str: "a string", list: "a list", int: "an integer", dict: "a table", bool: "true or false",
              float: "a number"}
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(in|mm|cm|pt|px)$")


@dataclass
class ChapterEntry:
    """One entry of `chapters`, before the file is read."""

    path: str
    part: str | None
    part_location: SourceLocation | None
    location: SourceLocation
    role: str | None = None  # "appendix" for an entry of [book] appendices


class TomlLocator:
    """Finds where a key or string sits in book.toml; tomllib keeps no positions."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def key(self, table: str, key: str) -> SourceLocation:
        current = ""
        pattern = re.compile(r"^\s*(" + re.escape(key) + r'|"' + re.escape(key) + r'")\s*=')
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(1)
                continue
            if current == table and pattern.match(line):
                return SourceLocation(self.path, number, line.index(key.split(".")[0]) + 1)
        for number, line in enumerate(self.lines, 1):
            if re.match(r"^\s*\[\s*" + re.escape(table or key) + r"\s*\]", line):
                return SourceLocation(self.path, number, 1)
        return SourceLocation(self.path, 1, 1)

    def string(self, value: str, occurrence: int = 0) -> SourceLocation:
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


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "book"


def _is_calendar_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a day that exists (not 2026-02-30)."""
    if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        datetime.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _check_type(value, expected, table: str, key: str, loc: TomlLocator, diags: Diagnostics) -> bool:
    # TOML booleans are ints to Python; only a key that wants true/false accepts them.
    if (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected):
        kinds = expected if isinstance(expected, tuple) else (expected,)
        want = " or ".join(TYPE_WORDS.get(k, "a date") for k in kinds)
        where = loc.key(table, key)
        diags.error_at(where, f"'{table}.{key}' must be {want}, not {type(value).__name__}")
        return False
    return True


def load_config(root: Path, diags: Diagnostics) -> tuple[Config, list[ChapterEntry]] | None:
    """Reads and validates book.toml. Returns None when it cannot be read at all."""
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
    loc = TomlLocator(path, text)

    for table, value in data.items():
        if table not in SCHEMA:
            where = loc.key("", table)
            diags.error_at(where, f"unknown table or key '{table}'",
                           hint="book.toml knows the tables " + ", ".join(f"[{t}]" for t in SCHEMA))
            continue
        if not isinstance(value, dict):
            where = loc.key("", table)
            diags.error_at(where, f"'{table}' must be a table ([{table}])")
            continue
        for key in value:
            if key not in SCHEMA[table]:
                where = loc.key(table, key)
                known = ", ".join(SCHEMA[table])
                diags.error_at(where, f"unknown key '{key}' in [{table}]", hint=f"known keys: {known}")

    book = data.get("book") if isinstance(data.get("book"), dict) else {}
    if "book" not in data:
        diags.error(path, 1, 1, "book.toml has no [book] table", hint='add [book] with title, authors and language')
    for table, keys in SCHEMA.items():
        values = data.get(table) if isinstance(data.get(table), dict) else {}
        for key, (expected, required) in keys.items():
            if key not in values:
                if required and table == "book" and "book" in data:
                    where = loc.key("book", key)
                    diags.error_at(where, f"[book] needs '{key}'")
                continue
            if not _check_type(values[key], expected, table, key, loc, diags):
                values.pop(key)

    authors = book.get("authors", [])
    if isinstance(authors, list):
        for author in authors:
            if not isinstance(author, str) or not author.strip():
                where = loc.key("book", "authors")
                diags.error_at(where, "each entry of 'authors' must be a non-empty string")
                authors = []
                break
        if "authors" in book and not authors:
            where = loc.key("book", "authors")
            diags.error_at(where, "'authors' is empty; name at least one author")
    language = book.get("language", "en")
    if "language" in book and not LANGUAGE_TAG.match(language):
        where = loc.key("book", "language")
        diags.error_at(where, f"'{language}' is not a language tag",
                       hint="use a BCP 47 tag such as en, en-GB, fr, de or es")
    for key in ("title",):
        if key in book and not book[key].strip():
            where = loc.key("book", key)
            diags.error_at(where, f"'{key}' is empty")

    date = book.get("date", "")
    if isinstance(date, datetime.datetime):
        date = date.date()  # a TOML date-time: the day is what a book's date means
    if isinstance(date, datetime.date):
        date = date.isoformat()
    elif date and not _is_calendar_date(date):
        where = loc.key("book", "date")
        diags.error_at(where, f"'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not '{date}'")
        date = ""

    cover = None
    if book.get("cover"):
        cover = root / book["cover"]

    title = book.get("title", "Untitled")
    identifier = book.get("identifier", "")
    if not identifier:
        # Stable across builds: derived from what identifies the book, never random.
        seed = "\x1f".join([title, *map(str, authors or []), language])
        identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bookwright:" + seed))

    metadata = Metadata(
        title=title,
        authors=list(authors or []),
        language=language,
        subtitle=book.get("subtitle", ""),
        identifier=identifier,
        publisher=book.get("publisher", ""),
        date=date,
        rights=book.get("rights", ""),
        description=book.get("description", ""),
        cover=cover,
        slug=slugify(title),
    )

    config = Config(metadata=metadata, toml_path=path)
    config.allow_remote_images = book.get("allow-remote-images") is True
    for table, attr in (("toc", "toc_depth"), ("numbering", "numbering_depth")):
        depth = data.get(table, {}).get("depth") if isinstance(data.get(table), dict) else None
        if depth is not None:
            if not 1 <= depth <= 6:
                where = loc.key(table, "depth")
                diags.error_at(where, f"[{table}] depth must be between 1 and 6, not {depth}")
            else:
                setattr(config, attr, depth)
    config.page = _page_options(data.get("pdf") if isinstance(data.get("pdf"), dict) else {}, loc, diags)
    read_typesetting(data.get("pdf") if isinstance(data.get("pdf"), dict) else {}, config.page, loc, diags)
    config.print = read_print_options(data.get("print") if isinstance(data.get("print"), dict) else {}, root, loc, diags)
    words = data.get("words") if isinstance(data.get("words"), dict) else {}
    for key, value in words.items():
        if key in WORD_KEYS and isinstance(value, str):
            if value.strip():
                config.words[key] = value.strip()
            else:
                where = loc.key("words", key)
                diags.error_at(where, f"[words] {key} is empty",
                               hint="leave the key out to use the book language's word")
    lists = data.get("lists") if isinstance(data.get("lists"), dict) else {}
    config.lists = tuple(kind for kind in ("figures", "tables") if lists.get(kind) is True)

    config.web_base_url = _base_url(data.get("web") if isinstance(data.get("web"), dict) else {}, loc, diags)

    read_apparatus_options(config, data, root, loc, diags)  # bibliography, csl, [notes] (issue 7)
    read_accessibility_options(config, data, loc, diags)  # [epub], [print] isbn (issue 6)
    entries = _chapter_entries(book.get("chapters"), root, loc, diags)
    appendices = book.get("appendices")
    if appendices is not None:
        for entry in _chapter_entries(appendices, root, loc, diags):
            entry.role = "appendix"
            entries.append(entry)
    return config, entries


def _base_url(web: dict, loc: TomlLocator, diags: Diagnostics) -> str:
    value = web.get("base-url", "")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in value:
        where = loc.key("web", "base-url")
        diags.error_at(where, f"[web] base-url '{value}' is not a web address",
                       hint='give the address the site will be published at, such as "https://example.org/my-book/"')
        return ""
    # Pages are named relative to the folder the site is published in.
    return value if value.endswith("/") else value + "/"


def _page_options(pdf: dict, loc: TomlLocator, diags: Diagnostics) -> PageOptions:
    page = PageOptions()
    if "trim" in pdf:
        trim = pdf["trim"].lower().replace(" ", "").removesuffix("in")
        if trim not in TRIM_SIZES:
            where = loc.key("pdf", "trim")
            diags.error_at(where, f"unknown trim size '{pdf['trim']}'",
                           hint="known trims: " + ", ".join(TRIM_SIZES) + "; or give width and height")
        else:
            page.width, page.height = TRIM_SIZES[trim]
    for key in ("width", "height"):
        if key in pdf:
            if not CSS_LENGTH.match(pdf[key]):
                where = loc.key("pdf", key)
                diags.error_at(where, f"[pdf] {key} must be a length such as 6in or 148mm")
            else:
                setattr(page, key, pdf[key])
    return page


def _chapter_entries(chapters, root: Path, loc: TomlLocator, diags: Diagnostics) -> list[ChapterEntry]:
    if chapters is None:
        # Without a list every Markdown file in the folder is a chapter, in file-name order.
        return [
            ChapterEntry(p.name, None, None, SourceLocation(loc.path, 0, 0))
            for p in sorted(root.iterdir())
            if p.is_file() and p.name.lower() not in ("readme.md",) and (
                p.suffix == ".md" or p.suffix.lower() in (".qmd", ".rmd") and not p.name.startswith("_"))
        ]
    entries: list[ChapterEntry] = []
    seen_strings: dict[str, int] = {}

    def located(value: str) -> SourceLocation:
        n = seen_strings.get(value, 0)
        seen_strings[value] = n + 1
        return loc.string(value, n)

    for item in chapters:
        if isinstance(item, str):
            entries.append(ChapterEntry(item, None, None, located(item)))
        elif isinstance(item, dict):
            unknown = set(item) - {"part", "chapters"}
            part = item.get("part")
            where = located(part) if isinstance(part, str) else loc.key("book", "chapters")
            for key in sorted(unknown):
                diags.error_at(where, f"unknown key '{key}' in a part",
                               hint='a part is written { part = "Title", chapters = ["01-a.md"] }')
            if not isinstance(part, str) or not part.strip():
                diags.error_at(where, "a part needs a title: { part = \"Title\", chapters = [...] }")
                continue
            files = item.get("chapters")
            if not isinstance(files, list) or not files:
                diags.error_at(where, f"part '{part}' needs a non-empty list of chapters")
                continue
            for name in files:
                if not isinstance(name, str):
                    diags.error_at(where, f"chapters of part '{part}' must be file names")
                    continue
                entries.append(ChapterEntry(name, part, where, located(name)))
        else:
            where = loc.key("book", "chapters")
            diags.error_at(where, "each entry of 'chapters' must be a file name or a part { part = ..., chapters = [...] }")
    return entries
