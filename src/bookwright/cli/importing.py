"""`bookwright import quarto DIR` and `bookwright import bookdown DIR`: a Quarto or Bookdown
book project becomes a bookwright book by gaining a `book.toml`.

The chapter files stay as they are: bookwright reads their syntax (issue 16). What the
project's configuration says about the book, `_quarto.yml` or `_bookdown.yml` with
`index.Rmd`'s front matter, is written into book.toml: title, subtitle, authors,
language, date, publisher, description, cover, chapter order, parts, appendices,
bibliography and CSL style. Then the command prints what it could not carry over:
settings bookwright has no use for, code chunks (bookwright does not run code; the
chunks that would have made a figure or table are named, since references to them will
find nothing), a second bibliography, and the like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bookwright.load.manuscripts import is_chapter_file

CHUNK = re.compile(r"^```+\s*\{([A-Za-z][\w-]*)([^}\n]*)\}", re.M)
CHUNK_LABEL = re.compile(r"^#\|\s*label:\s*([\w.-]+)", re.M)
KNITR_LABEL = re.compile(r"^\s*([\w.-]+)\s*(?:,|$)")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
DIVIDER = re.compile(r"^#\s+\((PART\*?|APPENDIX)\)\s*(.*?)\s*(?:\{[^{}]*\})?\s*$", re.M)
HEADING = re.compile(r"^#\s+(.+?)\s*(?:\{[^{}]*\})?\s*$", re.M)
BOOKDOWN_REFERENCE = re.compile(r"\\@ref\(")
SHORTCODE = re.compile(r"\{\{<\s*([\w-]+)")
# Quarto's keys under `book:` that book.toml has a place for.
QUARTO_BOOK_KEYS = {"title", "subtitle", "author", "date", "chapters", "appendices", "publisher", "description",
                    "cover-image", "abstract"}
# Project keys that say how Quarto renders and serves the book: nothing for bookwright to do.
RENDERING_KEYS = {"project", "format", "execute", "engine", "jupyter", "knitr", "filters", "editor", "crossref",
                  "toc", "toc-depth", "number-sections", "number-depth", "website", "freeze", "comments"}


class NotImportable(Exception):
    """The project cannot be imported; the message says why."""


@dataclass
class Imported:
    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    language: str = ""
    date: str = ""
    publisher: str = ""
    description: str = ""
    cover: str = ""
    bibliography: str = ""
    csl: str = ""
    chapters: list = field(default_factory=list)  # file names, or (part title, [file names])
    appendices: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)


def run_import(kind: str, folder: Path, force: bool = False) -> int:
    """Writes folder/book.toml and prints the report; returns the exit status."""
    import sys

    target = folder / "book.toml"
    if target.exists() and not force:
        print(f"bookwright: error: {target} exists already; --force replaces it", file=sys.stderr)
        return 1
    try:
        imported = read_quarto(folder) if kind == "quarto" else read_bookdown(folder)
    except NotImportable as exc:
        print(f"bookwright: error: {exc}", file=sys.stderr)
        return 1
    _report_files(folder, imported)
    target.write_text(book_toml(imported), encoding="utf-8")
    print(f"wrote {target}")
    if imported.report:
        print("not carried over:")
        for line in imported.report:
            print(f"  - {line}")
    print(f"build it with: bookwright build {folder}")
    return 0


# --- Quarto ------------------------------------------------------------------------------------


def read_quarto(folder: Path) -> Imported:
    config = _yaml(folder / "_quarto.yml", "a Quarto book has a _quarto.yml")
    book = config.get("book") if isinstance(config.get("book"), dict) else {}
    if not book:
        raise NotImportable(f"{folder / '_quarto.yml'} has no book: section; is this a Quarto book project?")
    imported = Imported()
    imported.title = _text(book.get("title"))
    imported.subtitle = _text(book.get("subtitle"))
    imported.authors = _authors(book.get("author", config.get("author")))
    imported.date = _text(book.get("date"))
    imported.publisher = _text(book.get("publisher"))
    imported.description = _text(book.get("description") or book.get("abstract"))
    imported.cover = _text(book.get("cover-image"))
    imported.language = _text(config.get("lang") or book.get("lang"))
    _bibliography(config.get("bibliography", book.get("bibliography")), imported)
    imported.csl = _text(config.get("csl", book.get("csl")))
    for entry in book.get("chapters") or []:
        if isinstance(entry, str):
            imported.chapters.extend(_readable([entry], imported))
        elif isinstance(entry, dict) and "part" in entry:
            title = _part_title(folder, _text(entry["part"]), imported)
            files = _readable([f for f in entry.get("chapters") or [] if isinstance(f, str)], imported)
            if files:
                imported.chapters.append((title, files))
            else:
                imported.report.append(f"the part '{title}' has no chapters; left out")
        else:
            imported.report.append(f"the chapters entry {entry!r} is neither a file nor a part")
    imported.appendices = _readable([f for f in book.get("appendices") or [] if isinstance(f, str)], imported)
    for key in sorted(set(book) - QUARTO_BOOK_KEYS):
        imported.report.append(f"book: {key} (Quarto's; book.toml has no place for it)")
    for key in sorted(set(config) - {"book", "bibliography", "csl", "lang", "author"}):
        reason = "how Quarto renders the book" if key in RENDERING_KEYS else "no place for it in book.toml"
        imported.report.append(f"{key}: ({reason})")
    return imported


def _readable(files: list[str], imported: Imported) -> list[str]:
    """The files bookwright reads as chapters; a notebook is reported and left out."""
    out = []
    for name in files:
        if is_chapter_file(name):
            out.append(name)
        else:
            imported.report.append(f"{name}: bookwright reads Markdown chapters (.md, .qmd, .Rmd); "
                                   "convert it (quarto convert) and add it to chapters")
    return out


def _part_title(folder: Path, written: str, imported: Imported) -> str:
    """A Quarto part is a title, or a file whose title is the part's (its text is not carried over)."""
    if not is_chapter_file(written):
        return written
    path = folder / written
    if not path.is_file():
        imported.report.append(f"the part file {written} does not exist; its name is the part's title")
        return Path(written).stem
    text = path.read_text(encoding="utf-8")
    front = _front_matter(text)
    title = _text(front.get("title"))
    if not title:
        heading = HEADING.search(text[FRONT_MATTER.match(text).end():] if FRONT_MATTER.match(text) else text)
        title = heading.group(1) if heading else Path(written).stem
    imported.report.append(f"{written}: the part's page; its title is the part's, its text is not in the book")
    return title


# --- Bookdown ----------------------------------------------------------------------------------


def read_bookdown(folder: Path) -> Imported:
    config = _yaml(folder / "_bookdown.yml", None) if (folder / "_bookdown.yml").is_file() else {}
    index = folder / "index.Rmd"
    if not index.is_file() and not (folder / "_bookdown.yml").is_file():
        raise NotImportable(f"{folder} has neither _bookdown.yml nor index.Rmd; is this a Bookdown book?")
    front = _front_matter(index.read_text(encoding="utf-8")) if index.is_file() else {}
    imported = Imported()
    imported.title = _text(front.get("title"))
    imported.subtitle = _text(front.get("subtitle"))
    imported.authors = _authors(front.get("author"))
    imported.date = _text(front.get("date"))
    imported.description = _text(front.get("description"))
    imported.cover = _text(front.get("cover-image"))
    imported.language = _text(front.get("lang"))
    _bibliography(front.get("bibliography"), imported)
    imported.csl = _text(front.get("csl"))
    if front.get("biblio-style") and not imported.csl:
        imported.report.append(f"biblio-style: {front['biblio-style']} (a BibTeX style; bookwright uses CSL: "
                               "set csl in book.toml)")
    files = config.get("rmd_files")
    if isinstance(files, dict):
        files = files.get("html") or next(iter(files.values()), [])
    if not isinstance(files, list):
        files = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".rmd" and not p.name.startswith("_"))
        if "index.Rmd" in files:
            files.remove("index.Rmd")
            files.insert(0, "index.Rmd")
    part: tuple[str, list[str]] | None = None
    in_appendix = False
    for name in files:
        path = folder / name
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        body = text[FRONT_MATTER.match(text).end():] if FRONT_MATTER.match(text) else text
        dividers = list(DIVIDER.finditer(body))
        first = next((m.start() for m in HEADING.finditer(body) if not DIVIDER.match(m.group(0))), len(body))
        before = [d for d in dividers if d.start() < first]  # they apply to this file
        after = [d for d in dividers if d.start() > first]  # and these to the files after it
        for divider in before:
            part, in_appendix = _divider(divider, name, part, in_appendix, imported)
        if dividers and first == len(body):
            imported.report.append(f"{name} holds only the heading: it is no chapter; delete it, or rename it "
                                   f"_{name} so that the build does not ask about it")
        elif in_appendix:
            imported.appendices.append(name)
        elif part is not None:
            part[1].append(name)
        else:
            imported.chapters.append(name)
        for divider in after:
            part, in_appendix = _divider(divider, name, part, in_appendix, imported)
    for key in sorted(set(config) - {"rmd_files", "book_filename", "delete_merged_file", "language"}):
        imported.report.append(f"_bookdown.yml {key}: (how Bookdown renders the book)")
    for key in sorted(set(front) - {"title", "subtitle", "author", "date", "description", "cover-image", "lang",
                                    "bibliography", "csl", "biblio-style"}):
        imported.report.append(f"index.Rmd {key}: (no place for it in book.toml)")
    return imported


def _divider(divider: re.Match, name: str, part, in_appendix: bool, imported: Imported):
    """A `# (PART) Title` or `# (APPENDIX)` heading: what the chapters after it belong to."""
    if divider.group(1).startswith("PART"):
        part = (divider.group(2), [])
        imported.chapters.append(part)
        imported.report.append(f"{name}: '# (PART) {divider.group(2)}' is the part in book.toml; "
                               "delete the heading from the file")
        return part, in_appendix
    imported.report.append(f"{name}: '# (APPENDIX)' starts the appendices in book.toml; "
                           "delete the heading from the file")
    return part, True


# --- both --------------------------------------------------------------------------------------


def _report_files(folder: Path, imported: Imported) -> None:
    """Missing files, code chunks and other syntax a reader of the editions should know about."""
    if not imported.language:
        imported.language = "en"
        imported.report.append("the book's language is not set; book.toml says en")
    if not imported.authors:
        imported.authors = ["Unknown"]
        imported.report.append("no author is named; book.toml says Unknown")
    if not imported.title:
        imported.title = folder.resolve().name
        imported.report.append(f"no title is given; book.toml says {imported.title}")
    names = [e for entry in imported.chapters for e in ([entry] if isinstance(entry, str) else entry[1])]
    for name in names + imported.appendices:
        path = folder / name
        if not path.is_file():
            imported.report.append(f"{name} is listed but does not exist")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        chunks = list(CHUNK.finditer(text))
        if chunks:
            languages = sorted({m.group(1) for m in chunks})
            imported.report.append(f"{name}: {len(chunks)} code chunk(s) ({', '.join(languages)}) are shown as code; "
                                   "bookwright does not run code")
        for label, line in _chunk_labels(text, chunks):
            kind = "figure" if label.startswith("fig") else "table"
            imported.report.append(f"{name}:{line}: the chunk '{label}' would have made a {kind}; references to it "
                                   "will find nothing until its result is in the text")
        refs = len(BOOKDOWN_REFERENCE.findall(text))
        if refs:
            imported.report.append(f"{name}: {refs} Bookdown reference(s) \\@ref(...) are read with a warning; "
                                   "write @fig-x, [-@fig-x] for the number alone")
        others = sorted({m.group(1) for m in SHORTCODE.finditer(text)} - {"include", "meta", "pagebreak", "kbd", "video"})
        if others:
            imported.report.append(f"{name}: shortcodes {', '.join(others)} are left out")
    if imported.cover and not (folder / imported.cover).is_file():
        imported.report.append(f"the cover {imported.cover} does not exist; left out")
        imported.cover = ""
    if imported.csl and imported.csl.endswith(".csl") and not (folder / imported.csl).is_file():
        imported.report.append(f"the CSL style {imported.csl} does not exist; left out (bookwright uses APA)")
        imported.csl = ""


def _chunk_labels(text: str, chunks) -> list[tuple[str, int]]:
    """The labels of chunks that make figures or tables (`#| label: fig-x`, ```{r fig-x}`)."""
    found = []
    for m in chunks:
        line = text.count("\n", 0, m.start()) + 1
        body = text[m.end():text.find("```", m.end())]
        label = CHUNK_LABEL.search(body)
        knitr = KNITR_LABEL.match(m.group(2))
        name = label.group(1) if label else (knitr.group(1) if knitr and "=" not in knitr.group(1) else "")
        if name.startswith(("fig-", "tbl-", "fig:", "tab:")) or "fig.cap" in m.group(2):
            found.append((name or f"chunk at line {line}", line))
    return found


def _bibliography(value, imported: Imported) -> None:
    files = [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
    if files:
        imported.bibliography = files[0]
    for other in files[1:]:
        imported.report.append(f"bibliography {other}: book.toml names one bibliography; merge it into {files[0]}")


def _yaml(path: Path, missing: str | None) -> dict:
    if not path.is_file():
        raise NotImportable(f"no {path.name} in {path.parent}" + (f"; {missing}" if missing else ""))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise NotImportable(f"{path}{where}: not valid YAML") from exc
    return data if isinstance(data, dict) else {}


def _front_matter(text: str) -> dict:
    m = FRONT_MATTER.match(text)
    if not m:
        return {}
    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _authors(value) -> list[str]:
    if isinstance(value, str):
        return [a.strip() for a in re.split(r"\s+and\s+|;", value) if a.strip()]
    out = []
    for item in value or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and item.get("name"):
            name = item["name"]
            out.append(_text(name.get("literal") or f"{name.get('given', '')} {name.get('family', '')}")
                       if isinstance(name, dict) else _text(name))
    return out


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def book_toml(imported: Imported) -> str:
    lines = ["# Written by `bookwright import`; see the report it printed for what was not carried over.",
             "[book]", f"title = {_toml_string(imported.title)}"]
    if imported.subtitle:
        lines.append(f"subtitle = {_toml_string(imported.subtitle)}")
    lines.append("authors = [" + ", ".join(_toml_string(a) for a in imported.authors) + "]")
    lines.append(f"language = {_toml_string(imported.language)}")
    for key in ("date", "publisher", "description", "cover", "bibliography", "csl"):
        value = getattr(imported, key)
        if value and not (key == "date" and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", value)):
            lines.append(f"{key} = {_toml_string(value)}")
        elif value:
            imported.report.append(f"date: {value} (book.toml wants YYYY, YYYY-MM or YYYY-MM-DD)")
    lines.append("chapters = [")
    for entry in imported.chapters:
        if isinstance(entry, str):
            lines.append(f"  {_toml_string(entry)},")
        else:
            files = ", ".join(_toml_string(f) for f in entry[1])
            lines.append(f"  {{ part = {_toml_string(entry[0])}, chapters = [{files}] }},")
    lines.append("]")
    if imported.appendices:
        lines.append("appendices = [" + ", ".join(_toml_string(f) for f in imported.appendices) + "]")
    return "\n".join(lines) + "\n"
