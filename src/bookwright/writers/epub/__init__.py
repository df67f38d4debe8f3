"""The EPUB edition, published: the package written (`package.py`), checked by the gate
(`gate.py`: EPUBCheck and Ace), and only then handed to the build.

The conformance claim is written into the file only when the gate will verify it; a gate
that ran but found anything short of a clean pass takes the claim off (the file is written
again without it); a gate that found errors rejects the edition, and the previous file stays.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.editions import EDITIONS, Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext, EditionRejected
from bookwright.writers.epub import gate
from bookwright.writers.epub.package import EpubPackage


class EpubEdition:
    def __init__(self, edition: Edition):
        self.edition = edition

    def write(self, book: ResolvedBook, target: Path, context: BuildContext) -> str:
        # Tools kept running (the live preview) are the ones the claim is made for.
        checkers = context.gate_checkers
        tools = (checkers.tools if checkers is not None else gate.find_tools()) if context.gate else None
        claim = bool(tools and tools.complete)
        if context.page_layout_pending():
            # While the page list's layout is made, the package is made without it: that cuts
            # the fonts to what its documents show, the same characters as with the page list
            # (page numbers are digits, which every subset keeps); font_subset.py keeps the
            # subsets for the package written below, which is what it would be without this.
            EpubPackage(book, pages=None, claim=claim, cache=context.cache_folder).write(io.BytesIO())
        pages = context.page_layout()
        package = EpubPackage(book, pages=pages, claim=claim, cache=context.cache_folder)
        package.write(target)
        notes = [f"page list of {len(pages.pages)} pages from the {pages.source} edition"] if pages else []
        if tools is None:
            return "; ".join(notes + ["not checked (--no-gate), no conformance claim"])
        result = gate.run_gate(target, tools, context.cache_folder, context.gate_checkers)
        gate.report_findings(result, book, package.files, context.diagnostics)
        if result.errors:
            raise EditionRejected(result.summary())
        claimed = package.accessibility.claims_conformance
        if claimed and not result.clean:
            EpubPackage(book, pages=pages, claim=False, cache=context.cache_folder).write(target)
            claimed = False
        notes.append(result.summary())
        if result.cost():
            notes.append(result.cost())
        if tools.missing():
            notes.append(f"{', '.join(tools.missing())} not installed")
        notes.append("conformance claimed" if claimed else "no conformance claim")
        return "; ".join(notes)


def check_epub(book: ResolvedBook, diags: Diagnostics) -> str:
    """`bookwright check`: the EPUB is built in a scratch folder and put through the gate."""
    edition = EDITIONS["epub"]
    with tempfile.TemporaryDirectory(prefix="bookwright-check-") as scratch:
        try:
            return EpubEdition(edition).write(book, edition.output_path(Path(scratch), book.metadata.slug),
                                              BuildContext(diags, gate=True))
        except EditionRejected as exc:
            return str(exc)
