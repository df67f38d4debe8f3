"""The web edition: the site (`site.py`) with the editions `[web] downloads` offers, a
search index (`search.py`) and the author's header and footer (`snippets.py`).

The site offers what the author lets it give away, and nothing else: the EPUB and the
screen PDF by default (none for a sample site), never a print interior unless named. An
edition offered but not built in this run is taken from the output folder, where an
earlier build left it, and the build line says so; one that is nowhere is a warning.
"""

from __future__ import annotations

from pathlib import Path

from bookwright.editions import EDITIONS, Edition
from bookwright.model import ResolvedBook
from bookwright.words import human_size
from bookwright.writers import BuildContext
from bookwright.writers.web.site import Download, WebSite


class WebEdition:
    def __init__(self, edition: Edition):
        self.edition = edition

    @staticmethod
    def needs(book: ResolvedBook) -> tuple[str, ...]:
        """The editions the site offers: it is written once the build has written them."""
        return book.config.web.offered

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        site = WebSite(book, context.diagnostics, context.cache_folder)
        if context.await_needed is not None:
            site.cut_fonts_ahead(list(book.config.web.offered))  # the longest part, while the editions are written
        downloads, notes = offered_downloads(book, context, target.parent)
        report = site.write(target, downloads)
        return "; ".join([f"{report.pages} pages, search index {human_size(report.search_bytes)}"] + notes)


def offered_downloads(book: ResolvedBook, context: BuildContext, out: Path) -> tuple[list[Download], list[str]]:
    """The files the site offers, in `[web] downloads` order, and what the build line says
    about the ones an earlier build made."""
    written = {w.edition: w.path for w in context.needed_written()}
    web = book.config.web
    downloads, earlier, missing = [], [], []
    for name in web.offered:
        if name in written:
            downloads.append(Download(name, written[name]))
            continue
        path = EDITIONS[name].output_path(context.out or out, book.metadata.slug)
        if path.is_file():
            downloads.append(Download(name, path, earlier=True))
            earlier.append(name)
        else:
            missing.append(name)
    notes = [f"offers the {', '.join(earlier)} of an earlier build"] if earlier else []
    if missing and web.downloads is None:
        notes.append(f"no {', '.join(missing)} to offer (not built)")
    elif missing:
        where = book.config.location_of("web", "downloads")
        context.diagnostics.warning_at(
            where, f"the web edition offers no {', '.join(missing)}: not built in this run, and not in the output "
                   "folder", hint="build it too (bookwright build without --format, or --format "
                                  f"{','.join(missing + ['web'])}), or leave it out of [web] downloads")
    return downloads, notes
