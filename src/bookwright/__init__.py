"""bookwright: one Markdown manuscript, three editions that agree (EPUB 3, PDF, web)."""

__version__ = "0.1.0"
