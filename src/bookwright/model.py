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
BACK_MATTER_ROLES = ("appendix", "afterword", "epilogue", "glossary", "colophon")
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


@dataclass
class Config:
    metadata: Metadata
    toc_depth: int = 2
    numbering_depth: int = 2
    page: PageOptions = field(default_factory=PageOptions)
    toml_path: Path | None = None


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
class ParsedChapter:
    source: ChapterSource
    body: html.HtmlElement  # a <div> holding the chapter's HTML
    headings: list[Heading]
    labels: list[LabelDefinition]
    references: list[Reference]
    links: list[ChapterLink]
    images: list[ImageUse]


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
class ResolvedBook:
    root: Path
    config: Config
    parts: list[Part]
    chapters: list[ResolvedChapter]
    toc: list[TocEntry]
    targets: dict[str, Target]
    images: list[Path]  # every image the book uses, absolute, inside the book folder
    moment: datetime.datetime | None = None  # the build's timestamp; see moment.py

    @property
    def metadata(self) -> Metadata:
        return self.config.metadata

    def part_of(self, chapter: ResolvedChapter) -> Part | None:
        index = chapter.source.part
        return self.parts[index] if index is not None else None
