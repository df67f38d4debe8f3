"""PDFium, the one way the build reads a PDF's drawing back (the print preflight, the
rasterised typographic cover), one document at a time.

PDFium is not thread-safe, and pypdfium2 says so: two threads inside it at once can crash
the process. The build writes its editions side by side in threads
(build/concurrent_writes.py): the KDP and IngramSpark interiors are checked at the same
time, while the EPUB may be drawing its cover. So every use of PDFium holds one lock for
the process, from opening a document to closing it (closing also frees its pages)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium

_INSIDE_PDFIUM = threading.RLock()


@contextmanager
def pdfium_document(source) -> Iterator[pdfium.PdfDocument]:
    """The PDF at `source` (a path, or the file's bytes) opened in PDFium, for the block only."""
    with _INSIDE_PDFIUM:
        document = pdfium.PdfDocument(source)
        try:
            yield document
        finally:
            document.close()
