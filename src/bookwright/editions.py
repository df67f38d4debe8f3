"""The names of the editions, apart from the pipeline that builds them, so that the
command line can read its arguments (and skip a no-op build) without importing it."""

from __future__ import annotations

FORMATS = ("epub", "pdf", "web")
# Print-ready interiors (writers/pdf/print/profiles.py): built only when --format names them
# or book.toml lists them in [print] profiles; each is dist/<slug>-<profile>.pdf.
PRINT_FORMATS = ("print-kdp", "print-ingram", "print-press")
