"""What crosses between the build's process and the processes that lay units out: the task,
what it gives back, and what a worker starts with, as plain data (it is pickled to the
workers and kept in the layout cache).

The build's own process never imports WeasyPrint when it has workers: they are forked
from a fork server that loaded it (build/layout_pool.py) while the build read the book.
So the pool runs `start` and `lay_out` here, which hand over to the worker module
(units.py) in the worker; a build without workers (`--jobs 1`) calls them itself.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from pathlib import Path

WORKER = "bookwright.writers.pdf.units"  # the module that lays a unit out, loaded in the workers only
NEXT_UNIT = "bw-next-unit"  # the id of the next unit's opening, after a unit's own markup (units.py)


@dataclass(frozen=True)
class UnitTask:
    kind: str  # "unit" or "folios" (a unit's folio document)
    html: str
    css: str
    label: str  # names the unit inside the joined file (table header ids): its key
    write: bool = True  # write the PDF; False: only measure the pages
    tagged: bool = False  # PDF/UA-1: structure tree, artifacts (the screen edition)
    variant: str | None = None  # WeasyPrint's pdf_variant
    identifier: bytes = b""
    # The changes the unit's quality rounds made when it was last laid out (JSON,
    # unit_rounds.UnitTree), made at once before its rounds start: a unit laid out again
    # with its page numbers filled in, or to be written, usually needs no round of its own.
    adjustments: str = ""

    def digest(self) -> str:
        """What the task's result depends on, besides the files it reads and the tools."""
        parts = [self.kind, self.label, str(self.tagged), self.variant or "", self.identifier.decode("latin-1"),
                 self.css, self.html, self.adjustments]
        hashed = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8")
            hashed.update(len(data).to_bytes(8, "big") + data)
        return hashed.hexdigest()


@dataclass
class PageFacts:
    anchors: list[str]  # anchor names on the page, in WeasyPrint's order
    side: str  # "left" or "right"
    blank: bool  # left blank by a forced break (margin boxes of :blank)
    name: str  # the named page ("" for none)
    bookmarks: list[list] = field(default_factory=list)  # [level, label, x, y, state], PDF points
    margins: list[str] = field(default_factory=list)  # what the margin boxes print (folio documents)


@dataclass
class UnitLaidOut:
    pages: list[PageFacts]
    pdf: bytes | None
    messages: list[str] = field(default_factory=list)  # WeasyPrint's warnings
    lost: list[list[str]] = field(default_factory=list)  # [chapter key, note number] of footnotes not set
    low: list[list] = field(default_factory=list)  # [chapter key, src, ppi, inches] of coarse pictures
    fetched: list[str] = field(default_factory=list)  # addresses read while laying out (file: URLs)
    fonts: list[dict] = field(default_factory=list)  # the fonts its PDF embeds (font_union.describe_fonts)
    # Original fonts that could not be kept beside the cache (hash → bytes): the join needs
    # them, and a unit carrying them is not kept in the cache.
    originals: dict[str, bytes] = field(default_factory=dict)
    adjustments: str = ""  # what the quality rounds changed in the unit's markup (UnitTask.adjustments)

    def to_data(self) -> dict:
        return {"pages": [vars(page) for page in self.pages], "messages": self.messages, "lost": self.lost,
                "low": self.low, "fetched": self.fetched, "fonts": self.fonts, "adjustments": self.adjustments}

    @classmethod
    def from_data(cls, data: dict, pdf: bytes | None) -> UnitLaidOut:
        return cls([PageFacts(**page) for page in data["pages"]], pdf, data["messages"], data["lost"], data["low"],
                   data["fetched"], data["fonts"], adjustments=data["adjustments"])


@dataclass(frozen=True)
class WorkerSetup:
    """What every task of one book needs, given to a worker once."""

    roots: tuple[Path, ...]  # the book folder and the theme: nothing else is read
    prepared: dict  # pictures as resolve/assets prepared them
    base_url: str  # the book folder's URL
    stylesheet_url: str  # the theme stylesheet's URL (fonts are relative to it)
    # The face each generic family stands for (theme.font_aliases): a layout uses the book's
    # faces only, never the machine's (fonts.BookFonts).
    faces: dict = field(default_factory=dict)
    fonts: Path | None = None  # where the original fonts are kept for the join (font_union.py)




def start(setup: WorkerSetup) -> None:
    """Prepares this process to lay out tasks of one book (the pool's initializer)."""
    importlib.import_module(WORKER).start_worker(setup)


def lay_out(task: UnitTask) -> UnitLaidOut:
    """Lays one task out, in a process `start` prepared."""
    return importlib.import_module(WORKER).lay_out(task)


def started_with() -> WorkerSetup | None:
    """The setup this process was started with, if it lays units out itself."""
    worker = importlib.import_module(WORKER)
    return worker.current_setup()
