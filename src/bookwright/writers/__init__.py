"""One writer per edition, each behind the same contract; the registry is `editions.py`.

An edition's class is constructed with its `editions.Edition` entry and implements

    write(book: ResolvedBook, target: Path, context: BuildContext) -> str

It writes the whole edition at `target` (a temporary file or folder that the build renames
into place only when `write` returns) and returns the note the build line shows. It reads
the resolved book and never changes it. Problems go to `context.diagnostics`; an edition
that must not be published (the EPUB's gate found errors) raises `EditionRejected`, and the
previous file stays.

Where a new module goes: code one edition uses lives in that edition's folder (`epub/`,
`pdf/`, `pdf/print/`, `web/`); code two or more editions share lives here at the root.
Editions never import each other (`pdf/print/` builds on `pdf/`); what one edition tells
another crosses only through the `BuildContext`: the layouts of the paged editions for the
EPUB's page list (`pagelist.py`) and the files already written for the web's downloads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.writers.pagelist import PAGE_SOURCES, LayoutProbe, PageLayout


class EditionRejected(Exception):
    """The edition is not published: its problems are in the diagnostics, the previous file stays."""


class EditionAbandoned(Exception):
    """The edition follows another edition of the build that failed: it is not written either."""


@dataclass(frozen=True)
class Written:
    """An edition already written in this build."""

    edition: str  # its name in editions.EDITIONS
    path: Path


@dataclass
class BuildContext:
    diagnostics: Diagnostics
    gate: bool = False  # the EPUB goes through EPUBCheck and Ace before it is published
    # The build's worker processes (build/layout_pool.WorkerPool: `map(function, items,
    # initializer, initargs)`), shared by the paged editions; None: they work in this process.
    pool: object | None = None
    # The output folder's cache (.bookwright-cache), where an edition keeps what a later build
    # may reuse (the PDFs their laid-out units, the EPUB's gate its verdicts). None: nothing is kept.
    cache_folder: Path | None = None
    tool: str = ""  # bookwright's identity (its version, files and dependencies): part of every cache key
    written: list[Written] = field(default_factory=list)  # the editions written so far, in order
    # An edition made from others of the build (`Edition.needs`) that starts while they are
    # still being written: this waits for them and returns them written (None: they are in
    # `written` already). What the edition can do without them, it does before asking.
    await_needed: Callable[[], list[Written]] | None = None
    # The output folder: where the web edition finds the editions an earlier build left
    # (None: beside the edition being written).
    out: Path | None = None
    # The EPUB's page list follows a paged edition of the same run: when the build makes an
    # EPUB, each paged edition records its layout here (None: nobody will read it).
    layouts: dict[str, LayoutProbe] | None = None
    # Paged editions written at the same time as the EPUB (build/concurrent_writes.py): each
    # sets its event once its page layout is recorded (or it failed); the EPUB waits for them.
    awaited: dict[str, threading.Event] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)  # paged editions whose writing raised
    # The EPUB gate's tools, kept running by `bookwright serve` (writers/epub/gate.Checkers).
    # None: the gate starts its own for the EPUB and stops them after it.
    gate_checkers: object | None = None

    def needed_written(self) -> list[Written]:
        """The editions written so far, those this edition needs among them (waiting for them)."""
        return self.await_needed() if self.await_needed is not None else self.written

    def page_layout_pending(self) -> bool:
        """The page layout the EPUB follows is still being made (`page_layout` would wait)."""
        source = self.page_source()
        return source is not None and not self.awaited[source].is_set()

    def layout_probe(self, edition: str) -> LayoutProbe:
        """The probe a paged edition marks its pages with; recorded when the build's EPUB will follow it."""
        probe = LayoutProbe(edition)
        if self.layouts is not None:
            self.layouts[edition] = probe
        return probe

    def layout_known(self, edition: str) -> None:
        """A paged edition's layout is recorded: the EPUB need not wait for its file."""
        event = self.awaited.get(edition)
        if event is not None:
            event.set()

    def page_source(self) -> str | None:
        """The paged edition the EPUB's page list will follow when its layout succeeds: the
        best one of this build's (None: the build makes no EPUB, or no paged edition)."""
        if self.layouts is None:
            return None
        return next((source for source in PAGE_SOURCES if source in self.awaited), None)

    def page_layout(self) -> PageLayout | None:
        """The layout the EPUB's page list follows: the best paged edition of this build that
        has one. It waits for the editions best first, and for no worse one than the one it
        follows (whose tasks the layout workers take first: `page_source`)."""
        probes = self.layouts or {}
        for source in PAGE_SOURCES:
            if source in self.awaited:
                self.awaited[source].wait()
            if source in self.failed:
                raise EditionAbandoned(f"{source} failed")
            probe = probes.get(source)
            if probe is not None and probe.layout is not None and probe.layout.pages:
                return probe.layout
        return None
