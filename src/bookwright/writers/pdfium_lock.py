"""One use of pdfium at a time in a build.

The editions are written side by side, in threads of one process (build/concurrent_writes.py),
and the print interiors' preflight, the covers' preflight and the typographic cover all read
or draw PDFs with pdfium, which is not thread-safe: two documents open at once in two threads
crash the process or fail to load pages. Every use holds this lock; each is short (a file
checked or one page drawn), so the editions wait for each other only briefly.
"""

from __future__ import annotations

import threading

PDFIUM = threading.RLock()
