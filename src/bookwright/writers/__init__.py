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

from dataclasses import dataclass, field
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.writers.pagelist import LayoutProbe, PageLayout, choose_layout


class EditionRejected(Exception):
    """The edition is not published: its problems are in the diagnostics, the previous file stays."""


@dataclass(frozen=True)
class Written:
    """An edition already written in this build."""

    edition: str  # its name in editions.EDITIONS
    path: Path


@dataclass
class BuildContext:
    diagnostics: Diagnostics
    gate: bool = False  # the EPUB goes through EPUBCheck and Ace before it is published
    jobs: int = 1  # worker processes a PDF edition may lay its units out in
    written: list[Written] = field(default_factory=list)  # the editions written so far, in order
    # The output folder: where the web edition finds the editions an earlier build left
    # (None: beside the edition being written).
    out: Path | None = None
    # The EPUB's page list follows a paged edition of the same run: when the build makes an
    # EPUB, each paged edition records its layout here (None: nobody will read it).
    layouts: dict[str, LayoutProbe] | None = None
    # The output folder's cache (.bookwright-cache), where an edition keeps what a later build
    # may reuse (the EPUB's gate keeps its verdicts there). None: nothing is kept.
    cache_folder: Path | None = None
    # The EPUB gate's tools, kept running by `bookwright serve` (writers/epub/gate.Checkers).
    # None: the gate starts its own for the EPUB and stops them after it.
    gate_checkers: object | None = None

    def layout_probe(self, edition: str) -> LayoutProbe | None:
        """A probe for a paged edition's layout, when the build's EPUB will follow it."""
        if self.layouts is None:
            return None
        probe = self.layouts[edition] = LayoutProbe(edition)
        return probe

    def page_layout(self) -> PageLayout | None:
        """The layout the EPUB's page list follows: the best paged edition of this build."""
        return choose_layout(self.layouts or {})
