"""[epub]: what the EPUB declares about its accessibility, where the author says it, and
whether it carries the book's fonts.

`accessibility-summary` replaces the generated summary, `certified-by` names who vouches
for the conformance claim (the publisher by default). The schema check has the types;
this module checks what the values mean.
"""

from __future__ import annotations

from bookwright.diagnostics import Diagnostics
from bookwright.load.toml import KeyLocator
from bookwright.model import AccessibilityOptions, EpubOptions
from bookwright.options import field_names, with_defaults


def read_epub(table: dict, at: KeyLocator, diags: Diagnostics) -> EpubOptions:
    return with_defaults(EpubOptions, accessibility=_accessibility(table, at, diags),
                         embed_fonts=table.get("embed-fonts"))


def _accessibility(table: dict, at: KeyLocator, diags: Diagnostics) -> AccessibilityOptions:
    values = {}
    for key, name in field_names(AccessibilityOptions).items():
        value = table.get(key)
        if value is not None and not value.strip():
            diags.error_at(at.key("epub", key), f"[epub] {key} is empty",
                           hint="leave the key out to use the generated text")
        elif value is not None:
            values[name] = " ".join(value.split())
    return with_defaults(AccessibilityOptions, **values)
