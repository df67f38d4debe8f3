"""The one list of editions a build can make: the registry the pipeline loops over.

Each entry says what the edition is called (on the command line, in `[print] profiles`,
in messages), where it is written in the output folder, whether it is laid out in pages
or is a folder, and which writer makes it. The writer is named, not imported, so that
the command line can read its arguments and skip a build whose inputs did not change
without importing WeasyPrint or ebooklib; `Edition.write` imports it when it is needed.

Adding an edition means adding an entry here and a folder under `writers/` whose class
takes this entry and implements `write(book, target, context) -> note`
(see `writers/__init__.py` for the contract).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

# Print-on-demand services an interior can be made for (writers/pdf/print/profiles.py holds
# each one's rules); `print-<name>` is the edition, `[print] profiles` names them.
PRINT_PROFILES = ("kdp", "ingram", "press")
# The services that bind a printed cover round the interior: `print-<name>-cover` is the
# full wrap (writers/pdf/print/cover/), made whenever `[print] profiles` names the service.
COVER_PROFILES = ("kdp", "ingram")


@dataclass(frozen=True)
class Edition:
    name: str
    output: str  # the file or folder it writes in the output folder; "{slug}" is the book's
    writer: str  # "module:Class": the class takes this entry and writes the edition
    paged: bool = False  # laid out in pages: the EPUB's page list can follow its layout
    folder: bool = False  # writes a folder, not a file
    default: bool = True  # made by a plain `bookwright build` (print interiors: when [print] asks)
    profile: str = ""  # a print interior's or cover's profile: [print] profiles naming it asks for the edition
    wraps: str = ""  # a print cover: the interior edition whose page count sizes its spine
    # "module:function" giving (initializer, its argument) for the build's worker processes,
    # started before the editions are written (build/layout_pool.py); "" for none.
    workers: str = ""

    def output_path(self, out: Path, slug: str) -> Path:
        return out / self.output.format(slug=slug)

    def write(self, book, target: Path, context) -> str:
        """Writes the edition at `target` (a temporary path the build renames into place)
        and returns what the build line says about it."""
        module, _, name = self.writer.partition(":")
        return getattr(importlib.import_module(module), name)(self).write(book, target, context) or ""

    def needs(self, book) -> tuple[str, ...]:
        """The editions whose files this one is made from, when the build makes them too:
        a cover's interior, or what the writer's `needs(book)` names (the web edition's downloads)."""
        if self.wraps:
            return (self.wraps,)
        module, _, name = self.writer.partition(":")
        needs = getattr(getattr(importlib.import_module(module), name), "needs", None)
        return tuple(needs(book)) if needs else ()

    def worker_start(self, book, cache_folder: Path | None):
        """(initializer, argument) every worker process of the build starts with."""
        module, _, name = self.workers.partition(":")
        return getattr(importlib.import_module(module), name)(book, cache_folder)


UNIT_WORKERS = "bookwright.writers.pdf.unit_runner:worker_start"  # the PDFs lay their units out in the pool

EDITIONS: dict[str, Edition] = {
    edition.name: edition
    for edition in (
        Edition("epub", "{slug}.epub", "bookwright.writers.epub:EpubEdition"),
        Edition("pdf", "{slug}.pdf", "bookwright.writers.pdf:ScreenPdfEdition", paged=True, workers=UNIT_WORKERS),
        *(Edition(f"print-{profile}", f"{{slug}}-{profile}.pdf", "bookwright.writers.pdf.print:PrintEdition",
                  paged=True, default=False, profile=profile, workers=UNIT_WORKERS) for profile in PRINT_PROFILES),
        *(Edition(f"print-{profile}-cover", f"{{slug}}-{profile}-cover.pdf",
                  "bookwright.writers.pdf.print.cover:CoverEdition", default=False, profile=profile,
                  wraps=f"print-{profile}") for profile in COVER_PROFILES),
        # The web edition offers other editions of the same run for download (WebEdition.needs).
        Edition("web", "site", "bookwright.writers.web:WebEdition", folder=True),
    )
}


def default_editions(print_profiles: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What a plain `bookwright build` makes: every default edition and the print
    interiors (and their covers) `[print] profiles` asks for."""
    return tuple(name for name, edition in EDITIONS.items()
                 if edition.default or edition.profile in print_profiles)


def build_order(names) -> list[Edition]:
    """Paged editions first (the EPUB's page list follows their layout; a print cover
    counts its interior's pages), folders last (the web edition copies the files made
    before it)."""
    chosen = [EDITIONS[name] for name in names]
    return sorted(chosen, key=lambda e: (not e.paged, e.folder))
