"""The web edition: the site (`site.py`) with the other editions of the same build offered
for download, and a search index (`search.py`)."""

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

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        # A print cover is a file for the printer, not a way to read the book.
        downloads = [Download(w.edition, w.path) for w in context.written
                     if not EDITIONS[w.edition].folder and not EDITIONS[w.edition].wraps]
        report = WebSite(book, downloads).write(target)
        return f"{report.pages} pages, search index {human_size(report.search_bytes)}"
