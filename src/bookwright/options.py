"""How a book.toml option is declared: once, on the model field that holds its value.

An option's table and key, the TOML types it accepts, its default, whether it is required
and a one-line description are written in one call, `PDF.option("width", "6in", "...")`,
which is also the dataclass field that holds the value (model.py). Everything else is
derived from those declarations, so it cannot drift: load/ checks book.toml against them
(unknown tables and keys, wrong types, missing keys) and leaves an absent key at the field's
default; the README's option tables are generated from them (load/reference.py).

What a value means beyond its type (allowed values, ranges, paths inside the book folder)
is checked by the reader of its table in load/, where the value gets that meaning.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

# Marks an option without a default: book.toml must give it.
REQUIRED: Any = dataclasses.MISSING
# The key of the [words] declaration: every word words.py knows is a key of its own.
EVERY_WORD = "*"


@dataclass(frozen=True)
class Option:
    """One key of book.toml, as the schema check and the README see it."""

    table: str
    key: str
    accepts: tuple[type, ...]  # the TOML value types; a date is datetime.date
    doc: str  # one line: what the option sets
    default: str = ""  # as TOML (`literal`) or in words; "" when required
    literal: bool = True
    required: bool = False


@dataclass(frozen=True)
class Table:
    """A [table] of book.toml; its options are declared on the fields that hold them."""

    name: str
    doc: str  # one line: what the table is about

    def option(self, key: str, default: Any = REQUIRED, doc: str = "", *, accepts: type | tuple[type, ...] = (),
               shown: str = "") -> Any:
        """A dataclass field holding `[table] key`. `accepts` defaults to the default's
        type; `shown` says the default in words where the field's value would not (a
        default that depends on other options, or a path given as a string)."""
        declared = self._declare(key, doc, accepts or type(default), default, shown)
        if isinstance(default, (list, dict)):
            return dataclasses.field(default_factory=type(default), metadata={"option": declared})
        return dataclasses.field(default=default, metadata={"option": declared})

    def setting(self, key: str, default: Any, doc: str, *, accepts: type | tuple[type, ...]) -> Option:
        """A key that fills no field of its own (`[pdf] trim` sets width and height), kept as
        a ClassVar of the dataclass whose fields it sets, where it is read in order."""
        return self._declare(key, doc, accepts, default, "")

    def _declare(self, key: str, doc: str, accepts: type | tuple[type, ...], default: Any, shown: str) -> Option:
        if default is REQUIRED:
            return Option(self.name, key, _types(accepts), doc, required=True)
        if shown:
            return Option(self.name, key, _types(accepts), doc, shown, literal=False)
        return Option(self.name, key, _types(accepts), doc, _toml_literal(default))


def options_of(cls: type, required: bool = False) -> Any:
    """A dataclass field holding a whole table (or part of one) as the dataclass `cls`."""
    if required:
        return dataclasses.field(metadata={"options_of": cls})
    return dataclasses.field(default_factory=cls, metadata={"options_of": cls})


def declared_options(cls: type) -> list[Option]:
    """Every option declared on `cls` and the option dataclasses it holds, in the order
    they are written: the order of the README's tables and of the hints that list keys."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    found: list[Option] = []
    for name in cls.__annotations__:  # fields and ClassVars alike, in source order
        if name in fields:
            metadata = fields[name].metadata
            if "option" in metadata:
                found.append(metadata["option"])
            elif "options_of" in metadata:
                found.extend(declared_options(metadata["options_of"]))
        elif isinstance(getattr(cls, name, None), Option):
            found.append(getattr(cls, name))
    return found


def field_names(cls: type) -> dict[str, str]:
    """`cls`'s own option keys → the names of the fields that hold them."""
    return {f.metadata["option"].key: f.name for f in dataclasses.fields(cls) if "option" in f.metadata}


def with_defaults(cls: type, **values: Any) -> Any:
    """`cls` with the values a reader found; a None leaves the field's declared default
    (the key was absent, or its value unusable and reported)."""
    return cls(**{name: value for name, value in values.items() if value is not None})


def _types(accepts: type | tuple[type, ...]) -> tuple[type, ...]:
    kinds = accepts if isinstance(accepts, tuple) else (accepts,)
    # A TOML array arrives as a list, whatever the field keeps it as.
    return tuple(list if kind is tuple else kind for kind in kinds)


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_literal(v) for v in value) + "]"
    return str(value)


# The tables of book.toml, in the order the README and the hints list them.
BOOK = Table("book", "What the book is: its metadata, its chapters and the files it draws on.")
TOC = Table("toc", "The contents: in the EPUB navigation, the PDF's contents page and bookmarks, the web pages.")
NUMBERING = Table("numbering", "Which headings are numbered.")
STYLE = Table("style", "The book's design in every edition: its theme, faces, type sizes, chapter openings, scene-break "
              "ornament and the author's own CSS; see Design.")
PDF = Table("pdf", "The page of the screen PDF and of every print interior.")
PRINT = Table("print", "The print-ready interiors for print-on-demand services; see Print.")
COVER = Table("cover", "The print covers for KDP and IngramSpark: the back cover's words, the colours, the barcode; "
              "see Covers.")
EPUB = Table("epub", "What the EPUB says about its own accessibility (see Accessibility), and whether it embeds "
             "its fonts (see Design).")
WEB = Table("web", "The web edition: what it offers for download, where to buy the book, which chapters it "
            "publishes, and the author's header and footer.")
COPYRIGHT = Table("copyright", "What the copyright page prints after the notice and the ISBNs, in every edition.")
WORDS = Table("words", "The words printed around numbers and on generated pages, instead of the book language's.")
LISTS = Table("lists", "Lists after the contents: with page numbers in the PDFs, linked in the EPUB and on the web.")
NOTES = Table("notes", "How notes are numbered and where they are placed.")
TABLES = (BOOK, TOC, NUMBERING, STYLE, PDF, PRINT, COVER, EPUB, WEB, COPYRIGHT, WORDS, LISTS, NOTES)
