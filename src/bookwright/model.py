"""The book model every stage shares.

`Config` is book.toml as read, each option declared on the field that holds it
(options.py); `Book` is what `load` makes of the folder (no Markdown parsed yet); `ParsedChapter` is
what `parse` makes of one chapter; `ResolvedBook` is the complete, numbered, linked
book that the writers read and never change.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from lxml import html

from bookwright.options import (BOOK, COPYRIGHT, COVER, EPUB, EVERY_WORD, LISTS, NOTES, NUMBERING, PDF, PRINT,
                                REQUIRED, STYLE, TOC, WEB, WORDS, Option, options_of)

# Roles a chapter's front matter may give it. Front matter comes before the first
# numbered chapter (roman page numbers in print); back matter after it.
# "also-by" (the author's other books) is moved to face the title page, "about-author" to
# the end of the book, wherever the chapter list names them (resolve/furniture.py);
# "dedication" and "epigraph" pages come before the contents in the paged editions.
FRONT_MATTER_ROLES = ("preface", "foreword", "introduction", "prologue", "acknowledgments", "dedication", "epigraph",
                      "also-by")
BACK_MATTER_ROLES = ("appendix", "afterword", "epilogue", "glossary", "colophon", "about-author",
                     # Generated back matter (issue 7); a chapter file with one of these roles
                     # marks where the generated list goes (after the file's own text).
                     "notes", "bibliography", "index")
ROLES = ("chapter",) + FRONT_MATTER_ROLES + BACK_MATTER_ROLES

# Label prefixes that make `@key` a cross-reference; every other `@key` is reserved
# for citations.
LABEL_KINDS = {"sec": "section", "fig": "figure", "tbl": "table", "lst": "listing", "eq": "equation"}


@dataclass(frozen=True)
class SourceLocation:
    path: Path
    line: int
    col: int


@dataclass(frozen=True, kw_only=True)
class Metadata:
    """[book]'s description of the book: what every edition prints and declares about it."""

    title: str = BOOK.option("title", REQUIRED, "The title, on the cover, the title page and in every edition's "
                             "metadata.", accepts=str)
    subtitle: str = BOOK.option("subtitle", "", "Printed under the title on the cover and the title page.")
    authors: list[str] = BOOK.option("authors", REQUIRED, "One or more names, in the order they are credited.",
                                     accepts=list)
    language: str = BOOK.option("language", REQUIRED, "A BCP 47 tag (en, en-GB, fr, de, es): the book's words, "
                                "hyphenation and text direction.", accepts=str)
    identifier: str = BOOK.option("identifier", "", "The EPUB's unique identifier, such as urn:isbn:9780000000000.",
                                  shown="a stable UUID from the title, authors and language")
    publisher: str = BOOK.option("publisher", "", "Named on the copyright page and in the metadata.")
    date: str = BOOK.option("date", "", "The publication date: YYYY, YYYY-MM or YYYY-MM-DD, or a TOML date.",
                            accepts=(str, datetime.date), shown="none")
    rights: str = BOOK.option("rights", "", "The copyright notice, on the copyright page.")
    description: str = BOOK.option("description", "", "A few sentences about the book, for stores and the web edition.")
    cover: Path | None = BOOK.option("cover", None, "The cover image, a file inside the book folder.", accepts=str,
                                     shown="a generated typographic cover")
    # As urn:isbn:<digits>, like [print] isbn
    isbn_ebook: str = BOOK.option("isbn-ebook", "", "The ebook's ISBN (checked): on every edition's copyright page, "
                                  "and the EPUB's identifier when identifier is not given.", shown="none")
    slug: str = "book"  # from the title; names the output files

    @property
    def direction(self) -> str:
        primary = self.language.split("-")[0].lower()
        return "rtl" if primary in ("ar", "he", "fa", "ur", "yi") else "ltr"


@dataclass(frozen=True)
class ChapterEntry:
    """One entry of `[book] chapters`, before the file is read."""

    path: str
    part: str | None
    part_location: SourceLocation | None
    location: SourceLocation
    role: str | None = None  # "appendix" for an entry of [book] appendices


@dataclass(frozen=True)
class BookOptions:
    """[book]: the book's metadata, its chapter files, and the other files it draws on."""

    metadata: Metadata = options_of(Metadata, required=True)
    chapters: tuple[ChapterEntry, ...] = BOOK.option(
        "chapters", (), 'The chapter files in reading order; a part is { part = "Title", chapters = [...] }.',
        accepts=list, shown="every .md, .qmd and .Rmd file but README.md, in file-name order")
    appendices: tuple[ChapterEntry, ...] = BOOK.option(
        "appendices", (), "Chapter files that are appendices (lettered A, B, ...), after the chapters: Quarto's "
        "book appendices.", accepts=list, shown="none")
    allow_remote_images: bool = BOOK.option(
        "allow-remote-images", False, "A remote (http, https) image becomes a link to it instead of an error; "
        "nothing is ever downloaded.")
    bibliography: Path | None = BOOK.option(
        "bibliography", None, "A BibTeX (.bib) or CSL-JSON (.json) file inside the book folder; see Citations.",
        accepts=str, shown="none")
    csl: str = BOOK.option("csl", "apa", "The citation style: a bundled CSL style by name, or a .csl file inside "
                           "the book folder.")


@dataclass(frozen=True)
class TocOptions:
    """[toc]: how deep the contents go."""

    depth: int = TOC.option("depth", 2, "Heading levels listed, 1 to 6: 1 lists chapters, 2 their sections too.")


@dataclass(frozen=True)
class NumberingOptions:
    """[numbering]: how deep headings are numbered."""

    depth: int = NUMBERING.option("depth", 2, "Heading levels numbered, 1 to 6: 1 numbers chapters, 2 sections "
                                  "too (5.2).")


# The editions [style] can address one by one: the screen PDF, every print interior, the
# EPUB and the web edition.
STYLED_EDITIONS = ("pdf", "print", "epub", "web")


@dataclass(frozen=True)
class FontFile:
    """One style of a typeface: a font file, its weight (400, 700, ...) and slant."""

    path: Path  # absolute
    weight: int
    style: str  # "normal" or "italic"


@dataclass(frozen=True)
class Face:
    """A typeface the book is set in: one of the bundled families, or the author's files."""

    name: str  # the family, as book.toml names it or its files call it
    kind: str  # "serif", "sans-serif", "monospace" (what a generic family in a figure stands for) or "math"
    files: tuple[FontFile, ...]
    licence: Path | None = None  # the family's licence, packaged with it in the EPUB and on the web
    bundled: bool = True
    # The licence's Reserved Font Names: a subset (a Modified Version under the OFL) may not
    # be called by any of them.
    reserved_names: tuple[str, ...] = ()

    def has_style(self, style: str, bold: bool = False) -> bool:
        """True when one of the files is of that slant (and bold, 600 or heavier, when asked)."""
        return any(f.style == style and (f.weight >= 600) == bold for f in self.files)


@dataclass(frozen=True)
class Theme:
    """A bundled book design (styles/themes/NAME/): its faces, its defaults and its stylesheets."""

    name: str
    folder: Path  # holds theme.toml, book.css (every edition) and pdf.css, epub.css, web.css
    summary: str
    body: Face
    heading: Face
    code: Face
    opening: str  # "plain", "small-caps" or "drop-cap"
    ornament: str  # what a scene break shows
    font_size: Mapping[str, str]  # edition (STYLED_EDITIONS) → CSS size
    line_height: Mapping[str, str]
    math: Face | None = None  # MathML's face in the EPUB and on the web (the PDFs draw formulas as SVG)


@dataclass(frozen=True)
class AuthorStylesheet:
    """One of the author's CSS files, checked to read nothing outside the book folder."""

    path: Path  # absolute, inside the book folder
    text: str  # its @import rules blanked (each imported file is a stylesheet of its own, before this one)
    resources: tuple[Path, ...]  # the files its url()s name, absolute, inside the book folder


@dataclass(frozen=True)
class StyleOptions:
    """[style]: the book's design. The reader fills every field: what book.toml leaves out
    is the theme's."""

    theme: Theme | None = STYLE.option("theme", None, "The book's design: classic (Linux Libertine, centred "
                                       "openings), literary (EB Garamond, small capitals, fleurons) or modern "
                                       "(Literata with Inter headings, ranged left).", accepts=str, shown='"classic"')
    body_font: Face | None = STYLE.option(
        "body-font", None, "The text face: a bundled family by name, or a font file in the book folder (its italic "
        "and bold found beside it), or a table { regular, italic, bold, bold-italic } of files.", accepts=(str, dict),
        shown="the theme's")
    heading_font: Face | None = STYLE.option("heading-font", None, "The face of titles and headings, given as "
                                             "body-font is.", accepts=(str, dict), shown="the theme's")
    code_font: Face | None = STYLE.option("code-font", None, "The face of code and listings, given as body-font is.",
                                          accepts=(str, dict), shown="the theme's")
    # Edition (STYLED_EDITIONS) → a CSS value; an edition absent keeps the theme's.
    font_size: Mapping[str, str] = STYLE.option(
        "font-size", {}, "The body size: a size such as 10.5pt for both PDFs, or a table { pdf, print, epub, web } "
        "(epub in % or em of the reader's size, web in px or %).", accepts=(str, int, float, dict),
        shown="the theme's, 11pt in the PDFs")
    line_height: Mapping[str, str] = STYLE.option(
        "line-height", {}, "The leading: a multiple of the size (1.0 to 2.5) for every edition, a length for the "
        "PDFs, or a table { pdf, print, epub, web }.", accepts=(str, int, float, dict), shown="the theme's")
    opening: str = STYLE.option("opening", "", "How a chapter's first paragraph starts in every edition: plain, "
                                "small-caps or drop-cap.", shown="the theme's")
    ornament: str = STYLE.option("ornament", "", 'What a scene break (*** or * * * alone on a line) shows, such '
                                 'as "❦" or "* * *".', shown="the theme's")
    # Edition → the author's stylesheets for it, in order, after the theme's.
    css: Mapping[str, tuple[AuthorStylesheet, ...]] = STYLE.option(
        "css", {}, 'CSS files in the book folder applied after the theme: a list for every edition, or a table '
        '{ all, pdf, print, epub, web } of lists.', accepts=(list, dict), shown="none")

    # What the editions read: the author's choice, else the theme's.

    @property
    def body(self) -> Face:
        return self.body_font or self.theme.body

    @property
    def heading(self) -> Face:
        return self.heading_font or self.theme.heading

    @property
    def code(self) -> Face:
        return self.code_font or self.theme.code

    @property
    def faces(self) -> dict[str, Face]:
        """The book's faces by role; a face that fills two roles is listed under each."""
        return {"body": self.body, "heading": self.heading, "code": self.code}

    @property
    def math(self) -> Face | None:
        """The face of the book's MathML, where an edition shows MathML as text."""
        return self.theme.math

    @property
    def chapter_opening(self) -> str:
        return self.opening or self.theme.opening

    @property
    def scene_break(self) -> str:
        return self.ornament or self.theme.ornament

    def size(self, edition: str) -> str:
        return self.font_size.get(edition) or self.theme.font_size.get(edition, "")

    def leading(self, edition: str) -> str:
        return self.line_height.get(edition) or self.theme.line_height.get(edition, "")

    def stylesheets(self, edition: str) -> tuple[AuthorStylesheet, ...]:
        return self.css.get(edition, ())


@dataclass(frozen=True)
class PageOptions:
    """[pdf]: the page of every PDF (its type is [style]'s)."""

    trim: ClassVar[Option] = PDF.setting(
        "trim", "6x9", "A named trim size, which sets width and height: 5x8, 5.25x8, 5.5x8.5, 6x9, 7x10, 8.5x11, a5, "
        "a4.", accepts=str)
    width: str = PDF.option("width", "6in", "The page width, a length in in, mm, cm, pt or px (with height, "
                            "instead of trim).")
    height: str = PDF.option("height", "9in", "The page height, a length in in, mm, cm, pt or px.")


@dataclass(frozen=True)
class PrintOptions:
    """[print]: the print-ready PDFs (see writers/pdf/print/profiles.py for what each profile does)."""

    profiles: tuple[str, ...] = PRINT.option(
        "profiles", (), "Print interiors `bookwright build` makes besides the other editions: kdp, ingram, press "
        "(kdp and ingram with their covers).")
    bleed: bool = PRINT.option("bleed", False, "Art runs off the page: KDP and IngramSpark files get 0.125in of "
                               "bleed on the top, bottom and outside edge.")
    bleed_size: str = PRINT.option("bleed-size", "0.125in", "The press profile's bleed on every side, at most 0.5in.")
    marks: str = PRINT.option("marks", "crop", "The press profile's printer marks: crop, cross, crop cross or none.")
    pdfx: str = PRINT.option("pdfx", "x-1a", "IngramSpark's PDF/X flavour: x-1a, or x-4 (which needs icc).")
    interior: str = PRINT.option("interior", "black-and-white", "How IngramSpark's file prints colours: "
                                 "black-and-white (grey) or color (CMYK).")
    icc: Path | None = PRINT.option(
        "icc", None, "The printer's CMYK ICC profile, a file inside the book folder, embedded as the output intent.",
        accepts=str, shown="none: PDF/X-1a names the registered SWOP condition")
    # As urn:isbn:<digits>
    isbn: str = PRINT.option("isbn", "", "The print edition's ISBN (checked); the EPUB's page list names it as "
                             "its source, the print covers carry it as a barcode.", shown="none")
    # The services' own names for their papers; the thickness of each sets a cover's spine.
    paper: str = PRINT.option("paper", "white", "The paper the services print on, which sets the width of the "
                              "covers' spine: white, cream or color.")


@dataclass(frozen=True)
class CoverOptions:
    """[cover]: the print covers' back and colours (see writers/pdf/print/cover/ for the wrap)."""

    back: Path | None = COVER.option("back", None, "The back cover's text: a Markdown file inside the book folder "
                                     "(the blurb, quotes).", accepts=str, shown="none: the back shows the "
                                     "description")
    author_note: Path | None = COVER.option("author-note", None, "A few lines about the author under the blurb: a "
                                            "Markdown file inside the book folder.", accepts=str, shown="none")
    author_photo: Path | None = COVER.option("author-photo", None, "The author's photograph beside the note, an "
                                             "image inside the book folder.", accepts=str, shown="none")
    background: str = COVER.option("background", "#263447", "The covers' ground colour, as #rrggbb (the EPUB and web "
                                   "cover too, when bookwright draws the front).")
    text: str = COVER.option("text", "#f4eee2", "The colour of the covers' words, as #rrggbb.")
    accent: str = COVER.option("accent", "#c9a45c", "The colour of the front's frame and rule, as #rrggbb.")
    # The five digits of the EAN-5 add-on: currency digit and price, or 90000 for none.
    price: str = COVER.option("price", "90000", "The price printed in the barcode's add-on: USD 14.99, GBP 9.99, "
                              "CAD 19.99, AUD or NZD, or five digits.", shown='none (the add-on reads 90000)')
    kdp_barcode: str = COVER.option("kdp-barcode", "bookwright", "Who prints the KDP cover's barcode: bookwright "
                                    "(from [print] isbn) or kdp (its area is left clear for KDP's own).")


@dataclass(frozen=True)
class AccessibilityOptions:
    """[epub]: what the EPUB says about its own accessibility, where the author overrides it."""

    summary: str = EPUB.option("accessibility-summary", "", "Replaces the accessibility summary bookwright writes.",
                               shown="written from the book's contents")
    certified_by: str = EPUB.option("certified-by", "", "Who vouches for the accessibility conformance claim.",
                                    shown="the publisher, else the authors")


@dataclass(frozen=True)
class EpubOptions:
    """[epub]: what the EPUB says about its accessibility, and whether it carries its fonts."""

    accessibility: AccessibilityOptions = options_of(AccessibilityOptions)
    embed_fonts: bool = EPUB.option(
        "embed-fonts", True, "Embed the book's faces, each cut to the characters the book uses (false: the reading "
        "system's own fonts, the theme's generic families).")


@dataclass(frozen=True)
class StoreLink:
    """Where a reader can buy the book: a store's name and the book's page there."""

    name: str
    url: str


@dataclass(frozen=True)
class WebOptions:
    """[web]: where the web edition will live and what the author lets it give away."""

    base_url: str = WEB.option("base-url", "", "The address the site will be published at: absolute Open Graph "
                               "addresses, canonical links and a sitemap.", shown="none")
    # None: the default, the EPUB and the screen PDF (none for a sample site)
    downloads: tuple[str, ...] | None = WEB.option(
        "downloads", None, 'The editions offered for download: epub, pdf, print-kdp, ... ([] offers none).',
        accepts=list, shown='["epub", "pdf"]; [] when chapters names a sample')
    links: tuple[StoreLink, ...] = WEB.option(
        "links", (), 'Where to buy the book, as a table of store name = address: shown on the home page and '
        'after every chapter.', accepts=dict, shown="none")
    # Chapter keys, in book order; () publishes every chapter
    chapters: tuple[str, ...] = WEB.option(
        "chapters", (), "Publish only these chapter files, a sample: the others are listed with the buy links, and "
        "links into them lead there.", accepts=list, shown="every chapter")
    header: Path | None = WEB.option("header", None, "An HTML file in the book folder set above every page, "
                                     "sanitized like chapter HTML.", accepts=str, shown="none")
    footer: Path | None = WEB.option("footer", None, "An HTML file in the book folder set below every page, "
                                     "sanitized like chapter HTML.", accepts=str, shown="none")
    allow_scripts: tuple[Path, ...] = WEB.option(
        "allow-scripts", (), "Script files in the book folder the header and footer may load with "
        "<script src>; no other script is kept.", accepts=list, shown="none")
    embed_fonts: bool = WEB.option(
        "embed-fonts", True, "Publish the book's faces as web fonts, each cut to the characters the site shows "
        "(false: the reader's own fonts, the theme's generic families).")

    @property
    def sample(self) -> bool:
        return bool(self.chapters)

    @property
    def offered(self) -> tuple[str, ...]:
        """The editions the site offers for download."""
        if self.downloads is not None:
            return self.downloads
        return () if self.sample else ("epub", "pdf")


@dataclass(frozen=True)
class CopyrightOptions:
    """[copyright]: the lines of the copyright page that only the author can write."""

    edition: str = COPYRIGHT.option("edition", "", "The edition statement, such as First edition, November 2026.",
                                    shown="none")
    credits: tuple[str, ...] = COPYRIGHT.option("credits", (), "Lines crediting who made the book: cover design, "
                                                "editing, translation, ...")
    lines: tuple[str, ...] = COPYRIGHT.option("lines", (), "Lines printed last, as written: a CIP data block, a "
                                              "disclaimer, the printer's key.")


@dataclass(frozen=True)
class ListOptions:
    """[lists]: which lists follow the contents."""

    figures: bool = LISTS.option("figures", False, "A list of figures.")
    tables: bool = LISTS.option("tables", False, "A list of tables.")

    @property
    def wanted(self) -> tuple[str, ...]:
        return tuple(kind for kind in ("figures", "tables") if getattr(self, kind))


@dataclass(frozen=True)
class NoteOptions:
    """[notes]: how notes are numbered and where every edition puts them."""

    numbering: str = NOTES.option("numbering", "book", "book: 1, 2, ... through the book; chapter: from 1 in "
                                  "each chapter.")
    placement: str = NOTES.option("placement", "footnotes", "footnotes, endnotes-chapter (at each chapter's end) "
                                  "or endnotes-book (a generated Notes chapter).")


@dataclass(frozen=True)
class TomlSource:
    """book.toml as it was loaded: its text, and where each key and [table] header is
    written. Later stages point at an option's line, or search the text, from here; none
    reads the file again (it may have changed since)."""

    path: Path
    text: str
    keys: dict[tuple[str, str], SourceLocation]  # (table, key) → its first line; table "" above every header
    headers: dict[str, SourceLocation]  # table → its first [table] line

    def key(self, table: str, key: str) -> SourceLocation:
        """Where `[table] key` is written (or its own [table.key] header); where the key is
        not, its table's header (a top-level key's own [key] header), else the start of the file."""
        found = self.keys.get((table, key)) or self.headers.get(f"{table}.{key}") or self.headers.get(table or key)
        return found or SourceLocation(self.path, 1, 1)


@dataclass(frozen=True, kw_only=True)
class Config:
    """book.toml as read: a field per table, each option declared on the field that holds
    it (options.py). Filled once by load/ and never changed afterwards."""

    book: BookOptions = options_of(BookOptions, required=True)
    toc: TocOptions = options_of(TocOptions)
    numbering: NumberingOptions = options_of(NumberingOptions)
    style: StyleOptions = options_of(StyleOptions)
    page: PageOptions = options_of(PageOptions)  # [pdf]
    print: PrintOptions = options_of(PrintOptions)
    cover: CoverOptions = options_of(CoverOptions)
    epub: EpubOptions = options_of(EpubOptions)
    web: WebOptions = options_of(WebOptions)
    copyright: CopyrightOptions = options_of(CopyrightOptions)
    words: dict[str, str] = WORDS.option(EVERY_WORD, {}, 'Any word the editions print: chapter = "Chap.", '
                                         'figure = "Fig.", ...', accepts=str, shown="the book language's word")
    list_options: ListOptions = options_of(ListOptions)  # [lists]
    notes: NoteOptions = options_of(NoteOptions)
    toml: TomlSource = field(repr=False, compare=False)

    def location_of(self, table: str, key: str) -> SourceLocation:
        """Where `[table] key` is in book.toml, for a problem found after loading."""
        return self.toml.key(table, key)

    # Shortcuts the other stages read.

    @property
    def metadata(self) -> Metadata:
        return self.book.metadata

    @property
    def accessibility(self) -> AccessibilityOptions:
        return self.epub.accessibility

    @property
    def toml_path(self) -> Path:
        return self.toml.path

    @property
    def allow_remote_images(self) -> bool:
        return self.book.allow_remote_images

    @property
    def bibliography(self) -> Path | None:
        return self.book.bibliography

    @property
    def csl(self) -> str:
        return self.book.csl

    @property
    def toc_depth(self) -> int:
        return self.toc.depth

    @property
    def numbering_depth(self) -> int:
        return self.numbering.depth

    @property
    def web_base_url(self) -> str:
        return self.web.base_url

    @property
    def lists(self) -> tuple[str, ...]:
        return self.list_options.wanted


@dataclass
class ChapterSource:
    """One chapter file as loaded: raw Markdown and what its front matter says."""

    path: Path  # absolute
    rel: str  # relative to the book folder, as shown in messages
    key: str  # unique, from the file name; names the chapter's output files
    role: str
    part: int | None  # index into Book.parts
    text: str  # Markdown; front matter replaced by blank lines so line numbers hold
    front_matter: dict = field(default_factory=dict)
    # Where each line of `text` was written, (file, line), when `{{< include >}}` brought
    # other files' lines in (load/includes.py); None when every line is the file's own.
    origins: list[tuple[Path, int]] | None = None

    @property
    def is_front_matter(self) -> bool:
        return self.role in FRONT_MATTER_ROLES


@dataclass
class Part:
    title: str
    key: str
    location: SourceLocation | None = None


@dataclass
class Book:
    root: Path
    config: Config
    parts: list[Part]
    chapters: list[ChapterSource]
    moment: datetime.datetime  # the build's timestamp, from the sources (load/moment.py)

    @property
    def metadata(self) -> Metadata:
        return self.config.metadata


# --- parse ---------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    id: str
    text: str
    numbered: bool
    location: SourceLocation


@dataclass
class LabelDefinition:
    label: str
    kind: str  # a LABEL_KINDS key
    location: SourceLocation


@dataclass
class Reference:
    """An `@label` use; every occurrence of the key in the source is listed."""

    label: str
    locations: list[SourceLocation]


@dataclass
class ChapterLink:
    """A Markdown link to another file of the book: `05-x.md#frag`."""

    href: str
    location: SourceLocation


@dataclass
class ImageUse:
    src: str
    alt: str
    location: SourceLocation


@dataclass
class CitationUse:
    """A citation key used in a chapter; every occurrence of `@key` in the source is listed."""

    key: str
    locations: list[SourceLocation]


@dataclass
class IndexMark:
    """A `[text]{.idx ...}` span, as written; the whole-book pass reads its levels."""

    text: str
    term: str  # the `term` attribute, "" when the text is the term
    see: str
    see_also: str
    sort: str
    location: SourceLocation
    unknown: str = ""  # attributes the index does not know (misspellings)


@dataclass
class FormulaUse:
    tex: str
    display: bool
    location: SourceLocation


@dataclass
class ParsedChapter:
    source: ChapterSource
    body: html.HtmlElement  # a <div> holding the chapter's HTML
    headings: list[Heading]
    labels: list[LabelDefinition]
    references: list[Reference]
    links: list[ChapterLink]
    images: list[ImageUse]
    # Scholarly apparatus (issue 7), filled by parse/facts.py (collect_facts).
    citations: list[CitationUse] = field(default_factory=list)
    index_marks: list[IndexMark] = field(default_factory=list)
    formulas: list[FormulaUse] = field(default_factory=list)


# --- resolve -------------------------------------------------------------------------------
# What the whole-book pass returns is frozen: the dataclasses cannot be reassigned and their
# collections are tuples and read-only mappings, so a writer cannot change what another
# writer reads. (Chapter bodies are lxml trees, which cannot be frozen: every writer works
# on `writers.common.body_copy`, and a test checks that writing leaves them as they were.)


@dataclass(frozen=True)
class Target:
    """Where a label points and how a reference to it reads."""

    label: str
    kind: str
    chapter: str  # chapter key
    element_id: str
    number: str  # "5.2", "A", "" when unnumbered
    text: str  # "Section 5.2", "Figure 5.1", or a title for unnumbered chapters
    title: str


@dataclass(frozen=True)
class TocEntry:
    title: str
    chapter: str  # chapter or part key
    element_id: str  # "" for the top of the chapter file
    number: str
    level: int  # 0 part, 1 chapter, 2 section, ...
    children: tuple[TocEntry, ...] | list[TocEntry] = field(default_factory=list)  # a list while resolving


@dataclass(frozen=True)
class Note:
    number: int
    id: str  # element id of the note, unique in its chapter
    call_id: str  # element id of the call in the text
    body: html.HtmlElement  # a <div> with the note's blocks
    label: str = ""  # the author's `[^label]`, to find the call in the source


@dataclass(frozen=True)
class ResolvedChapter:
    key: str
    source: ChapterSource
    role: str
    title: str
    number: str  # "5", "A" or ""
    heading_id: str
    body: html.HtmlElement
    notes: tuple[Note, ...] | list[Note]  # a list while resolving
    generated: bool = False  # written by the whole-book pass (notes, references, index), not by the author

    @property
    def is_front_matter(self) -> bool:
        return self.source.is_front_matter


@dataclass(frozen=True)
class IndexLocator:
    """One place a term is marked: a link target, and how the EPUB and web editions name it."""

    chapter: str
    element_id: str
    label: str  # "1.2" (the section), "1" or a chapter title


@dataclass(frozen=True)
class IndexEntry:
    term: str
    sort_key: tuple
    # Lists while the index is collected, tuples in the resolved book.
    locators: tuple[IndexLocator, ...] | list[IndexLocator] = field(default_factory=list)
    see: tuple[str, ...] | list[str] = field(default_factory=list)
    see_also: tuple[str, ...] | list[str] = field(default_factory=list)
    children: tuple[IndexEntry, ...] | list[IndexEntry] = field(default_factory=list)


@dataclass(frozen=True)
class CoverText:
    """The back cover's words, parsed like a chapter's (parse/cover_text.py): `[cover] back`
    (or `[book] description` when there is none) and `[cover] author-note`, each a <div>."""

    blurb: html.HtmlElement | None = None
    author_note: html.HtmlElement | None = None
    where: SourceLocation | None = None  # the blurb's place, where a problem with it is reported


@dataclass(frozen=True)
class ResolvedBook:
    root: Path
    config: Config
    parts: tuple[Part, ...]
    chapters: tuple[ResolvedChapter, ...]  # in reading order, generated back matter included
    toc: tuple[TocEntry, ...]
    targets: Mapping[str, Target]
    images: tuple[Path, ...]  # every image the book uses, absolute, inside the book folder
    moment: datetime.datetime  # the build's timestamp; see load/moment.py
    # The lists of figures and tables book.toml asks for ("figures", "tables"), in reading order.
    lists: Mapping[str, tuple[Target, ...]]
    # The back-of-book index as data (issue 7): the generated index chapter shows it with
    # links; the PDF writer prints page numbers from it instead.
    index: tuple[IndexEntry, ...]
    # The bytes every edition embeds for each image (and the cover): checked, scaled and
    # made inert by resolve/assets/prepare.py. Writers never copy an image file from disk themselves.
    assets: Mapping[Path, bytes]
    cover_text: CoverText = CoverText()  # the print covers' back

    @property
    def metadata(self) -> Metadata:
        return self.config.metadata

    def image_bytes(self, path: Path) -> bytes:
        prepared = self.assets.get(path.resolve())
        return prepared if prepared is not None else path.read_bytes()

    def part_of(self, chapter: ResolvedChapter) -> Part | None:
        index = chapter.source.part
        return self.parts[index] if index is not None else None
