"""[notes]: how notes are numbered and where every edition places them."""

from __future__ import annotations

from bookwright.diagnostics import Diagnostics
from bookwright.load.toml import KeyLocator
from bookwright.model import NoteOptions
from bookwright.options import with_defaults

NOTE_NUMBERING = ("book", "chapter")
NOTE_PLACEMENT = ("footnotes", "endnotes-chapter", "endnotes-book")


def read_notes(table: dict, at: KeyLocator, diags: Diagnostics) -> NoteOptions:
    values = {}
    for key, allowed in (("numbering", NOTE_NUMBERING), ("placement", NOTE_PLACEMENT)):
        value = table.get(key)
        if value is not None and value not in allowed:
            diags.error_at(at.key("notes", key), f"[notes] {key} must be one of {', '.join(allowed)}, not '{value}'")
        elif value is not None:
            values[key] = value
    return with_defaults(NoteOptions, **values)
