"""The book folder → `Book`: config, ordered parts and chapters, each chapter's text.

No Markdown is parsed here; problems are reported with the line they are on.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookwright.diagnostics import BookError, Diagnostics
from bookwright.load.book_options import slugify
from bookwright.load.config import load_config
from bookwright.load.includes import Expansion
from bookwright.load.manuscripts import QUARTO_KEYS, insert_title, is_chapter_file, report_unlisted
from bookwright.load.moment import build_moment
from bookwright.load.toml import KeyLocator
from bookwright.model import ROLES, Book, ChapterEntry, ChapterSource, Part
from bookwright.paths import is_inside

FRONT_MATTER_KEYS = {"role", "title"}
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# `---` then a `key: value` line, and no closing `---`: front matter the author forgot to close.
UNCLOSED_FRONT_MATTER = re.compile(r"\A---[ \t]*\n[A-Za-z_][\w-]*[ \t]*:")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(---|\.\.\.)[ \t]*(\n|\Z)", re.S)


def load_book(root: Path, diags: Diagnostics) -> Book:
    root = root.resolve()
    diags.root = root
    loaded = load_config(root, diags)
    if loaded is None:
        raise BookError(diags)
    config, entries = loaded
    # Problems in book.toml stop the build here; problems inside a chapter file do not: the
    # chapters are parsed and resolved all the same, so that one run reports every problem.
    config_errors = len(diags.errors)
    expansion = Expansion(root, config.metadata, diags)  # {{< include >}} and {{< meta >}} (issue 16)
    parts: list[Part] = []
    chapters: list[ChapterSource] = []
    seen: dict[Path, ChapterEntry] = {}
    keys: set[str] = set()
    for entry in entries:
        part_index = None
        if entry.part is not None:
            if not parts or parts[-1].title != entry.part or parts[-1].location != entry.part_location:
                parts.append(Part(entry.part, f"part-{len(parts) + 1}", entry.part_location))
            part_index = len(parts) - 1
        path = root / entry.path
        where = entry.location
        if Path(entry.path).is_absolute() or not is_inside(path, root):
            diags.error_at(where, f"chapter '{entry.path}' is outside the book folder",
                           hint="chapters must be files inside the folder that holds book.toml")
            continue
        if not is_chapter_file(entry.path):
            diags.error_at(where, f"chapter '{entry.path}' is not a Markdown (.md, .qmd, .Rmd) file")
            continue
        if not path.is_file():
            candidates = sorted(p.name for p in root.iterdir() if is_chapter_file(p.name))
            hint = ""
            if candidates:
                import difflib

                close = difflib.get_close_matches(entry.path, candidates, n=1)
                hint = f"did you mean '{close[0]}'?" if close else ""
            diags.error_at(where, f"chapter file '{entry.path}' does not exist", hint=hint)
            continue
        real = path.resolve()
        if real in seen:
            first = seen[real].location
            diags.error_at(where, f"chapter '{entry.path}' is listed twice (first at line {first.line})")
            continue
        seen[real] = entry
        source = read_chapter(path, root, diags, expansion)
        if source is None:
            continue
        if entry.role is not None:
            source.role = entry.role  # [book] appendices
        key = slugify(path.stem)
        while key in keys:
            key += "-x"
        keys.add(key)
        source.key = key
        source.part = part_index
        chapters.append(source)
    _check_web_sample(config, root, chapters, diags)
    if not chapters and not diags.errors:
        where = config.toml_path
        diags.error(where, 1, 1, "the book has no chapters",
                    hint="add Markdown files to the folder, or list them in [book] chapters")
    if config_errors or not chapters or len(chapters) < len(entries):
        diags.raise_if_errors()  # the book itself is not known: a chapter is missing or unreadable
    if entries and entries[0].location.line:  # chapters listed in book.toml, not found in the folder
        named = {path.resolve() for path in (config.cover.back, config.cover.author_note) if path is not None}
        report_unlisted(root, set(seen), expansion.included | named, config.location_of("book", "chapters"), diags)
    return Book(root=root, config=config, parts=parts, chapters=chapters, moment=build_moment(config, chapters))


def _check_web_sample(config, root: Path, chapters: list[ChapterSource], diags: Diagnostics) -> None:
    """Each chapter `[web] chapters` publishes must be one of the book's."""
    listed = {chapter.rel for chapter in chapters}
    at = KeyLocator(config.toml_path, config.toml.text)
    for name in config.web.chapters:
        rel = (root / name).resolve().relative_to(root).as_posix() if is_inside(root / name, root) else name
        if rel not in listed:
            diags.error_at(at.string(name), f"[web] chapters: '{name}' is not one of the book's chapters",
                           hint="name chapter files as [book] chapters does, e.g. \"01-trust.md\"")


def read_chapter(path: Path, root: Path, diags: Diagnostics,
                 expansion: Expansion | None = None) -> ChapterSource | None:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark is harmless; editors on Windows add it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(path, line, col, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                    hint="save the file as UTF-8 in your editor")
        # Read on, so that the run reports the chapter's other problems too; never written.
        text = raw.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_control_characters(text, path, diags)
    front_matter: dict = {}
    match = FRONT_MATTER.match(text)
    if not match and UNCLOSED_FRONT_MATTER.match(text):
        diags.warning(path, 1, 1, "front matter is opened with '---' but never closed; it is read as text",
                      hint="end the front matter with a line '---'")
    if match:
        import yaml  # imported here: only front matter needs it, and importing it costs every build ~20 ms

        try:
            loaded = yaml.safe_load(match.group(1) or "")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = (mark.line + 2) if mark else 1
            col = (mark.column + 1) if mark else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            diags.error(path, line, col, f"front matter is not valid YAML: {problem}")
            loaded = {}  # read on without it, so that the run reports the chapter's other problems
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            diags.error(path, 2, 1, "front matter must be a mapping such as 'role: preface'")
            loaded = {}
        front_matter = loaded
        # Keep line numbers true: the front matter becomes blank lines.
        text = "\n" * match.group(0).count("\n") + text[match.end():]
    role = front_matter.get("role", "chapter")
    for key in front_matter:
        if key in QUARTO_KEYS:
            diags.warning(path, _front_matter_line(raw, key), 1, f"front matter key '{key}' is Quarto's; bookwright "
                          "does not use it", hint="book-wide settings go in book.toml")
        elif key not in FRONT_MATTER_KEYS:
            diags.error(path, _front_matter_line(raw, key), 1, f"unknown front matter key '{key}'",
                        hint="front matter knows: " + ", ".join(sorted(FRONT_MATTER_KEYS)))
    if not isinstance(role, str) or role not in ROLES:
        diags.error(path, _front_matter_line(raw, "role"), 1, f"unknown role '{role}'",
                    hint="roles: " + ", ".join(ROLES))
        role = "chapter"
    if "title" in front_matter:
        text = insert_title(text, front_matter["title"], _front_matter_line(raw, "title"), path, diags)
    origins = None
    if expansion is not None:
        text, origins = expansion.expand(text, path)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        diags.error(path, 1, 1, "the chapter is empty", hint="start it with a '# Title' heading")
        return None
    rel = path.relative_to(root).as_posix()
    return ChapterSource(path=path, rel=rel, key="", role=role, part=None, text=text, front_matter=front_matter,
                         origins=origins)


def _front_matter_line(raw: bytes, key: str) -> int:
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        if line.startswith(key + ":"):
            return number
    return 1


def _replace_control_characters(text: str, path: Path, diags: Diagnostics) -> str:
    """Control characters cannot appear in XHTML; drop them with a warning at their place."""
    if not CONTROL_CHARACTER.search(text):
        return text
    out = []
    line, col = 1, 1
    for ch in text:
        code = ord(ch)
        if (code < 32 and ch not in "\n\t") or 0x7F <= code <= 0x9F or code in (0xFFFE, 0xFFFF):
            diags.warning(path, line, col, f"control character U+{code:04X} removed")
            continue
        out.append(ch)
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
    return "".join(out)
