"""Accessibility as a build gate: checks on the author's Markdown (`checks.py`), the
book.toml options that shape what the EPUB declares (`config.py`), and EPUBCheck and Ace
run on the packaged EPUB before it is published (`gate.py`)."""
