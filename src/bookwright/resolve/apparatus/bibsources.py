"""A bibliography file → CSL-JSON items, the input every CSL processor reads.

BibTeX (`.bib`) is parsed by pybtex, whose errors are collected rather than raised so the
author sees every malformed entry in one run; its fields are mapped to CSL variables
(the mapping is data: a table per field and per entry type). CSL-JSON (`.json`, as Zotero
and Pandoc export it) is read as it is and checked. Every problem names the file, the
entry and its line.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path

import latexcodec  # noqa: F401 (importing it registers the "ulatex" codec)

from bookwright.diagnostics import Diagnostics
from bookwright.parse.syntax.latex import SYMBOLS, brace_groups

# BibTeX entry type → CSL type.
BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "book", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "proceedings": "book", "collection": "book", "techreport": "report", "report": "report",
    "unpublished": "manuscript", "online": "webpage", "misc": "document",
}
# BibTeX field → CSL variable (names and dates are handled apart).
BIBTEX_FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "publisher": "publisher", "address": "publisher-place",
    "location": "publisher-place", "volume": "volume", "pages": "page", "edition": "edition",
    "doi": "DOI", "url": "URL", "isbn": "ISBN", "issn": "ISSN", "note": "note",
    "series": "collection-title", "chapter": "chapter-number", "school": "publisher",
    "institution": "publisher", "organization": "publisher", "howpublished": "medium",
    "abstract": "abstract", "language": "language", "shorttitle": "title-short",
}
BIBTEX_NAMES = {"author": "author", "editor": "editor", "translator": "translator"}
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
YEAR = re.compile(r"^\d{1,4}$")
# Pandoc's leniency (issue 16): `2018/01/01` as well as `2018-01-01`; a year with the
# original's in brackets, `1987 [1887]`; a range `1988/1992`; words for no date yet.
ISO_DATE = re.compile(r"^(\d{1,4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?$")
DATE_RANGE = re.compile(r"^(\d{4})/(\d{4})$")
ORIGINAL_YEAR = re.compile(r"^(\d{1,4})\s*\[(\d{1,4})\]$")
NO_DATE = re.compile(r"^(?:forthcoming|in press|in preparation|submitted|n\.\s?d\.?|nd|no date|undated)$", re.I)
# `&` between names, as some tools write them: "and" to BibTeX.
NAME_FIELD = re.compile(r"\b(author|editor|translator)\s*=\s*(\{|\")", re.I)
BIBTEX_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.M)


@dataclass
class BibEntry:
    key: str
    item: dict  # CSL-JSON, with "id" = key
    line: int


class Bibliography(dict):
    """Key → entry, for the well-formed entries; `broken` names the malformed ones, already
    reported, so that citing one is not reported again as an unknown key."""

    def __init__(self, entries: dict[str, BibEntry] | None = None, broken: set[str] | None = None):
        super().__init__(entries or {})
        self.broken = broken if broken is not None else set()


def load_bibliography(path: Path, diags: Diagnostics) -> Bibliography:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        diags.error(path, 1, 1, f"bibliography is not UTF-8 (byte {exc.start})", hint="save it as UTF-8")
        return Bibliography()
    if path.suffix.lower() == ".json":
        return _load_csl_json(path, text, diags)
    return _load_bibtex(path, text, diags)


# --- BibTeX --------------------------------------------------------------------------------


def _load_bibtex(path: Path, text: str, diags: Diagnostics) -> Bibliography:
    import pybtex.errors
    from pybtex.database.input.bibtex import Parser

    starts = [(m.start(), text.count("\n", 0, m.start()) + 1, m.group(2)) for m in BIBTEX_ENTRY_START.finditer(text)]

    def entry_before(offset: int) -> str:
        # The entry open at the error: pybtex often notices a missing brace only at the
        # next entry's "@", so an error exactly there belongs to the entry before it.
        found = [key for start, _, key in starts if start < offset]
        return found[-1] if found else ""

    def line_of(key: str, occurrence: int = 0) -> int:
        lines = [line for _, line, k in starts if k.lower() == key.lower()]
        return lines[min(occurrence, len(lines) - 1)] if lines else 1

    broken: set[str] = set()
    with pybtex.errors.capture() as problems:
        data = Parser().parse_string(_names_joined_with_and(text))
    for problem in problems:
        message = str(problem)
        line = getattr(problem, "lineno", None)
        repeated = re.match(r"repeated bibliography entry: (.+)$", message)
        if repeated:
            key = repeated.group(1).strip()
            diags.error(path, line_of(key, 1), 1, f"entry '{key}' is defined twice", hint="keys must be unique")
            continue
        if line:
            context = getattr(problem, "error_context_info", None)
            offset = context[2] if context and len(context) > 2 else sum(len(l) + 1 for l in text.split("\n")[: line - 1])
            key = entry_before(offset)
            broken.add(key)
            message = re.sub(r"\s*in line \d+", "", message)
            where = line_of(key) if key else line
            diags.error(path, where, 1, f"malformed entry '{key}': {message} (noticed at line {line})" if key
                        else f"malformed bibliography: {message}")
            continue
        names = re.match(r"Too many commas in '(.*)'", message)
        key = next((k for k, e in data.entries.items()
                    for people in e.persons.values() for p in people if names and str(p) == names.group(1)), "")
        broken.add(key)
        diags.error(path, line_of(key) if key else 1, 1,
                    f"malformed entry '{key}': {message}" if key else f"malformed bibliography: {message}",
                    hint="separate names with 'and'; write 'Last, First' or 'First Last'" if names else "")
    entries = Bibliography(broken=broken)
    for key, entry in data.entries.items():
        if key in broken:
            continue
        item, problem = _bibtex_to_csl(key, entry)
        if problem:
            diags.error(path, line_of(key), 1, f"malformed entry '{key}': {problem}")
            broken.add(key)
            continue
        entries[key] = BibEntry(key, item, line_of(key))
    return entries


def _names_joined_with_and(text: str) -> str:
    """`author = {Smith, J. & Jones, K.}` → `{Smith, J. and Jones, K.}` (same lines)."""
    out, position = [], 0
    for m in NAME_FIELD.finditer(text):
        if m.start() < position:
            continue
        closing = "}" if m.group(2) == "{" else '"'
        depth, end = 1, m.end()
        while end < len(text) and depth:
            char = text[end]
            if char == "\\":
                end += 2
                continue
            if closing == "}" and char == "{":
                depth += 1
            elif char == closing:
                depth -= 1
            end += 1
        value = re.sub(r"(?<!\\)\s&\s", " and ", text[m.end():end])
        out.append(text[position:m.end()] + value)
        position = end
    return "".join(out) + text[position:]


LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")


def _latex(value: str) -> str:
    """A BibTeX field as text: accents and escapes decoded (latexcodec), formatting
    commands left for their words (`\\emph{x}` → x), symbols made characters
    (`\\textbar` → |), protective braces dropped."""
    try:
        text = codecs.decode(value, "ulatex")
    except (ValueError, TypeError):
        text = value
    pieces, position = [], 0
    for m in LATEX_COMMAND.finditer(text):
        if m.start() < position:
            continue
        pieces.append(text[position:m.start()])
        name = m.group(1)
        _, arguments, end = brace_groups(text, m.end())
        if name in SYMBOLS:
            pieces.append(SYMBOLS[name])
            end = m.end() + (2 if text.startswith("{}", m.end()) else 0)
        elif name == "enquote" and arguments:
            pieces.append(f"\u201c{arguments[0]}\u201d")
        elif name == "href" and len(arguments) > 1:
            pieces.append(arguments[1])
        elif arguments:
            pieces.append(arguments[0] if name == "url" else arguments[-1])
        position = end
    pieces.append(text[position:])
    return " ".join("".join(pieces).replace("{", "").replace("}", "").split())


def _bibtex_to_csl(key: str, entry) -> tuple[dict, str]:
    item: dict = {"id": key, "type": BIBTEX_TYPES.get(entry.type.lower(), "document")}
    fields = {name.lower(): value for name, value in entry.fields.items()}
    for name, value in fields.items():
        variable = BIBTEX_FIELDS.get(name)
        if variable:
            item[variable] = _latex(value)
    if "number" in fields:
        item["issue" if item["type"] == "article-journal" else "number"] = _latex(fields["number"])
    if item["type"] == "thesis" and "genre" not in item:
        item["genre"] = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}.get(entry.type.lower(), "Thesis")
    if "page" in item:
        item["page"] = item["page"].replace("–", "-")
    for role, variable in BIBTEX_NAMES.items():
        people = entry.persons.get(role)
        if people:
            item[variable] = [_csl_name(person) for person in people]
    issued, problem = _bibtex_date(fields)
    if problem:
        return item, problem
    if issued:
        original = issued.pop("original-date", None)
        if original is not None:
            item["original-date"] = {"date-parts": [[original]]}
        item["issued"] = issued
    if not item.get("title"):
        return item, "it has no title"
    return item, ""


def _csl_name(person) -> dict:
    last = person.last_names
    if len(last) == 1 and not person.first_names and not person.middle_names and last[0].startswith("{"):
        return {"literal": _latex(last[0])}  # "{Lantern Yard Press}": an institution, never inverted
    name = {"family": _latex(" ".join(last))}
    given = " ".join(person.first_names + person.middle_names)
    if given:
        name["given"] = _latex(given)
    if person.prelast_names:
        name["non-dropping-particle"] = _latex(" ".join(person.prelast_names))
    if person.lineage_names:
        name["suffix"] = _latex(" ".join(person.lineage_names))
    return name


def _bibtex_date(fields: dict) -> tuple[dict | None, str]:
    if "date" in fields:
        written = fields["date"].strip()
        span = DATE_RANGE.match(written)
        if span is not None:
            return {"date-parts": [[int(span.group(1))], [int(span.group(2))]]}, ""
        if NO_DATE.match(written):
            return {"literal": written}, ""
        m = ISO_DATE.match(written)
        if not m:
            return None, f"date '{fields['date']}' is not YYYY, YYYY-MM or YYYY-MM-DD"
        return {"date-parts": [[int(part) for part in m.groups() if part]]}, ""
    if "year" not in fields:
        return None, ""
    year = _latex(fields["year"])
    original = ORIGINAL_YEAR.match(year)
    if original is not None:
        return {"date-parts": [[int(original.group(1))]], "original-date": int(original.group(2))}, ""
    if NO_DATE.match(year):
        return {"literal": year}, ""
    if not YEAR.match(year):
        return None, f"year '{year}' is not a year"
    parts = [int(year)]
    month = fields.get("month", "").strip().lower()
    if month:
        number = MONTHS.get(month[:3]) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
        if number is None:
            return None, f"month '{fields['month']}' is not a month"
        parts.append(number)
    return {"date-parts": [parts]}, ""


# --- CSL-JSON ------------------------------------------------------------------------------


def _load_csl_json(path: Path, text: str, diags: Diagnostics) -> Bibliography:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        diags.error(path, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")
        return Bibliography()
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        diags.error(path, 1, 1, "a CSL-JSON bibliography is a list of entries: [ {\"id\": ..., \"type\": ...}, ... ]")
        return Bibliography()
    entries = Bibliography()
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
            diags.error(path, _json_line(text, None, number), 1, f"entry {number} has no \"id\"")
            continue
        key = str(item["id"])
        line = _json_line(text, key, number)
        problem = _csl_problem(item)
        if key in entries:
            diags.error(path, line, 1, f"entry '{key}' is defined twice", hint="ids must be unique")
        elif problem:
            diags.error(path, line, 1, f"malformed entry '{key}': {problem}")
            entries.broken.add(key)
        else:
            entries[key] = BibEntry(key, dict(item, id=key), line)
    return entries


def _json_line(text: str, key: str | None, number: int) -> int:
    if key is not None:
        found = list(re.finditer(r'"id"\s*:\s*"?' + re.escape(key) + r'"?\s*[,}\n]', text))
        if found:
            return text.count("\n", 0, found[-1].start()) + 1
    return 1


def _csl_problem(item: dict) -> str:
    if not isinstance(item.get("type"), str):
        return 'it has no "type" (book, article-journal, chapter, ...)'
    if not isinstance(item.get("title"), str) or not item["title"].strip():
        return 'it has no "title"'
    for variable in ("author", "editor", "translator"):
        names = item.get(variable)
        if names is not None and (not isinstance(names, list) or not all(isinstance(n, dict) for n in names)):
            return f'"{variable}" must be a list of names such as {{"family": "Hackman", "given": "J. Richard"}}'
    for variable in ("issued", "accessed"):
        date = item.get(variable)
        if date is None:
            continue
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if not (isinstance(parts, list) and parts and all(
                isinstance(p, list) and p and all(isinstance(v, int) or (isinstance(v, str) and v.isdigit()) for v in p)
                for p in parts)) and not (isinstance(date, dict) and isinstance(date.get("literal"), str)):
            return f'"{variable}" must be {{"date-parts": [[1999, 6]]}}'
    return ""
