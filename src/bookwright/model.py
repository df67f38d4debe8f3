"""The book model every stage shares.

`Book` is what `load` makes of the folder (no Markdown parsed yet); `ParsedChapter` is
what `parse` makes of one chapter; `ResolvedBook` is the complete, numbered, linked
book that the writers read and never change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html

# Roles a chapter's front matter may give it. Front matter comes before the first
# numbered chapter (roman page numbers in print); back matter after it.
FRONT_MATTER_ROLES = ("preface", "foreword", "introduction", "prologue", "acknowledgments", "dedication")
BACK_MATTER_ROLES = ("appendix", "afterword", "epilogue", "glossary", "colophon",
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


@dataclass
class Metadata:
    title: str
    authors: list[str]
    language: str
    subtitle: str = ""
    identifier: str = ""
    publisher: str = ""
    date: str = ""
    rights: str = ""
    description: str = ""
    cover: Path | None = None
    slug: str = "book"

    @property
    def direction(self) -> str:
        primary = self.language.split("-")[0].lower()
        return "rtl" if primary in ("ar", "he", "fa", "ur", "yi") else "ltr"


@dataclass
class PageOptions:
    width: str = "6in"
    height: str = "9in"
    font_size: str = ""  # [pdf] font-size, a CSS length; "" keeps the theme's
    line_height: str = ""  # [pdf] line-height, a number or a CSS length; "" keeps the theme's
    opening: str = "plain"  # [pdf] opening: how a chapter's first paragraph starts: plain, small-caps, drop-cap


@dataclass
class PrintOptions:
    """[print]: the print-ready PDFs (see writers/pdf/print/profiles.py for what each profile does)."""

    profiles: tuple[str, ...] = ()  # built by default besides the EPUB and the screen PDF
    bleed: bool = False  # art runs off the page: bleed on the top, bottom and outside edge
    bleed_size: str = "0.125in"  # the press profile's bleed; KDP and IngramSpark want 0.125in
    marks: str = "crop"  # the press profile's printer marks
    pdfx: str = "x-1a"  # IngramSpark's PDF/X flavour: x-1a or x-4
    interior: str = "black-and-white"  # or "color": how IngramSpark's file writes colours
    icc: Path | None = None  # the printer's CMYK ICC profile, inside the book folder


@dataclass
class NoteOptions:
    """[notes]: how notes are numbered and where every edition puts them."""

    numbering: str = "book"  # "book": 1, 2, ... through the book; "chapter": restart in each chapter
    placement: str = "footnotes"  # or "endnotes-chapter", "endnotes-book"


@dataclass
class AccessibilityOptions:
    """What the EPUB says about its own accessibility, where the author overrides it."""

    summary: str = ""  # [epub] accessibility-summary; "" means generated from the book
    certified_by: str = ""  # [epub] certified-by; "" means the publisher
    print_isbn: str = ""  # [print] isbn, as urn:isbn:...; names the page list's source


@dataclass
class Config:
    metadata: Metadata
    toc_depth: int = 2
    numbering_depth: int = 2
    page: PageOptions = field(default_factory=PageOptions)
    print: PrintOptions = field(default_factory=PrintOptions)
    toml_path: Path | None = None
    allow_remote_images: bool = False  # [book] allow-remote-images: link to them instead of failing
    web_base_url: str = ""  # [web] base-url, ending in "/"; "" when the site's address is unknown
    words: dict[str, str] = field(default_factory=dict)  # [words]: overrides of the language's words
    lists: tuple[str, ...] = ()  # [lists]: "figures", "tables" when the book wants those lists
    # Scholarly apparatus (issue 7): [book] bibliography and csl, and [notes].
    bibliography: Path | None = None  # a .bib or CSL-JSON .json file inside the book folder
    csl: str = ""  # a .csl file inside the book folder, or the name of a bundled CSL style
    notes: NoteOptions = field(default_factory=lambda: NoteOptions())
    # Issue 6: [epub] accessibility-summary / certified-by and [print] isbn; see load/epub_options.py.
    accessibility: AccessibilityOptions = field(default_factory=lambda: AccessibilityOptions())


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


@dataclass
class TocEntry:
    title: str
    chapter: str  # chapter or part key
    element_id: str  # "" for the top of the chapter file
    number: str
    level: int  # 0 part, 1 chapter, 2 section, ...
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class Note:
    number: int
    id: str  # element id of the note, unique in its chapter
    call_id: str  # element id of the call in the text
    body: html.HtmlElement  # a <div> with the note's blocks
    label: str = ""  # the author's `[^label]`, to find the call in the source


@dataclass
class ResolvedChapter:
    key: str
    source: ChapterSource
    role: str
    title: str
    number: str  # "5", "A" or ""
    heading_id: str
    body: html.HtmlElement
    notes: list[Note]

    @property
    def is_front_matter(self) -> bool:
        return self.source.is_front_matter


@dataclass
class IndexLocator:
    """One place a term is marked: a link target, and how the EPUB and web editions name it."""

    chapter: str
    element_id: str
    label: str  # "1.2" (the section), "1" or a chapter title


@dataclass
class IndexEntry:
    term: str
    sort_key: tuple
    locators: list[IndexLocator] = field(default_factory=list)
    see: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    children: list[IndexEntry] = field(default_factory=list)


@dataclass
class ResolvedBook:
    root: Path
    config: Config
    parts: list[Part]
    chapters: list[ResolvedChapter]
    toc: list[TocEntry]
    targets: dict[str, Target]
    images: list[Path]  # every image the book uses, absolute, inside the book folder
    moment: datetime.datetime | None = None  # the build's timestamp; see load/moment.py
    # The lists of figures and tables book.toml asks for ("figures", "tables"), in reading order.
    lists: dict[str, list[Target]] = field(default_factory=dict)
    # The back-of-book index as data (issue 7): the generated index chapter shows it with
    # links; the PDF writer prints page numbers from it instead.
    index: list[IndexEntry] = field(default_factory=list)
    # The bytes every edition embeds for each image (and the cover): checked, scaled and
    # made inert by assets/prepare.py. Writers never copy an image file from disk themselves.
    assets: dict[Path, bytes] = field(default_factory=dict)

    @property
    def metadata(self) -> Metadata:
        return self.config.metadata

    def image_bytes(self, path: Path) -> bytes:
        prepared = self.assets.get(path.resolve())
        return prepared if prepared is not None else path.read_bytes()

    def part_of(self, chapter: ResolvedChapter) -> Part | None:
        index = chapter.source.part
        return self.parts[index] if index is not None else None
